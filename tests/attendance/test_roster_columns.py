"""Roster import columns: the session by id, by start time or by join time; any header case; , ; or tab."""

from datetime import datetime, time, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from activities.services import activity_publish
from activities.services.sessions import session_create
from attendance import imports
from attendance.models import Attendance
from tests.attendance.test_roster import upload
from tests.factories import UserFactory, make_activity, make_disclosed_person

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def tokyo_activity(*, parallel: bool = False):
    """Two one-hour sessions the day after tomorrow in Tokyo: 09:00 and 13:00 (or both 09:00, parallel)."""
    hours = "1.00" if parallel else "2.00"
    activity = make_activity(time_zone="Asia/Tokyo", credits=(("ama-pra-1", hours), ("participation", hours)))
    morning = datetime.combine((timezone.now() + timedelta(days=2)).astimezone(TOKYO).date(), time(9), TOKYO)
    for starts_at in (morning, morning if parallel else morning + timedelta(hours=4)):
        session_create(activity=activity, created_by=None, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
                       parallel_group="track" if parallel else "")  # fmt: skip
    make_disclosed_person(activity)
    return activity_publish(activity=activity, published_by=None)


def local(session, minutes: int = 0, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return (session.starts_at.astimezone(TOKYO) + timedelta(minutes=minutes)).strftime(pattern)


def learners(count: int) -> list[str]:
    return [UserFactory(email=f"r{i}@example.org").email for i in range(count)]


def imported() -> set[tuple[str, int]]:
    return set(Attendance.objects.filter(method="import").values_list("user__email", "session_id"))


def test_start_time_column_matches_the_local_start(staff_client):
    activity = tokyo_activity()
    morning, afternoon = activity.sessions.order_by("starts_at")
    emails = learners(3)
    text = (
        "Email Address,Start Time\n"
        f"{emails[0]},{local(morning)}\n"
        f"{emails[1]},{local(afternoon, pattern='%m/%d/%Y %I:%M %p')}\n"
        f"{emails[2]},{local(afternoon, pattern='%Y-%m-%dT%H:%M:%S')}\n"
    )

    response = upload(staff_client, activity, text)

    assert response.json() == {"created": 3, "unchanged": 0, "errors": []}
    assert imported() == {(emails[0], morning.id), (emails[1], afternoon.id), (emails[2], afternoon.id)}


def test_start_time_is_read_in_the_activity_zone_not_utc(staff_client):
    activity = tokyo_activity()
    morning = activity.sessions.order_by("starts_at").first()
    (email,) = learners(1)
    utc_start = morning.starts_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M")

    response = upload(staff_client, activity, f"email,session start\n{email},{utc_start}\n")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"row": 2, "message": imports.UNKNOWN_START.format(value=utc_start, zone="Asia/Tokyo")}
    ]
    assert not Attendance.objects.exists()


def test_join_time_picks_the_session_open_then(staff_client):
    activity = tokyo_activity()
    morning, afternoon = activity.sessions.order_by("starts_at")
    emails = learners(4)
    # A webinar export: its own start time column is the meeting's actual start, the join time decides.
    text = (
        "Name (Original Name),User Email,Join Time,Leave Time,Start Time\n"
        f'"Doe, Jane",{emails[0]},{local(morning, -30, "%m/%d/%Y %I:%M:%S %p")},x,{local(morning, 2)}\n'
        f'"Roe, Rick",{emails[1]},{local(morning, 60)},x,{local(morning, 2)}\n'
        f"Ann,{emails[2]},{local(afternoon, 5, '%Y-%m-%dT%H:%M:%S+09:00')},x,\n"
        f"Bo,{emails[3]},{(afternoon.starts_at + timedelta(minutes=10)).isoformat()},x,\n"
    )

    response = upload(staff_client, activity, text)

    assert response.json() == {"created": 4, "unchanged": 0, "errors": []}
    assert imported() == {
        (emails[0], morning.id),
        (emails[1], morning.id),
        (emails[2], afternoon.id),
        (emails[3], afternoon.id),
    }


def test_join_time_outside_every_session_is_a_row_error_and_nothing_is_written(staff_client):
    activity = tokyo_activity()
    morning, afternoon = activity.sessions.order_by("starts_at")
    emails = learners(3)
    too_early, between = local(morning, -31), local(morning, 61)
    text = (
        f"email,join time\n{emails[0]},{local(afternoon, 1)}\n{emails[1]},{too_early}\n"
        f"{emails[2]},{between}\n{emails[2]},not a time\n"
    )

    response = upload(staff_client, activity, text)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "created": 1,
        "unchanged": 0,
        "errors": [
            {"row": 3, "message": imports.NO_SESSION_AT_JOIN.format(value=too_early, zone="Asia/Tokyo")},
            {"row": 4, "message": imports.NO_SESSION_AT_JOIN.format(value=between, zone="Asia/Tokyo")},
            {"row": 5, "message": imports.BAD_SESSION},
        ],
    }
    assert not Attendance.objects.exists()


