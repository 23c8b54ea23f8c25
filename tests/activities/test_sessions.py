"""The sessions API: credit hours, time zones, check-in codes, validation."""

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from activities.models import Session
from activities.services import session_create
from activities.services.sessions import (
    CHECKIN_ALPHABET,
    ENDS_BEFORE_START,
    HOURS_ABOVE_LENGTH,
    OUT_OF_RANGE,
    SERIES_TOO_LONG,
    TOO_LONG,
)
from tests.activities.helpers import ACTIVITIES, sessions_url
from tests.factories import make_activity, make_enduring_activity, make_published_activity

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "minutes, breaks, hours",
    [(60, 0, "1.00"), (75, 0, "1.25"), (80, 0, "1.25"), (83, 0, "1.50"), (120, 15, "1.75"), (52, 0, "0.75")],
)
def test_session_credit_hours_default_to_quarter_hours_minus_breaks(staff_client, staff, minutes, breaks, hours):
    activity = make_activity(staff=staff)
    starts = timezone.now() + timedelta(days=3)

    response = staff_client.post(
        sessions_url(activity),
        {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(minutes=minutes)).isoformat(),
         "break_minutes": breaks},
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["credit_hours"] == hours
    assert Session.objects.get().credit_hours == Decimal(hours)


def test_session_shows_times_in_the_activity_zone_and_reads_naive_input_there(staff_client, staff):
    activity = make_activity(staff=staff, time_zone="America/Los_Angeles")

    response = staff_client.post(
        sessions_url(activity), {"starts_at": "2026-12-01T12:00", "ends_at": "2026-12-01T13:00"}, format="json"
    )

    body = response.json()
    assert body["starts_at"] == "2026-12-01T12:00:00-08:00"
    assert body["ends_at"] == "2026-12-01T13:00:00-08:00"
    assert Session.objects.get().starts_at.isoformat() == "2026-12-01T20:00:00+00:00"


def test_checkin_code_shown_to_staff_only(staff_client, clinician_client, staff):
    activity = make_published_activity(staff=staff)
    code = activity.sessions.get().checkin_code

    assert len(code) == 6 and set(code) <= set(CHECKIN_ALPHABET)
    assert not set(code) & set("01OIL")
    assert staff_client.get(sessions_url(activity)).json()["results"][0]["checkin_code"] == code
    assert clinician_client.get(sessions_url(activity)).json()["results"][0]["checkin_code"] is None
    assert clinician_client.get(f"{ACTIVITIES}{activity.id}/").json()["sessions"][0]["checkin_code"] is None
    assert staff_client.get(f"{ACTIVITIES}{activity.id}/").json()["sessions"][0]["checkin_code"] == code


@pytest.mark.parametrize(
    "starts, ends, extra, field, message",
    [
        ("2026-12-01T13:00:00Z", "2026-12-01T12:00:00Z", {}, "ends_at", ENDS_BEFORE_START),
        ("2026-12-01T12:00:00Z", "2026-12-01T12:00:00Z", {}, "ends_at", ENDS_BEFORE_START),
        ("2026-12-01T12:00:00Z", "2026-12-02T12:30:00Z", {}, "ends_at", TOO_LONG),
        ("1850-12-01T12:00:00Z", "2026-12-01T13:00:00Z", {}, "starts_at", OUT_OF_RANGE),
        ("2026-12-01T12:00:00Z", "2026-12-01T13:15:00Z", {"credit_hours": "1.50"}, "credit_hours",
         HOURS_ABOVE_LENGTH.format(hours="1.25")),
    ],
)  # fmt: skip
def test_session_validation(staff_client, staff, starts, ends, extra, field, message):
    activity = make_activity(staff=staff)

    response = staff_client.post(sessions_url(activity), {"starts_at": starts, "ends_at": ends, **extra}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {field: [message]}
    assert not Session.objects.exists()


@pytest.mark.parametrize("body, field", [({"starts_at": "tomorrow"}, "starts_at"), ({}, "starts_at"),
                                         ({"break_minutes": -5}, "break_minutes"),
                                         ({"credit_hours": "1.10"}, "credit_hours")])  # fmt: skip
def test_session_shape_errors(staff_client, staff, body, field):
    activity = make_activity(staff=staff)
    payload = {"starts_at": "2026-12-01T12:00:00Z", "ends_at": "2026-12-01T14:00:00Z", **body}
    if not body:
        del payload["starts_at"]

    response = staff_client.post(sessions_url(activity), payload, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()


def test_enduring_activity_has_no_sessions(staff_client, staff):
    activity = make_enduring_activity(publish=False, staff=staff)

    response = staff_client.post(
        sessions_url(activity), {"starts_at": "2026-12-01T12:00:00Z", "ends_at": "2026-12-01T13:00:00Z"}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"detail": "Only live activities (courses, series, webinars) have sessions."}


def test_series_sessions_stay_within_twelve_months(staff_client, staff):
    activity = make_activity(staff=staff, activity_type="rss")
    first = timezone.now() + timedelta(days=1)
    session_create(activity=activity, created_by=staff, starts_at=first, ends_at=first + timedelta(hours=1))
    late = first + timedelta(days=367)

    response = staff_client.post(
        sessions_url(activity),
        {"starts_at": late.isoformat(), "ends_at": (late + timedelta(hours=1)).isoformat()},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"starts_at": [SERIES_TOO_LONG]}
