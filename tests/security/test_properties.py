"""Property-based tests (hypothesis) of the credit arithmetic and the claim amount rules."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
