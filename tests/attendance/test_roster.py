import io
from http import HTTPStatus

import pytest
from pypdf import PdfReader

from activities.timezones import zone
from attendance import imports
from attendance.models import Attendance
from tests.factories import UserFactory, make_published_activity

pytestmark = pytest.mark.django_db


def roster_url(activity):
    return f"/api/v1/activities/{activity.id}/attendance/"


def import_url(activity, dry_run=False):
    return f"/api/v1/activities/{activity.id}/attendance/import/" + ("?dry_run=1" if dry_run else "")


def upload(client, activity, text: str | bytes, *, dry_run=False, name="roster.csv"):
    content = text.encode("utf-8") if isinstance(text, str) else text
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(import_url(activity, dry_run), {"file": handle}, format="multipart")


# --- roster ---------------------------------------------------------------------------------------


def test_staff_mark_by_email_and_roster(staff_client, accreditation_client, clinician_client, staff, clinician):
    activity = make_published_activity(sessions=2)
    first = activity.sessions.first()

    created = staff_client.post(roster_url(activity), {"email": "ADA@example.org", "session": first.id}, format="json")
    again = staff_client.post(roster_url(activity), {"user": clinician.id, "session": first.id}, format="json")

    assert (created.status_code, again.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    attendance = Attendance.objects.get()
    assert (attendance.method, attendance.recorded_by) == ("staff", staff)
    roster = accreditation_client.get(roster_url(activity)).json()["results"]
    assert [(row["user"]["email"], row["session"]["id"], row["method"]) for row in roster] == [
        ("ada@example.org", first.id, "staff")
    ]
    assert clinician_client.get(roster_url(activity)).status_code == HTTPStatus.FORBIDDEN
    assert accreditation_client.post(roster_url(activity), {"user": clinician.id, "session": first.id},
                                     format="json").status_code == HTTPStatus.FORBIDDEN  # fmt: skip


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "nobody@example.org"}, "email"),
        ({}, "user"),
        ({"user": 999999}, "user"),
        ({"session": "x"}, "session"),
    ],
)
def test_mark_bad_input(staff_client, clinician, body, field):
    activity = make_published_activity()
    payload = {"session": activity.sessions.get().id, **body}

    response = staff_client.post(roster_url(activity), payload, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()
    assert not Attendance.objects.exists()


def test_mark_session_of_another_activity(staff_client, clinician):
    activity, other = make_published_activity(), make_published_activity()

    response = staff_client.post(
        roster_url(activity), {"user": clinician.id, "session": other.sessions.get().id}, format="json"
    )

    assert response.json() == {"session": ["This session does not belong to the activity."]}


def test_roster_query_count_is_constant(staff_client, django_assert_max_num_queries):
    activity = make_published_activity(sessions=3)
    for session in activity.sessions.all():
        for _ in range(5):
            Attendance.objects.create(user=UserFactory(), session=session, method="staff")

    with django_assert_max_num_queries(6):
        response = staff_client.get(roster_url(activity), {"page_size": 200})

    assert response.json()["count"] == 15


# --- import --------------------------------------------------------------------------------------


def test_import_by_session_id_and_start_time(staff_client, staff):
    activity = make_published_activity(sessions=2, time_zone="America/Chicago")
    first, second = activity.sessions.order_by("starts_at")
    learners = [UserFactory(email=f"r{i}@example.org") for i in range(3)]
    start = second.starts_at.astimezone(zone("America/Chicago")).strftime("%Y-%m-%d %H:%M")
    Attendance.objects.create(user=learners[0], session=first, method="code")

    response = upload(
        staff_client,
        activity,
        f"email,session\nr0@example.org,{first.id}\nR1@EXAMPLE.ORG,{first.id}\nr2@example.org,{start}\n"
        f"r2@example.org,{start}\n",
    )

    assert response.status_code == HTTPStatus.OK, response.json()
    assert response.json() == {"created": 2, "unchanged": 2, "errors": []}
    assert set(Attendance.objects.filter(method="import").values_list("user__email", "session_id")) == {
        ("r1@example.org", first.id),
        ("r2@example.org", second.id),
    }
    assert Attendance.objects.filter(method="import").first().recorded_by == staff


def test_import_excel_style_bom_crlf_quotes_and_extra_columns(staff_client):
    activity = make_published_activity()
    session = activity.sessions.get()
    UserFactory(email="quoted@example.org")
    text = (
        f'\ufeff"Name","Email","Session","Join time"\r\n"Doe, Jane","quoted@example.org","{session.id}","9:01"\r\n\r\n'
    )

    response = upload(staff_client, activity, text)

    assert response.json() == {"created": 1, "unchanged": 0, "errors": []}


def test_one_bad_row_writes_nothing_and_names_every_bad_row(staff_client):
    activity = make_published_activity()
    session = activity.sessions.get()
    UserFactory(email="good@example.org")
    text = (
        f"email,session\ngood@example.org,{session.id}\nghost@example.org,{session.id}\n"
        f"good@example.org,999999\nnot-an-email,{session.id}\ngood@example.org,2026-13-45 99:99\n"
        "good@example.org,2001-01-01 09:00\n"
    )

    response = upload(staff_client, activity, text)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "created": 1,
        "unchanged": 0,
        "errors": [
            {"row": 3, "message": imports.UNKNOWN_EMAIL.format(email="ghost@example.org")},
            {"row": 4, "message": imports.UNKNOWN_SESSION.format(value="999999")},
            {"row": 5, "message": imports.BAD_EMAIL},
            {"row": 6, "message": imports.BAD_SESSION},
            {"row": 7, "message": imports.UNKNOWN_START.format(value="2001-01-01 09:00", zone=activity.time_zone)},
        ],
    }
    assert not Attendance.objects.exists()


