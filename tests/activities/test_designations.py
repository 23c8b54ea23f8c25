"""Credit designated in advance: locked once the activity has started, corrected with a reason."""

from decimal import Decimal
from http import HTTPStatus

import pytest

from activities.models import CreditDesignation
from activities.services.activities import DESIGNATION_LOCKED
from tests.activities.helpers import ACTIVITIES
from tests.factories import make_activity, make_session

pytestmark = pytest.mark.django_db


def started_activity(staff):
    activity = make_activity(staff=staff)
    make_session(activity, starts_in_hours=-1, minutes=120)
    return activity


def test_designation_locked_once_started(staff_client, staff):
    activity = started_activity(staff)

    response = staff_client.patch(
        f"{ACTIVITIES}{activity.id}/", {"credits": [{"credit_type": "ama-pra-1", "max_credits": "1.00"}]}, format="json"
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": DESIGNATION_LOCKED}
    assert CreditDesignation.objects.get(activity=activity, credit_type="ama-pra-1").max_credits == Decimal("2.00")


def test_designation_correction_with_reason_is_kept_in_history(staff_client, staff):
    activity = started_activity(staff)

    response = staff_client.patch(
        f"{ACTIVITIES}{activity.id}/",
        {"credits": [{"credit_type": "ama-pra-1", "max_credits": "1.50"}], "correction_reason": "Speaker ran short"},
        format="json",
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["credits"] == [{"credit_type": "ama-pra-1", "max_credits": "1.50"}]
    designation = CreditDesignation.objects.get(activity=activity, credit_type="ama-pra-1")
    latest = designation.history.first()
    assert latest.history_change_reason == "Speaker ran short"
    assert latest.history_user == staff
    assert not CreditDesignation.objects.filter(activity=activity, credit_type="participation").exists()


def test_other_fields_stay_editable_after_start(staff_client, staff):
    activity = started_activity(staff)

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", {"description": "Updated"}, format="json")

    assert response.status_code == HTTPStatus.OK


def test_session_credit_hours_locked_once_started(staff_client, staff):
    activity = started_activity(staff)
    session = activity.sessions.get()

    refused = staff_client.patch(f"/api/v1/sessions/{session.id}/", {"credit_hours": "1.00"}, format="json")
    corrected = staff_client.patch(
        f"/api/v1/sessions/{session.id}/", {"credit_hours": "1.00", "correction_reason": "Shortened"}, format="json"
    )

    assert refused.status_code == HTTPStatus.CONFLICT
    assert corrected.status_code == HTTPStatus.OK
    assert corrected.json()["credit_hours"] == "1.00"
    assert session.history.first().history_change_reason == "Shortened"
