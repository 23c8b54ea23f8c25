"""Staff tools around claims: the list filters, and late-claim exceptions scoped to one learner."""

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from claims import services
from claims.models import Claim, LateClaimException
from tests.conftest import client_for
from tests.factories import attend, evaluate, make_published_activity

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


def test_kind_filter_separates_faculty_and_learner_claims(staff_client, accreditation_client, clinician, nurse):
    activity = make_published_activity(sessions=2, minutes=60)
    presented, attended = activity.sessions.order_by("starts_at")
    attend(clinician, activity, attended)
    evaluate(clinician, activity)
    learner = services.claim_submit(user=clinician, activity=activity, credit_type="ama-pra-1", credits=Decimal("1"))
    faculty = staff_client.post(
        f"/api/v1/activities/{activity.id}/faculty-credit/", {"user": nurse.id, "session": presented.id}, format="json"
    ).json()

    def ids(**params):
        response = accreditation_client.get(CLAIMS, params)
        assert response.status_code == HTTPStatus.OK, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(kind="learner") == [learner.id]
    assert ids(kind="faculty") == [faculty["id"]]
    assert ids(kind="faculty", credit_type="participation", activity=activity.id) == [faculty["id"]]
    assert ids(kind="faculty", user=clinician.id) == []


@pytest.mark.parametrize("params", [{"kind": "speaker"}, {"user": "abc"}, {"activity": "x"},
                                    {"credit_type": "cat-2"}, {"created_before": "2026-02-30"}])  # fmt: skip
def test_bad_filter_values_are_a_400(staff_client, params):
    response = staff_client.get(CLAIMS, params)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) == set(params)


def test_a_clinician_cannot_widen_their_list_with_filters(clinician_client, clinician, other_clinician):
    activity = make_published_activity(evaluation_required=False)
    attend(other_clinician, activity)
    services.claim_submit(user=other_clinician, activity=activity, credit_type="ama-pra-1", credits=Decimal("1"))

    response = clinician_client.get(CLAIMS, {"user": other_clinician.id, "activity": activity.id})

    assert response.json()["results"] == []


def test_a_late_claim_exception_helps_only_its_learner(staff_client, clinician, other_clinician):
    deadline = timezone.localdate() - timedelta(days=2)
    activity = make_published_activity(claim_deadline=deadline, starts_in_hours=-24 * 4)
    for learner in (clinician, other_clinician):
        attend(learner, activity)
        evaluate(learner, activity)
    granted = staff_client.post(
        f"/api/v1/activities/{activity.id}/late-claims/",
        {"user": clinician.id, "reason": "Parental leave", "expires": str(timezone.localdate() + timedelta(days=7))},
        format="json",
    )
    body = {"activity": activity.id, "credit_type": "ama-pra-1", "credits": "1.00"}

    accepted = client_for(clinician).post(CLAIMS, body, format="json")
    refused = client_for(other_clinician).post(CLAIMS, body, format="json")

    assert granted.status_code == HTTPStatus.CREATED
    assert accepted.status_code == HTTPStatus.CREATED, accepted.json()
    assert refused.json() == {"claim_deadline": [services.DEADLINE_PASSED.format(deadline=deadline)]}
    assert list(Claim.objects.values_list("user", flat=True)) == [clinician.id]
    exception = LateClaimException.objects.get()
    assert (exception.user, exception.reason) == (clinician, "Parental leave")
    assert exception.history.get().history_type == "+"


def test_a_late_claim_exception_on_another_activity_does_not_help(clinician):
    deadline = timezone.localdate() - timedelta(days=2)
    activity = make_published_activity(claim_deadline=deadline, starts_in_hours=-24 * 4)
    other = make_published_activity()
    attend(clinician, activity)
    evaluate(clinician, activity)
    services.late_claim_grant(activity=other, user=clinician, reason="Wrong activity",
                              expires=timezone.localdate(), granted_by=clinician)  # fmt: skip

    response = client_for(clinician).post(
        CLAIMS, {"activity": activity.id, "credit_type": "ama-pra-1", "credits": "1.00"}, format="json"
    )

    assert response.json() == {"claim_deadline": [services.DEADLINE_PASSED.format(deadline=deadline)]}
    assert not Claim.objects.exists()
