"""Attendance (check-in by code, marking by staff, roster import) and evaluations."""

from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities.models import Activity, ActivityStatus, Session
from activities.services import activity_disclosure_problems
from activities.services.sessions import CHECKIN_CODE_LENGTH
from activities.timezones import local_date, today_in, zone
from attendance.models import Attendance, CheckInMethod, Evaluation, ObjectiveAnswer
from cme.exceptions import Conflict

CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
UNKNOWN_CODE = "This check-in code is not valid. Check the code on the poster and try again."
ACTIVITY_CLOSED = "Check-in for this activity is closed."
WINDOW_NOT_OPEN = "Check-in for this session opens at {opens} (30 minutes before it starts)."
WINDOW_CLOSED = "Check-in for this session closed at {closed}, when it ended."
DISCLOSURES_INCOMPLETE = (
    "This session cannot be held for credit yet: disclosures of the people in control of content are "
    "incomplete. Please tell the CME office."
)
NOT_ATTENDED = "Evaluate the activity after attending it."
NOT_AVAILABLE = "This activity is not available for evaluation today."
EVALUATION_OUTSIDE_WINDOW = "This activity can only be evaluated while it is available ({start} to {end})."
EVALUATED_ALREADY = "You have already evaluated this activity."
OBJECTIVES_MISMATCH = "Answer for each of the activity's objectives: {expected}."
SESSION_NOT_IN_ACTIVITY = "This session does not belong to the activity."
# A session's disclosure check is cached: a thousand check-ins before grand rounds ask the same question.
HELD_CACHE_SECONDS = 120
CHECKIN_CACHE_SECONDS = 60


def _local_time(moment, zone_name: str) -> str:
    return moment.astimezone(zone(zone_name)).strftime("%B %-d, %Y, %-I:%M %p %Z")


def session_can_be_held(session: Session) -> bool:
    """Nobody in control of content lacks a valid disclosure or a mitigation on the session's date."""
    if hasattr(session, "held"):  # answered when the session was cached for check-in
        return session.held
    day = local_date(session.starts_at, session.activity.time_zone)
    key = f"session-held:{session.pk}:{day.isoformat()}"
    held = cache.get(key)
    if held is None:
        held = not activity_disclosure_problems(activity=session.activity, day=day)
        cache.set(key, held, HELD_CACHE_SECONDS)
    return held


def _record(*, user, session: Session, method: str, recorded_by=None) -> tuple[Attendance, bool]:
    """One attendance per learner and session: a repeat (or a race) gives back the first record.

    The insert comes first and the unique constraint answers a repeat, so a new check-in (the common
    case in a burst) costs no extra lookup.
    """
    try:
        with transaction.atomic():
            attendance = Attendance(user=user, session=session, method=method, recorded_by=recorded_by)
            attendance._history_user = recorded_by or user
            attendance.save()
            return attendance, True
    except IntegrityError:
        return Attendance.objects.get(user=user, session=session), False


class UnknownCheckinCode(ValidationError):
    """A code that opens no session: the attempts a guesser makes, counted by the throttle."""


def checkin_cache_key(code: str) -> str:
    return f"checkin:{code}"


def session_for_code(code: str) -> Session:
    """The session whose check-in code this is; drafts do not reveal themselves.

    A thousand learners check in to one session in a few minutes: the session, its activity and
    whether it can be held are cached for CHECKIN_CACHE_SECONDS, and any change to the session, the
    activity or its people in control of content drops the entry (attendance.apps).
    """
    normalized = (code or "").strip().upper()
    if len(normalized) != CHECKIN_CODE_LENGTH:
        raise UnknownCheckinCode({"code": UNKNOWN_CODE})
    session = cache.get(checkin_cache_key(normalized))
    if session is None:
        session = Session.objects.select_related("activity").filter(checkin_code=normalized).first()
        if session is None or session.activity.status == ActivityStatus.DRAFT:
            raise UnknownCheckinCode({"code": UNKNOWN_CODE})
        session.held = session_can_be_held(session)
        cache.set(checkin_cache_key(normalized), session, CHECKIN_CACHE_SECONDS)
    return session


