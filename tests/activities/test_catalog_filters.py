"""Catalog date filters in the provider's time zone; the list's query count with more rows than a page."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.conf import settings
from django.utils import timezone

from activities.models import Activity, ActivityStatus, CreditDesignation, Session
from activities.services import provider_current, session_create
from activities.timezones import zone
from tests.activities.helpers import ACTIVITIES
from tests.factories import make_activity

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == HTTPStatus.OK, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_date_filters_are_calendar_days_in_the_providers_zone(staff_client, staff):
    provider = provider_current()
    provider.time_zone = "Pacific/Auckland"
    provider.save()
    assert settings.TIME_ZONE == "America/New_York"
    day = timezone.localdate() + timedelta(days=30)
    # 20:00 in New York is already the next morning in Auckland.
    starts = datetime.combine(day, time(20, 0), tzinfo=zone("America/New_York"))
    activity = make_activity(staff=staff, time_zone="America/New_York")
    session_create(activity=activity, created_by=staff, starts_at=starts, ends_at=starts + timedelta(hours=1))
    next_day = str(day + timedelta(days=1))

    assert ids(staff_client.get(ACTIVITIES, {"starts_after": next_day})) == [activity.id]
    assert ids(staff_client.get(ACTIVITIES, {"starts_before": next_day})) == [activity.id]
    assert ids(staff_client.get(ACTIVITIES, {"starts_before": str(day)})) == []
    assert ids(staff_client.get(ACTIVITIES, {"starts_after": str(day + timedelta(days=2))})) == []


def bulk_catalog(count: int) -> None:
    """`count` published courses with two sessions, two designations and two objectives, in a few inserts."""
    first = timezone.now() + timedelta(days=1)
    activities = Activity.objects.bulk_create(
        Activity(
            provider_activity_id=f"BULK-{index:04d}",
            title=f"Course {index}",
            activity_type_id="course",
            time_zone="America/New_York",
            status=ActivityStatus.PUBLISHED,
            starts_at=first + timedelta(hours=index),
            ends_at=first + timedelta(hours=index + 26),
        )
        for index in range(count)
    )
    through = Activity.objects.model.objectives.through
    through.objects.bulk_create(
        through(activity_id=a.pk, objective_id=slug)
        for a in activities
        for slug in ("clinical-decision-making", "new-findings")
    )
    CreditDesignation.objects.bulk_create(
        CreditDesignation(activity=a, credit_type_id=slug, max_credits=Decimal("2.00"))
        for a in activities
        for slug in ("ama-pra-1", "participation")
    )
    Session.objects.bulk_create(
        Session(
            activity=a,
            starts_at=a.starts_at + timedelta(days=day),
            ends_at=a.starts_at + timedelta(days=day, hours=1),
            credit_hours=Decimal("1.00"),
            checkin_code=f"B{index:03d}{day}X",
        )
        for index, a in enumerate(activities)
        for day in (0, 1)
    )


@pytest.mark.parametrize("page_size", [10, 200])
def test_list_query_count_is_constant_over_more_rows_than_a_page(anon_client, django_assert_max_num_queries, page_size):
    bulk_catalog(60)

    with django_assert_max_num_queries(7):
        response = anon_client.get(ACTIVITIES, {"page_size": page_size})

    body = response.json()
    assert body["count"] == 60
    assert len(body["results"]) == min(page_size, 60)
    first = body["results"][0]
    assert [o if isinstance(o, str) else o["slug"] for o in first["objectives"]] == [
        "clinical-decision-making",
        "new-findings",
    ]
    assert len(first["sessions"]) == 2
    assert len(first["credits"]) == 2
