"""Progress toward the Massachusetts renewal: cycle edges, one-time topics, AMA credit for physicians."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from activities.models import RenewalTopic
from activities.timezones import add_months
from certificates.renewal import renewal_cycle
from certificates.selectors import transcript_for_learner
from claims.models import Claim
from tests.factories import make_claim

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "expires, today, cycle",
    [
        (date(2027, 5, 10), date(2026, 11, 25), (date(2025, 5, 10), date(2027, 5, 10))),
        (date(2026, 11, 25), date(2026, 11, 25), (date(2024, 11, 25), date(2026, 11, 25))),  # expires today
        (date(2026, 11, 24), date(2026, 11, 25), (date(2026, 11, 24), date(2028, 11, 24))),  # the next cycle
        (date(2021, 3, 1), date(2026, 11, 25), (date(2025, 3, 1), date(2027, 3, 1))),  # several cycles behind
        (date(2024, 2, 29), date(2026, 1, 1), (date(2024, 2, 29), date(2026, 2, 28))),
        (date(2024, 2, 29), date(2026, 3, 1), (date(2026, 2, 28), date(2028, 2, 29))),  # meets the one before
    ],
)
def test_renewal_cycle(expires, today, cycle):
    assert renewal_cycle(expires, today=today) == cycle


def claim_on(user, day: date, credits: str, topics=(), credit_type=None) -> Claim:
    claim = make_claim(user, credits=credits, credit_type=credit_type)
    claim.activity.renewal_topics.set(RenewalTopic.objects.filter(slug__in=topics))
    Claim.objects.filter(pk=claim.pk).update(credit_date=day)
    return claim


def lines(user) -> dict:
    renewal = transcript_for_learner(user=user)["renewal"]
    return {line["topic"]: (line["earned"], line["met"]) for line in renewal["requirements"]} | {
        "_cycle": (renewal["cycle_start"], renewal["license_expires"])
    }


def licensed(user, expires: date):
    user.license_state, user.license_expires = "MA", expires
    user.save()
    return user


def test_cycle_edges_count_the_expiry_day_not_the_first_day(clinician):
    expires = timezone.localdate() + timedelta(days=100)
    start = add_months(expires, -24)
    licensed(clinician, expires)
    claim_on(clinician, start, "1.00", ["risk-management"])  # the day the last cycle ended: not this one
    claim_on(clinician, start + timedelta(days=1), "2.00", ["risk-management"])
    claim_on(clinician, expires, "0.25")
    claim_on(clinician, expires + timedelta(days=1), "0.50")  # counts toward the renewal after

    progress = lines(clinician)

    assert progress["_cycle"] == (start, expires)
    assert progress["total"] == ("2.25", False)
    assert progress["risk-management"] == ("2.00", False)


def test_one_time_topics_count_over_the_career_others_per_cycle(clinician):
    today = timezone.localdate()
    licensed(clinician, today + timedelta(days=100))
    claim_on(clinician, today - timedelta(days=5 * 365), "2.00", ["end-of-life", "risk-management"])
    claim_on(clinician, today - timedelta(days=6 * 365), "1.00", ["child-abuse"])

    progress = lines(clinician)

    assert progress["end-of-life"] == ("2.00", True)
    assert progress["child-abuse"] == ("1.00", True)
    assert progress["risk-management"] == ("0.00", False)
    assert progress["total"] == ("0.00", False)


def test_a_physicians_renewal_counts_ama_credit_only(clinician):
    today = timezone.localdate()
    licensed(clinician, today + timedelta(days=100))
    claim_on(clinician, today - timedelta(days=10), "1.00", ["implicit-bias"])
    claim_on(clinician, today - timedelta(days=10), "2.00", ["implicit-bias", "ehr"], credit_type="participation")

    progress = lines(clinician)

    assert progress["total"] == ("1.00", False)
    assert progress["implicit-bias"] == ("1.00", False)
    assert progress["ehr"] == ("0.00", False)


def test_other_learners_count_every_credit_type(nurse):
    today = timezone.localdate()
    licensed(nurse, today + timedelta(days=100))
    claim_on(nurse, today - timedelta(days=10), "2.00", ["implicit-bias"])

    assert lines(nurse)["implicit-bias"] == ("2.00", True)


def test_an_expiry_date_in_the_past_measures_the_next_cycle(clinician):
    today = timezone.localdate()
    expired = today - timedelta(days=10)
    licensed(clinician, expired)
    claim_on(clinician, expired, "2.00")  # renewed with the last cycle's credits
    claim_on(clinician, expired + timedelta(days=1), "1.50")

    renewal = transcript_for_learner(user=clinician)["renewal"]

    assert (renewal["cycle_start"], renewal["license_expires"]) == (expired, add_months(expired, 24))
    assert renewal["requirements"][0] == {
        "topic": "total", "name": "Total credits", "required": "50.00", "earned": "1.50", "one_time": False,
        "met": False,
    }  # fmt: skip
