"""Credit arithmetic. Credits are decimals in multiples of 0.25, never floats (DOMAIN.md)."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

QUARTER = Decimal("0.25")
ZERO = Decimal("0.00")
CREDITS_NOT_POSITIVE = "Credits must be greater than zero."
CREDITS_NOT_QUARTER = "Credits must be a multiple of 0.25."
HOURS_NEGATIVE = "Credit hours cannot be negative."
HOURS_NOT_QUARTER = "Credit hours must be a multiple of 0.25."
MAX_CREDITS = Decimal("999.75")


def is_quarter_multiple(value: Decimal) -> bool:
    try:
        return (Decimal(value) / QUARTER) % 1 == 0
    except (InvalidOperation, TypeError):
        return False


def validate_credit_amount(value: Decimal) -> None:
    """A positive multiple of 0.25."""
    if value is None or value <= 0:
        raise ValidationError(CREDITS_NOT_POSITIVE, code="credits_not_positive")
    if not is_quarter_multiple(value):
        raise ValidationError(CREDITS_NOT_QUARTER, code="credits_not_quarter")


def validate_credit_hours(value: Decimal) -> None:
    """Zero or a positive multiple of 0.25."""
    if value is None or value < 0:
        raise ValidationError(HOURS_NEGATIVE, code="hours_negative")
    if not is_quarter_multiple(value):
        raise ValidationError(HOURS_NOT_QUARTER, code="hours_not_quarter")


def quarter_hours_from_seconds(seconds: float) -> Decimal:
    """Sixty minutes of instruction make one credit, rounded to the nearest quarter hour (half up)."""
    if seconds <= 0:
        return ZERO
    quarters = int((seconds + 450) // 900)
    return (QUARTER * quarters).quantize(Decimal("0.01"))


def session_default_credit_hours(*, starts_at: datetime, ends_at: datetime, break_minutes: int = 0) -> Decimal:
    """A session's duration minus the breaks staff enter, in quarter hours."""
    seconds = (ends_at - starts_at).total_seconds() - 60 * (break_minutes or 0)
    return quarter_hours_from_seconds(seconds)


def credit_hours_counting_parallel_once(sessions: Iterable) -> Decimal:
    """Total credit hours of sessions, counting each group of parallel sessions once (its longest)."""
    total = ZERO
    longest_in_group: dict[str, Decimal] = {}
    for session in sessions:
        if session.parallel_group:
            group = session.parallel_group
            longest_in_group[group] = max(longest_in_group.get(group, ZERO), session.credit_hours)
        else:
            total += session.credit_hours
    return (total + sum(longest_in_group.values(), ZERO)).quantize(Decimal("0.01"))
