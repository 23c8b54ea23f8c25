"""An activity's lifecycle through the API: publish, close, roll a series over."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from activities.models import Activity, ActivityStatus
from activities.services.activities import (
    AMA_ABOVE_SESSIONS,
    NO_CREDITS,
    NO_ESTIMATED_HOURS,
    NO_OBJECTIVES,
    NO_SESSIONS,
    NO_WINDOW,
    NOT_A_SERIES,
)
from activities.services.disclosures import NO_PEOPLE, NO_VALID_DISCLOSURE, NOT_REVIEWED
from tests.activities.helpers import ACTIVITIES, sessions_url
from tests.factories import make_activity, make_disclosed_person, make_published_activity, make_session

pytestmark = pytest.mark.django_db


# --- publish -------------------------------------------------------------------------------------------


def publish(client, activity):
    return client.post(f"{ACTIVITIES}{activity.id}/publish/")


def test_publish_names_every_missing_piece(staff_client, staff):
    activity = make_activity(staff=staff, credits=())

    response = publish(staff_client, activity)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credits": [NO_CREDITS], "sessions": [NO_SESSIONS], "disclosures": [NO_PEOPLE]}
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DRAFT


def test_publish_without_objectives(staff_client, staff):
    activity = make_activity(staff=staff)
    make_session(activity)
    make_disclosed_person(activity)
    activity.objectives.clear()

    response = publish(staff_client, activity)

    assert response.json() == {"objectives": [NO_OBJECTIVES]}


def test_publish_refuses_ama_maximum_above_session_hours(staff_client, staff):
    activity = make_activity(staff=staff, credits=(("ama-pra-1", "2.25"),))
    make_session(activity, minutes=120)
    make_disclosed_person(activity)

    response = publish(staff_client, activity)

    assert response.json() == {"credits": [AMA_ABOVE_SESSIONS.format(maximum="2.25", hours="2.00")]}


def test_parallel_sessions_count_once_toward_the_maximum(staff_client, staff):
    activity = make_activity(staff=staff, credits=(("ama-pra-1", "3.00"),))
    make_session(activity, minutes=60, parallel_group="A")
    make_session(activity, minutes=60, parallel_group="A")
    make_session(activity, starts_in_hours=30, minutes=60)
    make_disclosed_person(activity)

    response = publish(staff_client, activity)

    assert response.json() == {"credits": [AMA_ABOVE_SESSIONS.format(maximum="3.00", hours="2.00")]}
    assert staff_client.get(f"{ACTIVITIES}{activity.id}/").json()["total_credit_hours"] == "2.00"


def test_publish_at_exactly_the_session_hours(staff_client, staff):
    activity = make_activity(staff=staff, credits=(("ama-pra-1", "2.00"),))
    make_session(activity, minutes=120)
    make_disclosed_person(activity)

    response = publish(staff_client, activity)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "published"


def test_publish_enduring_needs_window_and_estimate(staff_client, staff):
    activity = make_activity(staff=staff, activity_type="enduring")
    make_disclosed_person(activity)

    response = publish(staff_client, activity)

    assert response.json() == {"availability": [NO_WINDOW], "estimated_hours": [NO_ESTIMATED_HOURS]}


def test_publish_refuses_expired_disclosure(staff_client, staff):
    activity = make_activity(staff=staff)
    make_session(activity)
    role = make_disclosed_person(activity, name="Dr. Lapsed")
    role.person.disclosures.update(signed_on=timezone.localdate() - timedelta(days=400))
    role.person.disclosures.update(expires_on=timezone.localdate() - timedelta(days=35))

    response = publish(staff_client, activity)

    assert response.json() == {"disclosures": [NO_VALID_DISCLOSURE.format(name="Dr. Lapsed", day=timezone.localdate())]}


def test_publish_refuses_unreviewed_relationship(staff_client, staff):
    from activities.services import activity_disclosure_add

    activity = make_activity(staff=staff)
    make_session(activity)
    activity_disclosure_add(
        activity=activity, added_by=staff, role="planner", day=timezone.localdate(), name="Dr. Busy",
        disclosure={"signed_on": timezone.localdate(), "relationships": [{"company": "Acme Pharma",
                                                                          "nature": "consultant"}]},
    )  # fmt: skip

    response = publish(staff_client, activity)

    assert response.json() == {"mitigations": [NOT_REVIEWED.format(name="Dr. Busy", company="Acme Pharma")]}


def test_lifecycle_transitions(staff_client, staff):
    activity = make_published_activity(staff=staff)

    assert publish(staff_client, activity).status_code == HTTPStatus.CONFLICT
    assert staff_client.post(f"{ACTIVITIES}{activity.id}/close/").json()["status"] == "closed"
    assert staff_client.post(f"{ACTIVITIES}{activity.id}/close/").status_code == HTTPStatus.CONFLICT
    assert publish(staff_client, activity).status_code == HTTPStatus.CONFLICT
    draft = make_activity(staff=staff)
    response = staff_client.post(f"{ACTIVITIES}{draft.id}/close/")
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": "Only a published activity can be closed; this one is draft."}


def test_closed_activity_cannot_gain_sessions(staff_client, staff):
    activity = make_published_activity(staff=staff)
    staff_client.post(f"{ACTIVITIES}{activity.id}/close/")

    response = staff_client.post(
        sessions_url(activity), {"starts_at": "2026-12-01T12:00:00Z", "ends_at": "2026-12-01T13:00:00Z"}, format="json"
    )

    assert response.status_code == HTTPStatus.CONFLICT


# --- series -------------------------------------------------------------------------------------------


def test_rollover_creates_next_years_series(staff_client, staff):
    activity = make_activity(staff=staff, activity_type="rss", title="Medicine Grand Rounds 2026",
                             claim_deadline=timezone.datetime(2027, 1, 31).date())  # fmt: skip
    make_session(activity)
    make_disclosed_person(activity, name="Dr. Planner", role="planner")

    response = staff_client.post(f"{ACTIVITIES}{activity.id}/rollover/")

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert body["title"] == "Medicine Grand Rounds 2027"
    assert body["status"] == "draft"
    assert body["sessions"] == []
    assert body["objectives"] == ["clinical-decision-making"]
    assert body["credits"] == [
        {"credit_type": "ama-pra-1", "max_credits": "2.00"},
        {"credit_type": "participation", "max_credits": "2.00"},
    ]
    assert body["previous_activity"] == activity.id
    assert body["claim_deadline"] == "2028-01-31"
    assert body["provider_activity_id"] != activity.provider_activity_id
    assert Activity.objects.get(pk=body["id"]).content_roles.get().person.name == "Dr. Planner"


def test_rollover_only_for_series(staff_client, staff):
    activity = make_activity(staff=staff)

    response = staff_client.post(f"{ACTIVITIES}{activity.id}/rollover/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"activity_type": [NOT_A_SERIES]}
