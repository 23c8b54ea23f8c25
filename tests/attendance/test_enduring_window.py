"""Enduring activities are evaluated only inside their availability window, read in the activity's time zone."""

from datetime import datetime, time, timedelta
from http import HTTPStatus
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from attendance.models import Evaluation
from attendance.services import EVALUATION_OUTSIDE_WINDOW
from tests.factories import make_enduring_activity

pytestmark = pytest.mark.django_db


def freeze_now(monkeypatch, day, clock: str, zone_name: str) -> datetime:
    """The activity's calendar (activities.timezones) sees `day` at `clock` in `zone_name`."""
    moment = datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(zone_name))
    monkeypatch.setattr("activities.timezones.timezone", SimpleNamespace(now=lambda: moment))
    return moment


def window_activity(zone_name: str):
    today = timezone.localdate()
    return make_enduring_activity(
        time_zone=zone_name, available_from=today - timedelta(days=3), available_until=today + timedelta(days=3)
    )


def evaluate(client, activity):
    return client.post(
        f"/api/v1/activities/{activity.id}/evaluation/",
        {"overall_rating": 4, "objectives_met": {"clinical-decision-making": True}, "commercial_bias": False},
        format="json",
    )


def outside(activity) -> dict:
    return {"detail": EVALUATION_OUTSIDE_WINDOW.format(start=activity.available_from, end=activity.available_until)}


def test_accepted_late_on_the_last_day_in_honolulu(monkeypatch, clinician_client):
    activity = window_activity("Pacific/Honolulu")
    moment = freeze_now(monkeypatch, activity.available_until, "23:30", "Pacific/Honolulu")
    assert moment.astimezone(ZoneInfo("UTC")).date() > activity.available_until  # already the next day in UTC

    response = evaluate(clinician_client, activity)

    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert Evaluation.objects.filter(activity=activity).count() == 1


def test_refused_the_day_after_the_window(monkeypatch, clinician_client):
    activity = window_activity("Pacific/Honolulu")
    freeze_now(monkeypatch, activity.available_until + timedelta(days=1), "00:30", "Pacific/Honolulu")

    response = evaluate(clinician_client, activity)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == outside(activity)
    assert not Evaluation.objects.exists()


def test_refused_before_available_from_though_utc_has_reached_it(monkeypatch, clinician_client):
    activity = window_activity("Pacific/Honolulu")
    moment = freeze_now(monkeypatch, activity.available_from - timedelta(days=1), "23:30", "Pacific/Honolulu")
    assert moment.astimezone(ZoneInfo("UTC")).date() == activity.available_from

    response = evaluate(clinician_client, activity)

    assert response.json() == outside(activity)
    assert not Evaluation.objects.exists()


def test_tokyo_first_day_opens_and_last_day_closes_at_local_midnight(monkeypatch, clinician_client, other_client):
    activity = window_activity("Asia/Tokyo")
    opening = freeze_now(monkeypatch, activity.available_from, "00:15", "Asia/Tokyo")
    assert opening.astimezone(ZoneInfo("UTC")).date() < activity.available_from
    accepted = evaluate(clinician_client, activity)

    closed = freeze_now(monkeypatch, activity.available_until + timedelta(days=1), "00:15", "Asia/Tokyo")
    assert closed.astimezone(ZoneInfo("UTC")).date() == activity.available_until  # still inside the window in UTC
    refused = evaluate(other_client, activity)

    assert accepted.status_code == HTTPStatus.CREATED, accepted.json()
    assert refused.json() == outside(activity)
    assert Evaluation.objects.count() == 1


def test_first_day_is_accepted(monkeypatch, clinician_client):
    activity = window_activity("America/New_York")
    freeze_now(monkeypatch, activity.available_from, "00:00", "America/New_York")

    assert evaluate(clinician_client, activity).status_code == HTTPStatus.CREATED
