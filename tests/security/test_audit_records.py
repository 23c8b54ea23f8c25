"""Audit trail of learner records: every way attendance is written leaves a history row saying who and what,
staff read the history of certificates, sessions and attendance in the admin, and nothing there deletes them.

(The claim's admin history and the admin's refusal to delete are in test_audit.py.)
"""

import io
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.services import role_grant
from activities.services import session_update
from attendance.models import Attendance
from certificates.models import Certificate, CertificateStatus
from claims.models import Claim
from tests.factories import UserFactory, make_claim, make_published_activity
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins/"


@pytest.fixture
def staff_web(staff):
    return signed_in(staff)


@pytest.fixture
def staff_admin(staff):
    """A CME staff member in the admin (the role gives is_staff; never a superuser)."""
    role_grant(user=staff, role="cme_staff")
    staff.refresh_from_db()
    assert staff.is_staff and not staff.is_superuser
    return signed_in(staff)


def only_history_row(attendance: Attendance):
    rows = list(attendance.history.all())
    assert len(rows) == 1, rows
    return rows[0]


# --- every way attendance is written leaves a '+' row with who and what ------------------------------------


def test_a_code_check_in_is_recorded_as_the_learner_checking_in(clinician_client, clinician):
    session = make_published_activity(starts_in_hours=0.1, minutes=60).sessions.get()

    response = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert response.status_code == HTTPStatus.CREATED
    attendance = Attendance.objects.get()
    row = only_history_row(attendance)
    assert row.history_type == "+"
    assert row.history_user == clinician
    assert (row.id, row.user_id, row.session_id, row.method, row.recorded_by_id) == (
        attendance.pk,
        clinician.pk,
        session.pk,
        "code",
        None,
    )
    assert row.checked_in_at == attendance.checked_in_at


