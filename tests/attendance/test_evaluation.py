from http import HTTPStatus

import pytest

from attendance.models import Attendance, Evaluation
from attendance.services import NOT_ATTENDED, OBJECTIVES_MISMATCH
from tests.factories import make_enduring_activity, make_published_activity

pytestmark = pytest.mark.django_db


def evaluation_url(activity):
    return f"/api/v1/activities/{activity.id}/evaluation/"


def answers(**overrides):
    body = {
        "overall_rating": 4,
        "objectives_met": {"clinical-decision-making": True, "health-policy": False},
        "practice_change": "Start antibiotics within the hour.",
        "commercial_bias": False,
        "comments": "Great speaker",
    }
    body.update(overrides)
    return body


@pytest.fixture
def attended_activity(clinician):
    activity = make_published_activity(objectives=("clinical-decision-making", "health-policy"))
    Attendance.objects.create(user=clinician, session=activity.sessions.get(), method="code")
    return activity


def test_evaluate_after_attending(clinician_client, clinician, attended_activity):
    response = clinician_client.post(evaluation_url(attended_activity), answers(), format="json")

    assert response.status_code == HTTPStatus.CREATED, response.json()
    evaluation = Evaluation.objects.get()
    assert response.json() == {
        "id": evaluation.id,
        "activity": attended_activity.id,
        "overall_rating": 4,
        "objectives_met": {"clinical-decision-making": True, "health-policy": False},
        "practice_change": "Start antibiotics within the hour.",
        "commercial_bias": False,
        "comments": "Great speaker",
        "created_at": response.json()["created_at"],
    }
    assert clinician_client.get(evaluation_url(attended_activity)).json()["id"] == evaluation.id


def test_one_evaluation_per_learner_and_activity(clinician_client, attended_activity):
    clinician_client.post(evaluation_url(attended_activity), answers(), format="json")

    response = clinician_client.post(evaluation_url(attended_activity), answers(overall_rating=1), format="json")

    assert response.status_code == HTTPStatus.CONFLICT
    assert Evaluation.objects.get().overall_rating == 4


def test_evaluation_only_after_attending(clinician_client):
    activity = make_published_activity()

    response = clinician_client.post(evaluation_url(activity), answers(), format="json")

    assert response.json() == {"detail": NOT_ATTENDED}
    assert not Evaluation.objects.exists()


def test_enduring_activity_can_be_evaluated_while_available(clinician_client):
    activity = make_enduring_activity()

    response = clinician_client.post(
        evaluation_url(activity), answers(objectives_met={"clinical-decision-making": True}), format="json"
    )

    assert response.status_code == HTTPStatus.CREATED


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"overall_rating": 0}, "overall_rating"),
        ({"overall_rating": 6}, "overall_rating"),
        ({"overall_rating": "great"}, "overall_rating"),
        ({"objectives_met": {}}, "objectives_met"),
        ({"objectives_met": {"clinical-decision-making": "maybe"}}, "objectives_met"),
        ({"objectives_met": {"clinical-decision-making": True}}, "objectives_met"),
        ({"objectives_met": {"clinical-decision-making": True, "health-policy": True, "new-findings": True}},
         "objectives_met"),
        ({"commercial_bias": None}, "commercial_bias"),
        ({"comments": "x" * 100_000}, "comments"),
    ],
)  # fmt: skip
def test_evaluation_bad_input(clinician_client, attended_activity, overrides, field):
    response = clinician_client.post(evaluation_url(attended_activity), answers(**overrides), format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()
    assert not Evaluation.objects.exists()


def test_objectives_must_match_the_activity(clinician_client, attended_activity):
    response = clinician_client.post(
        evaluation_url(attended_activity), answers(objectives_met={"clinical-decision-making": True}), format="json"
    )

    assert response.json() == {
        "objectives_met": [OBJECTIVES_MISMATCH.format(expected="clinical-decision-making, health-policy")]
    }


def test_staff_cannot_read_a_learners_evaluation_through_the_learner_endpoint(staff_client, attended_activity):
    assert staff_client.get(evaluation_url(attended_activity)).status_code == HTTPStatus.NOT_FOUND