def checkin_cache_forget(codes) -> None:
    cache.delete_many([checkin_cache_key(code) for code in codes])


def checkin_refusal(session: Session) -> str | None:
    """Why a check-in to this session is refused now (closed activity, outside the window, not held)."""
    activity = session.activity
    if activity.status == ActivityStatus.CLOSED:
        return ACTIVITY_CLOSED
    now = timezone.now()
    opens = session.starts_at - CHECKIN_OPENS_BEFORE
    if now < opens:
        return WINDOW_NOT_OPEN.format(opens=_local_time(opens, activity.time_zone))
    if now > session.ends_at:
        return WINDOW_CLOSED.format(closed=_local_time(session.ends_at, activity.time_zone))
    if not session_can_be_held(session):
        return DISCLOSURES_INCOMPLETE
    return None


def session_check_in(*, user, code: str) -> tuple[Attendance, bool]:
    """Check in with a session's code inside its window (30 minutes before start until its end).

    Checking in again gives back the first record, even once the window has closed.
    """
    session = session_for_code(code)
    refusal = checkin_refusal(session)
    if refusal is None:
        return _record(user=user, session=session, method=CheckInMethod.CODE)
    existing = Attendance.objects.filter(user=user, session=session).first()
    if existing:
        return existing, False
    raise ValidationError({"code": refusal})


def attendance_mark(*, session: Session, user, recorded_by) -> tuple[Attendance, bool]:
    """Staff mark a learner as attended (idempotent)."""
    if session.activity.status == ActivityStatus.DRAFT:
        raise Conflict("Publish the activity before recording attendance.")
    if not session_can_be_held(session):
        raise ValidationError({"session": DISCLOSURES_INCOMPLETE})
    return _record(user=user, session=session, method=CheckInMethod.STAFF, recorded_by=recorded_by)


def learner_attended(*, user, activity: Activity) -> bool:
    return Attendance.objects.filter(user=user, session__activity=activity).exists()


def enduring_available_on(*, activity: Activity, day) -> bool:
    """An enduring activity is evaluated and claimed inside its availability window, both days included.

    `day` is a date in the activity's time zone (`today_in(activity.time_zone)`), so the last day lasts
    until midnight where the activity is run, not in UTC.
    """
    start, end = activity.available_from, activity.available_until
    return bool(start and end and start <= day <= end)


def _check_evaluation_allowed(*, user, activity: Activity) -> None:
    if activity.status == ActivityStatus.DRAFT:
        raise ValidationError(NOT_AVAILABLE)
    if activity.activity_type.live:
        if not learner_attended(user=user, activity=activity):
            raise ValidationError(NOT_ATTENDED)
    elif not enduring_available_on(activity=activity, day=today_in(activity.time_zone)):
        raise ValidationError(
            EVALUATION_OUTSIDE_WINDOW.format(start=activity.available_from, end=activity.available_until)
        )


@transaction.atomic
def evaluation_submit(
    *,
    user,
    activity: Activity,
    overall_rating: int,
    objectives_met: dict[str, bool],
    commercial_bias: bool,
    practice_change: str = "",
    comments: str = "",
) -> Evaluation:
    """One evaluation per learner and activity, after attending; it answers each of its objectives."""
    _check_evaluation_allowed(user=user, activity=activity)
    expected = set(activity.objectives.values_list("slug", flat=True))
    if set(objectives_met) != expected:
        raise ValidationError({"objectives_met": OBJECTIVES_MISMATCH.format(expected=", ".join(sorted(expected)))})
    if Evaluation.objects.filter(user=user, activity=activity).exists():
        raise Conflict(EVALUATED_ALREADY)
    evaluation = Evaluation(
        user=user,
        activity=activity,
        overall_rating=overall_rating,
        commercial_bias=commercial_bias,
        practice_change=practice_change.strip(),
        comments=comments.strip(),
    )
    evaluation.full_clean(exclude=["user", "activity"])
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as error:
        raise Conflict(EVALUATED_ALREADY) from error
    ObjectiveAnswer.objects.bulk_create(
        ObjectiveAnswer(evaluation=evaluation, objective_id=slug, met=met) for slug, met in objectives_met.items()
    )
    return evaluation
