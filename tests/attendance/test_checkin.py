from datetime import timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from activities.models import Session
from attendance.models import Attendance
from attendance.services import ACTIVITY_CLOSED, DISCLOSURES_INCOMPLETE, UNKNOWN_CODE
from tests.conftest import client_for
from tests.factories import UserFactory, make_activity, make_published_activity, make_session

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins/"


def session_starting_in(minutes: float, *, length: int = 60, **kwargs) -> Session:
    activity = make_published_activity(starts_in_hours=minutes / 60, minutes=length, **kwargs)
    return activity.sessions.get()


def test_check_in_creates_attendance(clinician_client, clinician):
    session = session_starting_in(10)

    response = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert response.status_code == HTTPStatus.CREATED
    attendance = Attendance.objects.get()
    body = response.json()
    assert body["id"] == attendance.id
    assert body["method"] == "code"
    assert body["activity"] == session.activity_id
    assert body["session"]["id"] == session.id
    assert body["user"]["email"] == clinician.email
    assert (attendance.user, attendance.session, attendance.method) == (clinician, session, "code")


def test_check_in_twice_gives_back_the_first_record(clinician_client):
    session = session_starting_in(10)

    first = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")
    second = clinician_client.post(CHECKINS, {"code": session.checkin_code.lower()}, format="json")

    assert (first.status_code, second.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert first.json() == second.json()
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize("minutes_before, accepted", [(29, True), (31, False)])
def test_window_opens_thirty_minutes_before(clinician_client, minutes_before, accepted):
    session = session_starting_in(minutes_before, time_zone="America/Los_Angeles")

    response = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")

    if accepted:
        assert response.status_code == HTTPStatus.CREATED
    else:
        assert response.status_code == HTTPStatus.BAD_REQUEST
        message = response.json()["code"][0]
        opens = (session.starts_at - timedelta(minutes=30)).astimezone(ZoneInfo("America/Los_Angeles"))
        assert message == (
            f"Check-in for this session opens at {opens:%B} {opens.day}, {opens.year}, "
            f"{opens.hour % 12 or 12}:{opens:%M %p %Z} (30 minutes before it starts)."
        )
        assert opens.tzname() in ("PST", "PDT")
        assert not Attendance.objects.exists()


def test_window_closes_when_the_session_ends(clinician_client):
    session = session_starting_in(-61, length=60)

    response = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"][0].startswith("Check-in for this session closed at ")
    assert not Attendance.objects.exists()


def test_check_in_during_the_last_minute(clinician_client):
    session = session_starting_in(-59, length=60)

    assert clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json").status_code == 201


@pytest.mark.parametrize("code", ["ZZZZZZ", "", "x" * 32, "   "])
def test_unknown_code(clinician_client, code):
    response = clinician_client.post(CHECKINS, {"code": code}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "code" in response.json()
    assert not Attendance.objects.exists()


def test_draft_session_code_is_unknown(clinician_client):
    activity = make_activity()
    session = make_session(activity, starts_in_hours=0.1)

    response = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert response.json() == {"code": [UNKNOWN_CODE]}


def test_closed_activity_stops_check_ins(clinician_client, staff_client):
    session = session_starting_in(10)
    staff_client.post(f"/api/v1/activities/{session.activity_id}/close/")

    response = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert response.json() == {"code": [ACTIVITY_CLOSED]}


def test_session_not_held_while_disclosures_incomplete(clinician_client):
    session = session_starting_in(10)
    session.activity.content_roles.get().person.disclosures.update(
        signed_on=timezone.localdate() - timedelta(days=500), expires_on=timezone.localdate() - timedelta(days=1)
    )

    response = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert response.json() == {"code": [DISCLOSURES_INCOMPLETE]}


def test_anonymous_cannot_check_in(anon_client):
    session = session_starting_in(10)

    assert anon_client.post(CHECKINS, {"code": session.checkin_code}, format="json").status_code == 401


def test_wrong_codes_are_throttled_per_learner(clinician_client):
    session = session_starting_in(10)
    statuses = [clinician_client.post(CHECKINS, {"code": f"WRONG{i}"}, format="json").status_code for i in range(10)]

    blocked = clinician_client.post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert statuses == [HTTPStatus.BAD_REQUEST] * 10
    assert blocked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not Attendance.objects.exists()


def test_wrong_codes_are_throttled_per_address_across_learners():
    session = session_starting_in(10)
    for _ in range(10):
        client_for(UserFactory()).post(CHECKINS, {"code": "WRONG0"}, format="json")

    response = client_for(UserFactory()).post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_full_hall_behind_one_address_checks_in_freely():
    session = session_starting_in(10)

    statuses = {
        client_for(UserFactory()).post(CHECKINS, {"code": session.checkin_code}, format="json").status_code
        for _ in range(25)
    }

    assert statuses == {HTTPStatus.CREATED}
    assert Attendance.objects.count() == 25


def test_a_cached_session_follows_closing_and_new_disclosure_problems(staff_client):
    session = session_starting_in(10)
    first, second, third = (client_for(UserFactory()) for _ in range(3))
    assert first.post(CHECKINS, {"code": session.checkin_code}, format="json").status_code == 201

    staff_client.post(f"/api/v1/activities/{session.activity_id}/close/")
    closed = second.post(CHECKINS, {"code": session.checkin_code}, format="json")

    assert closed.json() == {"code": [ACTIVITY_CLOSED]}
    assert third.post(CHECKINS, {"code": session.checkin_code}, format="json").status_code == 400