def test_dry_run_writes_nothing(staff_client):
    activity = make_published_activity()
    UserFactory(email="dry@example.org")

    response = upload(staff_client, activity, f"email,session\ndry@example.org,{activity.sessions.get().id}\n",
                      dry_run=True)  # fmt: skip

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"created": 1, "unchanged": 0, "errors": []}
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"email,session\n", imports.EMPTY),
        (b"name,when\nx,y\n", imports.NO_HEADER),
        (b"", imports.NO_HEADER),
        ("email,session\nzoë@example.org,1\n".encode("latin-1"), imports.NOT_UTF8),
    ],
)
def test_file_level_errors(staff_client, content, message):
    activity = make_published_activity()

    response = upload(staff_client, activity, content)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"file": [message]}


def test_too_many_rows(staff_client):
    activity = make_published_activity()
    text = "email,session\n" + "a@example.org,1\n" * (imports.MAX_ROWS + 1)

    response = upload(staff_client, activity, text)

    assert response.json() == {"file": [imports.TOO_MANY_ROWS]}


def test_too_large(staff_client):
    activity = make_published_activity()

    response = upload(staff_client, activity, b"email,session\n" + b"x" * (imports.MAX_BYTES + 1))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "file" in response.json()


def test_missing_file(staff_client):
    activity = make_published_activity()

    response = staff_client.post(import_url(activity), {}, format="multipart")

    assert response.json() == {"file": ["Attach the CSV file in the field `file`."]}


def test_import_requires_staff(accreditation_client, clinician_client):
    activity = make_published_activity()

    assert upload(accreditation_client, activity, "email,session\n").status_code == HTTPStatus.FORBIDDEN
    assert upload(clinician_client, activity, "email,session\n").status_code == HTTPStatus.FORBIDDEN


def test_large_import_is_fast_in_queries(staff_client, django_assert_max_num_queries):
    activity = make_published_activity()
    session = activity.sessions.get()
    users = UserFactory.create_batch(300)
    text = "email,session\n" + "".join(f"{u.email},{session.id}\n" for u in users)

    with django_assert_max_num_queries(40):
        response = upload(staff_client, activity, text)

    assert response.json()["created"] == 300
    assert Attendance.objects.count() == 300


# --- poster --------------------------------------------------------------------------------------


def test_poster_pdf(staff_client, clinician_client):
    activity = make_published_activity(title="Sepsis: the first hour")
    session = activity.sessions.get()

    response = staff_client.get(f"/api/v1/sessions/{session.id}/poster.pdf")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert session.checkin_code in "".join(text.split())
    assert "Sepsis: the first hour" in text
    assert f"/checkin/{session.checkin_code}/" in text.replace("\n", "")
    assert clinician_client.get(f"/api/v1/sessions/{session.id}/poster.pdf").status_code == HTTPStatus.FORBIDDEN
