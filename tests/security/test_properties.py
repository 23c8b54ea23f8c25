"""Property-based tests (hypothesis) of the credit arithmetic and the claim amount rules."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Degree
from activities.credits import (
    credit_hours_counting_parallel_once,
    is_quarter_multiple,
    quarter_hours_from_seconds,
    session_default_credit_hours,
)
from claims.services import claim_check
from tests.factories import make_published_activity

QUARTER = Decimal("0.25")
credits_values = st.decimals(min_value=Decimal("-5"), max_value=Decimal("20"), places=2, allow_nan=False)


@given(seconds=st.integers(min_value=0, max_value=24 * 3600))
def test_quarter_hours_are_the_nearest_quarter(seconds):
    hours = quarter_hours_from_seconds(seconds)

    assert is_quarter_multiple(hours)
    assert abs(hours * 3600 - seconds) <= 450
    assert hours == Decimal(int((seconds + 450) // 900)) * QUARTER


@given(minutes=st.integers(min_value=1, max_value=600), breaks=st.integers(min_value=0, max_value=600))
def test_breaks_never_add_credit(minutes, breaks):
    start = datetime(2026, 3, 3, 12, tzinfo=UTC)
    end = start + timedelta(minutes=minutes)

    with_breaks = session_default_credit_hours(starts_at=start, ends_at=end, break_minutes=breaks)
    without = session_default_credit_hours(starts_at=start, ends_at=end, break_minutes=0)

    assert Decimal(0) <= with_breaks <= without


@given(st.lists(st.tuples(st.sampled_from(["", "A", "B"]), st.integers(0, 32)), max_size=12))
def test_parallel_sessions_count_once(rows):
    sessions = [SimpleNamespace(parallel_group=group, credit_hours=QUARTER * n) for group, n in rows]

    total = credit_hours_counting_parallel_once(sessions)

    assert total <= sum((s.credit_hours for s in sessions), Decimal(0))
    assert total >= max((s.credit_hours for s in sessions), default=Decimal(0))
    if all(not s.parallel_group for s in sessions):
        assert total == sum((s.credit_hours for s in sessions), Decimal(0))


@given(value=credits_values)
def test_quarter_multiple_agrees_with_decimal_arithmetic(value):
    assert is_quarter_multiple(value) == (value % QUARTER == 0)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(credits=credits_values)
def test_claim_amount_accepted_exactly_within_the_rules(clinician, credits):
    from attendance.models import Attendance

    activity = make_published_activity(sessions=2, minutes=75, evaluation_required=False)
    Attendance.objects.create(user=clinician, session=activity.sessions.first(), method="staff")
    attended, maximum = Decimal("1.25"), Decimal("2.50")

    try:
        claim_check(user=clinician, activity=activity, credit_type="ama-pra-1", credits=credits)
        accepted = True
    except ValidationError as error:
        accepted = False
        assert list(error.message_dict) == ["credits"]

    assert accepted == (credits > 0 and credits % QUARTER == 0 and credits <= min(attended, maximum))


# --- Who may claim: evaluation, deadline, credit type ---------------------------------------------------

PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _attended_activity(user, **fields):
    from attendance.models import Attendance

    activity = make_published_activity(sessions=1, minutes=60, **fields)
    Attendance.objects.create(user=user, session=activity.sessions.first(), method="staff")
    return activity


def _refusal(**claim) -> dict | None:
    try:
        claim_check(**claim)
    except ValidationError as error:
        return error.message_dict
    return None


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(required=st.booleans(), evaluated=st.booleans())
def test_evaluation_is_needed_exactly_when_the_activity_requires_it(clinician, required, evaluated):
    from claims.services import EVALUATION_MISSING
    from tests.factories import evaluate

    activity = _attended_activity(clinician, evaluation_required=required)
    if evaluated:
        evaluate(clinician, activity)

    refusal = _refusal(user=clinician, activity=activity, credit_type="ama-pra-1", credits=Decimal("1.00"))

    assert refusal == (None if evaluated or not required else {"evaluation": [EVALUATION_MISSING]})


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    deadline_in_days=st.one_of(st.none(), st.integers(min_value=-400, max_value=400)),
    exception_until_days=st.one_of(st.none(), st.integers(min_value=-30, max_value=30)),
)
def test_the_deadline_refuses_late_claims_unless_an_exception_is_in_force(
    clinician, staff, deadline_in_days, exception_until_days
):
    from activities.models import Activity
    from activities.timezones import today_in
    from claims.services import DEADLINE_PASSED, late_claim_grant

    activity = _attended_activity(clinician, evaluation_required=False)
    today = today_in(activity.time_zone)
    deadline = None if deadline_in_days is None else today + timedelta(days=deadline_in_days)
    Activity.objects.filter(pk=activity.pk).update(claim_deadline=deadline)
    activity.refresh_from_db()
    if exception_until_days is not None:
        exception = late_claim_grant(activity=activity, user=clinician, reason="Was on call", granted_by=staff,
                                     expires=today + timedelta(days=max(exception_until_days, 0)))  # fmt: skip
        # One granted earlier that has since expired (the service only grants from today on).
        type(exception).objects.filter(pk=exception.pk).update(expires=today + timedelta(days=exception_until_days))

    refusal = _refusal(user=clinician, activity=activity, credit_type="ama-pra-1", credits=Decimal("1.00"))

    late = deadline is not None and today > deadline
    excused = exception_until_days is not None and exception_until_days >= 0
    assert refusal == (
        {"claim_deadline": [DEADLINE_PASSED.format(deadline=deadline)]} if late and not excused else None
    )


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    degree=st.sampled_from(Degree.values),
    offered=st.sets(st.sampled_from(["ama-pra-1", "participation"]), min_size=1),
    requested=st.sampled_from(["ama-pra-1", "participation", "no-such-credit"]),
)
def test_credit_type_eligibility(degree, offered, requested):
    from accounts.models import PHYSICIAN_DEGREES
    from activities.models import CreditType
    from tests.factories import UserFactory

    learner = UserFactory(degree=degree)
    activity = _attended_activity(learner, evaluation_required=False,
                                  credits=tuple((slug, "1.00") for slug in sorted(offered)))  # fmt: skip
    physicians_only = set(CreditType.objects.filter(physicians_only=True).values_list("slug", flat=True))

    refusal = _refusal(user=learner, activity=activity, credit_type=requested, credits=Decimal("1.00"))

    eligible = requested in offered and (requested not in physicians_only or degree in PHYSICIAN_DEGREES)
    assert (refusal is None) == eligible
    if not eligible:
        assert list(refusal) == ["credit_type"]
    assert physicians_only == {"ama-pra-1"}
