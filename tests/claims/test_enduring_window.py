"""Enduring claims follow the same availability window as evaluations: inclusive, in the activity's time zone."""

from datetime import datetime, time, timedelta
from http import HTTPStatus
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from claims import services
from claims.models import Claim
from tests.factories import make_enduring_activity

pytestmark = pytest.mark.django_db


def freeze_now(monkeypatch, day, clock: str, zone_name: str) -> None:
    moment = datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(zone_name))
    monkeypatch.setattr("activities.timezones.timezone", SimpleNamespace(now=lambda: moment))


def window_activity(zone_name: str):
    today = timezone.localdate()
    return make_enduring_activity(
        time_zone=zone_name,
        available_from=today - timedelta(days=3),
        available_until=today + timedelta(days=3),
        evaluation_required=False,
    )


def claim(client, activity):
    return client.post(
        "/api/v1/claims/",
        {"activity": activity.id, "credit_type": "ama-pra-1", "credits": "1.50", "attest_completed": True},
        format="json",
    )


@pytest.mark.parametrize(
    "zone_name, day, clock, accepted",
    [
        ("Pacific/Honolulu", "until", "23:30", True),  # 09:30 UTC the next day
        ("Pacific/Honolulu", "after", "00:30", False),
        ("Pacific/Honolulu", "before", "23:30", False),  # already available_from in UTC
        ("Asia/Tokyo", "from", "00:15", True),  # still the day before in UTC
        ("Asia/Tokyo", "after", "00:15", False),  # still available_until in UTC
    ],
)
def test_claim_window_edges(monkeypatch, clinician_client, zone_name, day, clock, accepted):
    activity = window_activity(zone_name)
    days = {
        "from": activity.available_from,
        "before": activity.available_from - timedelta(days=1),
        "until": activity.available_until,
        "after": activity.available_until + timedelta(days=1),
    }
    freeze_now(monkeypatch, days[day], clock, zone_name)

    response = claim(clinician_client, activity)

    if accepted:
        assert response.status_code == HTTPStatus.CREATED, response.json()
        assert Claim.objects.get().credit_date == days[day]
    else:
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json() == {
            "attest_completed": [
                services.OUTSIDE_WINDOW.format(start=activity.available_from, end=activity.available_until)
            ]
        }
        assert not Claim.objects.exists()