def test_join_time_in_parallel_sessions_is_ambiguous(staff_client):
    activity = tokyo_activity(parallel=True)
    first = activity.sessions.first()
    (email,) = learners(1)

    response = upload(staff_client, activity, f"email,join time\n{email},{local(first, 5)}\n")

    assert response.json()["errors"] == [
        {"row": 2, "message": imports.SEVERAL_SESSIONS_AT_JOIN.format(value=local(first, 5), zone="Asia/Tokyo")}
    ]


def test_session_column_wins_then_join_then_start(staff_client):
    activity = tokyo_activity()
    morning, afternoon = activity.sessions.order_by("starts_at")
    emails = learners(3)
    text = (
        "email,session,join time,start time\n"
        f"{emails[0]},{afternoon.id},{local(morning)},{local(morning)}\n"
        f"{emails[1]},,{local(afternoon, 3)},{local(morning)}\n"
        f"{emails[2]},,,{local(afternoon)}\n"
    )

    response = upload(staff_client, activity, text)

    assert response.json() == {"created": 3, "unchanged": 0, "errors": []}
    assert imported() == {(emails[0], afternoon.id), (emails[1], afternoon.id), (emails[2], afternoon.id)}


@pytest.mark.parametrize(
    "header, separator",
    [("EMAIL;SESSION", ";"), ("E-Mail\tSession_ID", "\t"), ("User_Email;Start_Time", ";"), ("eMail,Session", ",")],
)
def test_header_case_and_separators(staff_client, header, separator):
    activity = tokyo_activity()
    morning = activity.sessions.order_by("starts_at").first()
    (email,) = learners(1)
    value = local(morning) if "start" in header.lower() else str(morning.id)

    response = upload(staff_client, activity, f"{header}\r\n{email.upper()}{separator}{value}\r\n")

    assert response.json() == {"created": 1, "unchanged": 0, "errors": []}
    assert imported() == {(email, morning.id)}


def test_excel_semicolon_export_with_bom_quotes_and_decimal_commas(staff_client):
    activity = tokyo_activity()
    morning, afternoon = activity.sessions.order_by("starts_at")
    emails = learners(2)
    text = (
        '\ufeff"Name";"E-mail";"Session";"Score"\r\n'
        f'"Müller, Jörg";"{emails[0]}";"{morning.id}";"1,5"\r\n'
        f'"Łukasz; Nowak";"{emails[1]}";"{local(afternoon)}";"2,0"\r\n'
    )

    response = upload(staff_client, activity, text.encode("utf-8"))

    assert response.json() == {"created": 2, "unchanged": 0, "errors": []}
    assert imported() == {(emails[0], morning.id), (emails[1], afternoon.id)}


def test_comma_file_whose_names_contain_semicolons(staff_client):
    activity = tokyo_activity()
    morning = activity.sessions.order_by("starts_at").first()
    emails = learners(2)
    text = f'name,email,session\n"A; B",{emails[0]},{morning.id}\n"C; D; E",{emails[1]},{morning.id}\n'

    response = upload(staff_client, activity, text)

    assert response.json() == {"created": 2, "unchanged": 0, "errors": []}


def test_dry_run_with_join_times_writes_nothing(staff_client):
    activity = tokyo_activity()
    morning = activity.sessions.order_by("starts_at").first()
    (email,) = learners(1)

    response = upload(staff_client, activity, f"Email;Join Time\n{email};{local(morning, 10)}\n", dry_run=True)

    assert (response.status_code, response.json()) == (HTTPStatus.OK, {"created": 1, "unchanged": 0, "errors": []})
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("header", ["email;name", "session,start time", "mail,join"])
def test_a_header_without_email_and_a_session_column(staff_client, header):
    activity = tokyo_activity()

    response = upload(staff_client, activity, f"{header}\nx@example.org;1\n")

    assert response.json() == {"file": [imports.NO_HEADER]}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2030-03-05 09:00", datetime(2030, 3, 5, 9)),
        ("2030-03-05T09:00:30", datetime(2030, 3, 5, 9, 0, 30)),
        ("2030-03-05T00:00:00Z", datetime(2030, 3, 5, 9)),  # converted to Tokyo time
        ("03/05/2030 9:00 PM", datetime(2030, 3, 5, 21)),
        ("3/5/2030, 09:05:10 am", datetime(2030, 3, 5, 9, 5, 10)),
        ("03/05/2030 21:00", datetime(2030, 3, 5, 21)),
        ("2030-03-05", None),
        ("9:01", None),
        ("2030-13-45 99:99", None),
        ("", None),
    ],
)
def test_parse_local_datetime(value, expected):
    assert imports.parse_local_datetime(value, "Asia/Tokyo") == expected


@pytest.mark.parametrize("moment", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00", "12/31/9999 11:59 PM"])
def test_join_times_at_the_calendars_edges_are_row_errors(staff_client, moment):
    activity = tokyo_activity()
    emails = learners(1)

    response = upload(staff_client, activity, f"email,join time\n{emails[0]},{moment}\n")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [error["row"] for error in response.json()["errors"]] == [2]
    assert imported() == set()


def test_a_cell_past_the_csv_field_limit_is_a_file_error(staff_client):
    activity = tokyo_activity()
    emails = learners(1)

    response = upload(staff_client, activity, f"email,session,notes\n{emails[0]},1,{'x' * 200_000}\n")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["file"] == [imports.UNREADABLE]
