"""Sessions of live activities: times, credit hours and check-in codes."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activities.credits import session_default_credit_hours
from activities.models import Activity, ActivityStatus, Session
from activities.services.activities import (
    CLOSED_ACTIVITY,
    DESIGNATION_LOCKED,
    NO_SESSIONS,
    activity_designation_locked,
    activity_published_credit_check,
    activity_refresh_dates,
)
from activities.timezones import DATE_OUT_OF_RANGE, date_in_range
from cme.exceptions import Conflict

# Six characters without look-alikes (no 0/O, no 1/I/L): 31**6, about 887 million codes.
CHECKIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECKIN_CODE_LENGTH = 6
MAX_SESSION = timedelta(hours=24)
SERIES_SPAN = timedelta(days=366)

NOT_LIVE = "Only live activities (courses, series, webinars) have sessions."
ENDS_BEFORE_START = "The session must end after it starts."
TOO_LONG = "A session lasts at most 24 hours; split longer meetings into several sessions."
OUT_OF_RANGE = DATE_OUT_OF_RANGE
BREAKS_TOO_LONG = "Breaks cannot be as long as the session."
HOURS_ABOVE_LENGTH = "Credit hours cannot exceed the session's instruction time ({hours} hours)."
SESSION_HAS_ATTENDANCE = "This session has attendance, kept for six years: it cannot be deleted."
SESSION_DELETE_LOCKED = (
    "The activity has begun: deleting a session removes designated credit hours, so it is done only as "
    "a correction with a reason."
)
SERIES_TOO_LONG = (
    "A regularly scheduled series covers twelve months: this session falls outside them. "
    "Roll the series over into next year's activity."
)


def checkin_code_generate() -> str:
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


def session_validate_times(
    *, activity: Activity, starts_at: datetime, ends_at: datetime, break_minutes: int, exclude=None
):
    errors = {}
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not date_in_range(moment):
            errors[name] = OUT_OF_RANGE
    if errors:
        raise ValidationError(errors)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ENDS_BEFORE_START})
    if ends_at - starts_at > MAX_SESSION:
        raise ValidationError({"ends_at": TOO_LONG})
    if timedelta(minutes=break_minutes) >= ends_at - starts_at:
        raise ValidationError({"break_minutes": BREAKS_TOO_LONG})
    if activity.activity_type.is_series:
        others = activity.sessions.exclude(pk=exclude).values_list("starts_at", flat=True)
        moments = [*others, starts_at]
        if max(moments) - min(moments) > SERIES_SPAN:
            raise ValidationError({"starts_at": SERIES_TOO_LONG})


def session_credit_hours(*, starts_at, ends_at, break_minutes, credit_hours: Decimal | None) -> Decimal:
    instruction = session_default_credit_hours(starts_at=starts_at, ends_at=ends_at, break_minutes=break_minutes)
    if credit_hours is None:
        return instruction
    if credit_hours > instruction:
        raise ValidationError({"credit_hours": HOURS_ABOVE_LENGTH.format(hours=instruction)})
    return credit_hours


def _save_with_fresh_code(session: Session) -> Session:
    """Insert with a random code; a collision with an existing code draws again."""
    for _ in range(10):
        session.checkin_code = checkin_code_generate()
        try:
            with transaction.atomic():
                session.save()
            return session
        except IntegrityError as error:
            if "checkin_code" not in str(error):
                raise
    raise RuntimeError("Could not draw a unique check-in code")


@transaction.atomic
def session_create(
    *,
    activity: Activity,
    created_by,
    starts_at: datetime,
    ends_at: datetime,
    break_minutes: int = 0,
    credit_hours: Decimal | None = None,
    title: str = "",
    parallel_group: str = "",
) -> Session:
    """Add a session to a live activity; credit hours default to its instruction time in quarter hours."""
    activity = Activity.objects.select_for_update().select_related("activity_type").get(pk=activity.pk)
    if not activity.activity_type.live:
        raise ValidationError(NOT_LIVE)
    if activity.status == ActivityStatus.CLOSED:
        raise Conflict(CLOSED_ACTIVITY)
    session_validate_times(activity=activity, starts_at=starts_at, ends_at=ends_at, break_minutes=break_minutes)
    session = Session(
        activity=activity,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        break_minutes=break_minutes,
        parallel_group=parallel_group.strip(),
        credit_hours=session_credit_hours(
            starts_at=starts_at, ends_at=ends_at, break_minutes=break_minutes, credit_hours=credit_hours
        ),
    )
    session.full_clean(exclude=["checkin_code", "activity"])
    session._history_user = created_by
    _save_with_fresh_code(session)
    activity_refresh_dates(activity)
    return session


@transaction.atomic
def session_update(*, session: Session, changed_by, correction_reason: str = "", **changes) -> Session:
    """Change a session. Once the activity has begun, its credit hours change only as a correction."""
    session = Session.objects.select_for_update().select_related("activity__activity_type").get(pk=session.pk)
    activity = session.activity
    if activity.status == ActivityStatus.CLOSED:
        raise Conflict(CLOSED_ACTIVITY)
    explicit_hours = changes.pop("credit_hours", None)
    timing_changed = bool(changes.keys() & {"starts_at", "ends_at", "break_minutes"})
    for name, value in changes.items():
        setattr(session, name, value)
    session_validate_times(
        activity=activity,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        break_minutes=session.break_minutes,
        exclude=session.pk,
    )
    new_hours = session_credit_hours(
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        break_minutes=session.break_minutes,
        credit_hours=explicit_hours if explicit_hours is not None or timing_changed else session.credit_hours,
    )
    if new_hours != session.credit_hours and activity_designation_locked(activity) and not correction_reason.strip():
        raise Conflict(DESIGNATION_LOCKED, code="designation_locked")
    lowered = new_hours < session.credit_hours
    session.credit_hours = new_hours
    session.full_clean(exclude=["activity"])
    session._history_user = changed_by
    session._change_reason = correction_reason or None
    session.save()
    if lowered or "parallel_group" in changes:
        activity_published_credit_check(activity, field="credit_hours")
    activity_refresh_dates(activity)
    return session


@transaction.atomic
def session_delete(*, session: Session, deleted_by, correction_reason: str = "") -> None:
    """Delete a session without attendance. Once the activity has begun, only as a correction.

    A published activity keeps at least one session and an AMA maximum within its credit hours.
    """
    from attendance.models import Attendance

    activity = Activity.objects.select_for_update().select_related("activity_type").get(pk=session.activity_id)
    if activity.status == ActivityStatus.CLOSED:
        raise Conflict(CLOSED_ACTIVITY)
    if Attendance.objects.filter(session=session).exists() or session.faculty_claims.exists():
        raise Conflict(SESSION_HAS_ATTENDANCE, code="has_records")
    if activity_designation_locked(activity) and not correction_reason.strip():
        raise Conflict(SESSION_DELETE_LOCKED, code="designation_locked")
    session._history_user = deleted_by
    session._change_reason = correction_reason.strip() or None
    session.delete()
    if activity.status == ActivityStatus.PUBLISHED and not activity.sessions.exists():
        raise ValidationError({"sessions": NO_SESSIONS})
    activity_published_credit_check(activity, field="sessions")
    activity_refresh_dates(activity)
