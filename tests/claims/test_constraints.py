"""The database itself refuses claims that break the invariants, whatever code writes them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.models import Claim, ClaimKind
from tests.factories import make_claim, make_published_activity

pytestmark = pytest.mark.django_db


def claim_row(user, activity, **fields) -> Claim:
    values = {
        "user": user,
        "activity": activity,
        "credit_type_id": "ama-pra-1",
        "credits": Decimal("1.00"),
        "kind": ClaimKind.LEARNER,
        "credit_date": timezone.localdate(),
    }
    return Claim(**{**values, **fields})


def assert_refused_by(constraint: str, row: Claim) -> None:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        row.save()
    assert refused.value.__cause__.diag.constraint_name == constraint


@pytest.mark.parametrize("credits", ["0", "-1.00", "-0.25"])
def test_credits_must_be_positive(clinician, credits):
    activity = make_published_activity()

    assert_refused_by("claim_credits_positive", claim_row(clinician, activity, credits=Decimal(credits)))
    assert not Claim.objects.exists()


@pytest.mark.parametrize("credits", ["1.10", "0.01", "2.30"])
def test_credits_must_be_a_quarter_multiple(clinician, credits):
    activity = make_published_activity()

    assert_refused_by("claim_credits_quarter", claim_row(clinician, activity, credits=Decimal(credits)))
    assert not Claim.objects.exists()


def test_quarter_multiples_are_stored(clinician):
    activity = make_published_activity()

    with transaction.atomic():
        claim_row(clinician, activity, credits=Decimal("0.25")).save()

    assert Claim.objects.get().credits == Decimal("0.25")


def test_one_learner_claim_per_learner_and_activity(clinician):
    first = make_claim(clinician)

    assert_refused_by(
        "claim_once_per_learner_activity", claim_row(clinician, first.activity, credit_type_id="participation")
    )
    assert Claim.objects.count() == 1


def test_one_faculty_claim_per_presenter_and_session(clinician):
    activity = make_published_activity()
    session = activity.sessions.get()
    claim_row(clinician, activity, kind=ClaimKind.FACULTY, session=session).save()

    assert_refused_by("faculty_claim_once_per_session", claim_row(clinician, activity, kind=ClaimKind.FACULTY,
                                                                  session=session))  # fmt: skip
    assert Claim.objects.count() == 1


def test_faculty_claim_needs_a_session_and_a_learner_claim_has_none(clinician):
    activity = make_published_activity()

    assert_refused_by("claim_session_only_for_faculty", claim_row(clinician, activity, kind=ClaimKind.FACULTY))
    assert_refused_by("claim_session_only_for_faculty", claim_row(clinician, activity, session=activity.sessions.get()))
    assert not Claim.objects.exists()


def test_learner_and_faculty_claims_of_the_same_person_coexist(clinician):
    learner = make_claim(clinician)
    activity = learner.activity

    claim_row(clinician, activity, kind=ClaimKind.FACULTY, session=activity.sessions.get()).save()

    assert Claim.objects.filter(user=clinician, activity=activity).count() == 2