def test_checking_in_again_adds_no_history(clinician_client):
    session = make_published_activity(starts_in_hours=0.1, minutes=60).sessions.get()

    first = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")
    again = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert (first.status_code, again.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert Attendance.history.count() == 1


def test_a_staff_marking_through_the_api_names_the_staff_member(staff_client, staff, clinician):
    activity = make_published_activity()
    session = activity.sessions.get()

    response = staff_client.post(f"/api/v1/activities/{activity.pk}/attendance/",
                                 {"user": clinician.pk, "session": session.pk}, format="json")  # fmt: skip

    assert response.status_code == HTTPStatus.CREATED
    row = only_history_row(Attendance.objects.get())
    assert row.history_type == "+"
    assert row.history_user == staff
    assert (row.user_id, row.session_id, row.method, row.recorded_by_id) == (clinician.pk, session.pk, "staff",
                                                                             staff.pk)  # fmt: skip


def test_a_staff_marking_on_the_roster_page_names_the_staff_member(staff_web, staff, clinician):
    activity = make_published_activity()
    session = activity.sessions.get()

    response = staff_web.post(f"/staff/activities/{activity.pk}/roster/",
                              {"email": clinician.email, "session": session.pk})  # fmt: skip

    assert response.status_code == HTTPStatus.FOUND
    row = only_history_row(Attendance.objects.get())
    assert row.history_type == "+"
    assert row.history_user == staff
    assert (row.user_id, row.session_id, row.method, row.recorded_by_id) == (clinician.pk, session.pk, "staff",
                                                                             staff.pk)  # fmt: skip


def test_a_roster_import_leaves_one_history_row_per_new_record(staff_client, staff, clinician, other_clinician):
    activity = make_published_activity(sessions=2)
    first, second = activity.sessions.order_by("starts_at")
    Attendance.objects.create(user=clinician, session=first, method="staff", recorded_by=staff)  # already there
    before = Attendance.history.count()
    csv = (
        f"email,session\n{clinician.email},{first.pk}\n{clinician.email},{second.pk}\n"
        f"{other_clinician.email.upper()},{first.pk}\n"
    )
    handle = io.BytesIO(csv.encode())
    handle.name = "roster.csv"

    response = staff_client.post(f"/api/v1/activities/{activity.pk}/attendance/import/", {"file": handle},
                                 format="multipart")  # fmt: skip

    assert response.status_code == HTTPStatus.OK, response.json()
    assert (response.json()["created"], response.json()["unchanged"]) == (2, 1)
    rows = list(Attendance.history.order_by("history_id")[before:])
    assert len(rows) == 2
    imported = {(row.user_id, row.session_id): row for row in rows}
    assert set(imported) == {(clinician.pk, second.pk), (other_clinician.pk, first.pk)}
    for (user_id, session_id), row in imported.items():
        record = Attendance.objects.get(user_id=user_id, session_id=session_id)
        assert row.history_type == "+"
        assert row.history_user == staff
        assert (row.id, row.method, row.recorded_by_id) == (record.pk, "import", staff.pk)
    # The record that was already there gained no history from the import.
    assert Attendance.objects.get(user=clinician, session=first).history.count() == 1


def test_a_dry_run_import_writes_no_history(staff_client, clinician):
    activity = make_published_activity()
    handle = io.BytesIO(f"email,session\n{clinician.email},{activity.sessions.get().pk}\n".encode())
    handle.name = "roster.csv"

    response = staff_client.post(f"/api/v1/activities/{activity.pk}/attendance/import/?dry_run=1",
                                 {"file": handle}, format="multipart")  # fmt: skip

    assert response.status_code == HTTPStatus.OK
    assert (Attendance.objects.count(), Attendance.history.count()) == (0, 0)


def test_attendance_offers_no_removal_so_no_record_ever_leaves_a_deletion_row(staff_client, staff, clinician):
    """Attendance is corrected by adding, never by removing: the API has no delete or edit, so '-' never occurs."""
    activity = make_published_activity()
    session = activity.sessions.get()
    staff_client.post(f"/api/v1/activities/{activity.pk}/attendance/", {"user": clinician.pk, "session": session.pk},
                      format="json")  # fmt: skip
    attendance = Attendance.objects.get()
    roster = f"/api/v1/activities/{activity.pk}/attendance/"

    refused = [
        staff_client.delete(roster, {"user": clinician.pk, "session": session.pk}, format="json").status_code,
        staff_client.put(roster, {"user": clinician.pk, "session": session.pk}, format="json").status_code,
        staff_client.patch(roster, {"session": session.pk}, format="json").status_code,
        staff_client.delete(f"{roster}{attendance.pk}/").status_code,
    ]

    assert set(refused) <= {HTTPStatus.METHOD_NOT_ALLOWED, HTTPStatus.NOT_FOUND}
    assert refused[:3] == [HTTPStatus.METHOD_NOT_ALLOWED] * 3
    assert Attendance.objects.filter(pk=attendance.pk).exists()
    assert list(attendance.history.values_list("history_type", flat=True)) == ["+"]


# --- the history is read in the admin ----------------------------------------------------------------------


def test_a_revoked_certificates_history_shows_who_revoked_it_and_why(staff_admin, staff, clinician):
    claim = make_claim(clinician)
    certificate = claim.certificate

    revoked = staff_admin.post(f"/staff/certificates/{certificate.pk}/revoke/",
                               {"reason": "Attendance could not be verified"})  # fmt: skip
    page = staff_admin.get(f"/admin/certificates/certificate/{certificate.pk}/history/")

    assert revoked.status_code == HTTPStatus.FOUND
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    latest = certificate.history.first()
    assert (latest.history_type, latest.history_user, latest.status) == ("~", staff, CertificateStatus.REVOKED)
    assert latest.history_change_reason == "Attendance could not be verified"
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Attendance could not be verified" in html
    assert "Stella Staff" in html or "staff@example.org" in html
    assert html.count("Changed") >= 1 and "Created" in html


def test_an_edited_sessions_history_shows_the_change_and_who_made_it(staff_admin, staff):
    activity = make_published_activity()
    session = activity.sessions.get()

    session_update(session=session, changed_by=staff, title="Morning plenary (moved to room 4)")
    page = staff_admin.get(f"/admin/activities/session/{session.pk}/history/")

    latest = session.history.first()
    assert (latest.history_type, latest.history_user, latest.title) == ("~", staff, "Morning plenary (moved to room 4)")
    assert latest.prev_record.title == ""
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Morning plenary (moved to room 4)" in html
    assert "Stella Staff" in html or "staff@example.org" in html


def test_an_attendance_records_history_shows_who_marked_it(staff_admin, staff, clinician):
    activity = make_published_activity()
    session = activity.sessions.get()
    signed_in(staff).post(f"/staff/activities/{activity.pk}/roster/", {"email": clinician.email, "session": session.pk})
    attendance = Attendance.objects.get()

    page = staff_admin.get(f"/admin/attendance/attendance/{attendance.pk}/history/")
    view = staff_admin.get(f"/admin/attendance/attendance/{attendance.pk}/change/")

    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Stella Staff" in html or "staff@example.org" in html
    assert "Created" in html
    assert view.status_code == HTTPStatus.OK  # read, never changed


@pytest.mark.parametrize("path", ["certificates/certificate", "activities/session", "attendance/attendance"])
def test_the_admin_history_is_refused_to_learners(client, clinician, path):
    claim = make_claim(clinician)
    pk = {
        "certificates/certificate": claim.certificate.pk,
        "activities/session": claim.activity.sessions.get().pk,
        "attendance/attendance": Attendance.objects.get().pk,
    }[path]
    client.force_login(clinician)

    response = client.get(f"/admin/{path}/{pk}/history/")

    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response["Location"]


# --- six-year retention: the admins of learner records never delete ---------------------------------------


@pytest.mark.parametrize("model", [Attendance, Claim, Certificate])
def test_no_admin_of_a_learner_record_grants_deletion_even_to_a_superuser(model, clinician):
    root = UserFactory(is_superuser=True, is_staff=True)
    claim = make_claim(clinician)
    record = {Attendance: Attendance.objects.first(), Claim: claim, Certificate: claim.certificate}[model]
    request = RequestFactory().get("/admin/")
    request.user = root
    model_admin = admin.site._registry[model]

    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, record) is False
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.parametrize("path", ["attendance/attendance", "claims/claim", "certificates/certificate"])
def test_the_record_page_shows_no_delete_link(staff_admin, clinician, path):
    claim = make_claim(clinician)
    pk = {"attendance/attendance": Attendance.objects.first().pk, "claims/claim": claim.pk,
          "certificates/certificate": claim.certificate.pk}[path]  # fmt: skip

    page = staff_admin.get(f"/admin/{path}/{pk}/change/")
    confirm = staff_admin.get(f"/admin/{path}/{pk}/delete/")

    assert page.status_code == HTTPStatus.OK
    assert b"deletelink" not in page.content
    assert f"/admin/{path}/{pk}/delete/".encode() not in page.content
    assert confirm.status_code == HTTPStatus.FORBIDDEN
