"""A published activity keeps what publishing checked of its credit; deleting one with records is 409."""

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest

from activities.models import Activity, CreditDesignation, Session
from activities.services.activities import AMA_ABOVE_ESTIMATE, AMA_ABOVE_SESSIONS, HAS_RECORDS, NO_CREDITS
from claims.services import claim_submit
from tests.activities.helpers import ACTIVITIES
from tests.factories import evaluate, make_activity, make_enduring_activity, make_published_activity, make_session

pytestmark = pytest.mark.django_db


def ama_maximum(activity) -> Decimal:
    return CreditDesignation.objects.get(activity=activity, credit_type="ama-pra-1").max_credits


def credits_body(ama: str) -> dict:
    return {"credits": [{"credit_type": "ama-pra-1", "max_credits": ama},
                        {"credit_type": "participation", "max_credits": ama}]}  # fmt: skip


def test_raising_the_ama_maximum_of_a_published_activity_above_its_hours_is_a_400(staff_client, staff):
    activity = make_published_activity(staff=staff, minutes=120)

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", credits_body("3.00"), format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credits": [AMA_ABOVE_SESSIONS.format(maximum="3.00", hours="2.00")]}
    assert ama_maximum(activity) == Decimal("2.00")


def test_a_published_activity_may_lower_its_ama_maximum(staff_client, staff):
    activity = make_published_activity(staff=staff, minutes=120)

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", credits_body("1.50"), format="json")

    assert response.status_code == HTTPStatus.OK
    assert ama_maximum(activity) == Decimal("1.50")


def test_a_published_activity_keeps_a_designation(staff_client, staff):
    activity = make_published_activity(staff=staff)

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", {"credits": []}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credits": [NO_CREDITS]}
    assert activity.designations.count() == 2


def test_a_draft_may_hold_a_maximum_above_its_hours_until_publishing(staff_client, staff):
    activity = make_activity(staff=staff)
    make_session(activity, minutes=60)

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", credits_body("3.00"), format="json")

    assert response.status_code == HTTPStatus.OK
    assert ama_maximum(activity) == Decimal("3.00")


@pytest.mark.parametrize("change", ["credit_hours", "ends_at"])
def test_lowering_a_sessions_hours_below_the_published_maximum_is_a_400(staff_client, staff, change):
    activity = make_published_activity(staff=staff, minutes=120)
    session = activity.sessions.get()
    body = (
        {"credit_hours": "1.00"}
        if change == "credit_hours"
        else {"ends_at": (session.starts_at + timedelta(minutes=60)).isoformat()}
    )

    response = staff_client.patch(f"/api/v1/sessions/{session.id}/", body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credit_hours": [AMA_ABOVE_SESSIONS.format(maximum="2.00", hours="1.00")]}
    session.refresh_from_db()
    assert (session.credit_hours, session.ends_at - session.starts_at) == (Decimal("2.00"), timedelta(hours=2))


def test_making_a_session_parallel_below_the_published_maximum_is_a_400(staff_client, staff):
    activity = make_published_activity(staff=staff, sessions=2, minutes=60)
    first, second = activity.sessions.all()
    staff_client.patch(f"/api/v1/sessions/{first.id}/", {"parallel_group": "A"}, format="json")

    response = staff_client.patch(f"/api/v1/sessions/{second.id}/", {"parallel_group": "A"}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credit_hours": [AMA_ABOVE_SESSIONS.format(maximum="2.00", hours="1.00")]}
    assert Session.objects.get(pk=second.pk).parallel_group == ""


def test_lowering_the_estimated_hours_of_a_published_enduring_activity_is_a_400(staff_client, staff):
    activity = make_enduring_activity(staff=staff)  # AMA 1.50 for 1.50 hours

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", {"estimated_hours": "1.00"}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"estimated_hours": [AMA_ABOVE_ESTIMATE.format(maximum="1.50", hours="1.00")]}
    activity.refresh_from_db()
    assert activity.estimated_hours == Decimal("1.50")


def test_publishing_an_enduring_activity_with_the_maximum_above_its_estimate_is_a_400(staff_client, staff):
    activity = make_enduring_activity(
        staff=staff, publish=False, estimated_hours=Decimal("1.00"), credits=(("ama-pra-1", "1.50"),)
    )

    response = staff_client.post(f"{ACTIVITIES}{activity.id}/publish/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credits": [AMA_ABOVE_ESTIMATE.format(maximum="1.50", hours="1.00")]}
    activity.refresh_from_db()
    assert (activity.status, activity.published_at) == ("draft", None)


def test_deleting_an_enduring_activity_with_a_claim_and_no_attendance_is_a_409(staff_client, staff, clinician):
    activity = make_enduring_activity(staff=staff)
    evaluate(clinician, activity)
    claim_submit(
        user=clinician, activity=activity, credit_type="ama-pra-1", credits=Decimal("1.00"), attest_completed=True
    )

    response = staff_client.delete(f"{ACTIVITIES}{activity.id}/")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": HAS_RECORDS}
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert activity.claims.count() == 1
