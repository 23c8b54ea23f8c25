"""The database itself refuses a second attendance or evaluation, whatever code writes it."""

import pytest
from django.db import IntegrityError, transaction

from attendance.models import Attendance, CheckInMethod, Evaluation
from tests.factories import UserFactory, make_enduring_activity, make_published_activity

pytestmark = pytest.mark.django_db


def assert_refused_by(constraint: str, write) -> None:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        write()
    assert refused.value.__cause__.diag.constraint_name == constraint


def test_one_attendance_per_learner_and_session(clinician):
    activity = make_published_activity(sessions=2)
    first, second = activity.sessions.order_by("starts_at")
    Attendance.objects.create(user=clinician, session=first, method=CheckInMethod.CODE)

    assert_refused_by(
        "attendance_once_per_session",
        lambda: Attendance.objects.create(user=clinician, session=first, method=CheckInMethod.IMPORT),
    )
    Attendance.objects.create(user=clinician, session=second, method=CheckInMethod.STAFF)
    Attendance.objects.create(user=UserFactory(), session=first, method=CheckInMethod.STAFF)

    assert Attendance.objects.filter(user=clinician, session=first).get().method == CheckInMethod.CODE
    assert Attendance.objects.count() == 3


def test_attendance_method_must_be_known(clinician):
    session = make_published_activity().sessions.get()

    assert_refused_by(
        "attendance_method_valid",
        lambda: Attendance.objects.create(user=clinician, session=session, method="pigeon"),
    )
    assert not Attendance.objects.exists()


def evaluation(user, activity, rating=4) -> Evaluation:
    return Evaluation(user=user, activity=activity, overall_rating=rating, commercial_bias=False)


def test_one_evaluation_per_learner_and_activity(clinician):
    activity = make_enduring_activity()
    evaluation(clinician, activity).save()

    assert_refused_by("evaluation_once_per_activity", lambda: evaluation(clinician, activity, rating=1).save())
    evaluation(UserFactory(), activity).save()

    assert Evaluation.objects.get(user=clinician).overall_rating == 4
    assert Evaluation.objects.count() == 2


@pytest.mark.parametrize("rating", [0, 6])
def test_evaluation_rating_is_1_to_5(clinician, rating):
    activity = make_enduring_activity()

    assert_refused_by("evaluation_rating_1_to_5", lambda: evaluation(clinician, activity, rating=rating).save())
    assert not Evaluation.objects.exists()
