"""Activities: create, change, publish, close, delete, roll a series over."""

import re
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from activities.credits import credit_hours_counting_parallel_once
from activities.models import (
    AMA_PRA_1,
    Activity,
    ActivityStatus,
    ActivityType,
    ContentRole,
    CreditDesignation,
    CreditType,
    Objective,
    Provider,
    RenewalTopic,
)
from activities.services.disclosures import CLOSED_ACTIVITY, activity_disclosure_problems
from activities.services.provider import provider_current
from activities.timezones import DATE_OUT_OF_RANGE, add_months, date_in_range, local_date, start_of_day, today_in
from cme.exceptions import Conflict

NO_OBJECTIVES = "Choose at least one learning objective."
NO_CREDITS = "Designate at least one credit type."
NO_SESSIONS = "Add at least one session."
NO_WINDOW = "Set the availability window (available_from and available_until)."
NO_ESTIMATED_HOURS = "Set the time most physicians need to complete it (estimated_hours)."
AMA_ABOVE_SESSIONS = "The AMA PRA Category 1 maximum ({maximum}) exceeds the sessions' credit hours ({hours})."
AMA_ABOVE_ESTIMATE = "The AMA PRA Category 1 maximum ({maximum}) exceeds the estimated completion time ({hours})."
DESIGNATION_LOCKED = (
    "Credit is designated in advance: the first session has started, so the designation changes only "
    "as a correction with a reason."
)
NOT_DRAFT = "Only a draft activity can be published; this one is {status}."
NOT_PUBLISHED = "Only a published activity can be closed; this one is {status}."
HAS_RECORDS = "This activity has attendance or claims and is kept for six years: close it instead."
NOT_A_SERIES = "Only a regularly scheduled series rolls over into next year's activity."
WINDOW_INVERTED = "available_until must be on or after available_from."
DUPLICATE_CREDIT_TYPE = "Each credit type may be designated once."
JOINT_PROVIDER_NAME = "Name the joint provider."
# Fields staff set directly on the row; objectives, topics and credits are handled apart.
SIMPLE_FIELDS = (
    "title", "description", "location", "time_zone", "claim_deadline", "evaluation_required",
    "available_from", "available_until", "estimated_hours", "post_test_passing_score",
    "designed_to_change_competence", "designed_to_change_performance", "designed_to_change_patient_outcomes",
    "evaluated_competence", "evaluated_performance", "evaluated_patient_outcomes", "competencies",
    "jointly_provided", "joint_provider_name", "provider_activity_id",
)  # fmt: skip


DATE_FIELDS = ("claim_deadline", "available_from", "available_until")


def activity_check_window_and_joint_provider(activity: Activity) -> None:
    """Checks of the row's own fields that the model cannot express: sane dates, the window's order."""
    errors = {}
    for name in DATE_FIELDS:
        value = getattr(activity, name)
        if value is not None and not date_in_range(value):
            errors[name] = DATE_OUT_OF_RANGE
    if errors:
        raise ValidationError(errors)
    if activity.available_from and activity.available_until and activity.available_until < activity.available_from:
        errors["available_until"] = WINDOW_INVERTED
    if activity.jointly_provided and not activity.joint_provider_name.strip():
        errors["joint_provider_name"] = JOINT_PROVIDER_NAME
    if errors:
        raise ValidationError(errors)


def _save_designations(*, activity: Activity, credits: list[dict], changed_by, reason: str = "") -> None:
    slugs = [credit["credit_type"] for credit in credits]
    if len(set(slugs)) != len(slugs):
        raise ValidationError({"credits": DUPLICATE_CREDIT_TYPE})
    types = {ct.slug: ct for ct in CreditType.objects.filter(slug__in=slugs)}
    existing = {d.credit_type_id: d for d in activity.designations.all()}
    for credit in credits:
        designation = existing.pop(credit["credit_type"], None) or CreditDesignation(
            activity=activity, credit_type=types[credit["credit_type"]]
        )
        if designation.pk and designation.max_credits == credit["max_credits"]:
            continue
        designation.max_credits = credit["max_credits"]
        designation.full_clean(exclude=["activity"])
        designation._history_user = changed_by
        designation._change_reason = reason or None
        designation.save()
    for removed in existing.values():
        removed._history_user = changed_by
        removed._change_reason = reason or None
        removed.delete()


def activity_designation_locked(activity: Activity) -> bool:
    """Credit is designated in advance: once the activity has begun, changes need a correction."""
    return activity.starts_at is not None and activity.starts_at <= timezone.now()


def activity_refresh_dates(activity: Activity) -> None:
    """Keep `starts_at`/`ends_at` in step with the sessions (live) or the availability window."""
    if activity.activity_type.live:
        sessions = list(activity.sessions.order_by("starts_at"))
        starts = sessions[0].starts_at if sessions else None
        ends = max((s.ends_at for s in sessions), default=None)
    else:
        starts = start_of_day(activity.available_from, activity.time_zone) if activity.available_from else None
        ends = (
            start_of_day(activity.available_until, activity.time_zone) + timedelta(days=1)
            if activity.available_until
            else None
        )
    if (activity.starts_at, activity.ends_at) != (starts, ends):
        Activity.objects.filter(pk=activity.pk).update(starts_at=starts, ends_at=ends)
        activity.starts_at, activity.ends_at = starts, ends


def _next_provider_activity_id(activity: Activity) -> str:
    return f"CME-{activity.pk:06d}"


@transaction.atomic
def activity_create(
    *,
    created_by,
    title: str,
    activity_type: ActivityType,
    objectives: list[Objective],
    credits: list[dict] | None = None,
    renewal_topics: list[RenewalTopic] | None = None,
    **fields,
) -> Activity:
    """A new activity in `draft`, with its objectives and credit designations."""
    provider: Provider = provider_current()
    fields.setdefault("time_zone", provider.time_zone)
    chosen_id = (fields.pop("provider_activity_id", "") or "").strip()
    # A unique placeholder until the row has its number (two creations at once must not collide).
    activity = Activity(
        title=title,
        activity_type=activity_type,
        created_by=created_by,
        provider_activity_id=chosen_id or f"new-{uuid.uuid4().hex[:24]}",
        **fields,
    )
    activity_check_window_and_joint_provider(activity)
    activity.full_clean()
    activity._history_user = created_by
    activity.save()
    if not chosen_id:
        activity.provider_activity_id = _next_provider_activity_id(activity)
        activity._history_user = created_by
        activity.save(update_fields=["provider_activity_id"])
    if not objectives:
        raise ValidationError({"objectives": NO_OBJECTIVES})
    activity.objectives.set(objectives)
    activity.renewal_topics.set(renewal_topics or [])
    _save_designations(activity=activity, credits=credits or [], changed_by=created_by)
    activity_refresh_dates(activity)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    changed_by,
    objectives: list[Objective] | None = None,
    renewal_topics: list[RenewalTopic] | None = None,
    credits: list[dict] | None = None,
    correction_reason: str = "",
    **changes,
) -> Activity:
    """Change an activity. Credit designations are locked once it has begun, except as a correction."""
    activity = Activity.objects.select_for_update().select_related("activity_type").get(pk=activity.pk)
    if activity.status == ActivityStatus.CLOSED:
        raise Conflict(CLOSED_ACTIVITY)
    if (
        "provider_activity_id" in changes
        and activity.pars_exported_at
        and (changes["provider_activity_id"] != activity.provider_activity_id)
    ):
        raise Conflict("The provider activity id was exported to PARS and can no longer change.")
    for name, value in changes.items():
        setattr(activity, name, value)
    activity_check_window_and_joint_provider(activity)
    activity.full_clean()
    activity._history_user = changed_by
    activity._change_reason = correction_reason or None
    activity.save()
    if objectives is not None:
        if not objectives:
            raise ValidationError({"objectives": NO_OBJECTIVES})
        activity.objectives.set(objectives)
    if renewal_topics is not None:
        activity.renewal_topics.set(renewal_topics)
    if credits is not None:
        if activity_designation_locked(activity) and not correction_reason.strip():
            current = {d.credit_type_id: d.max_credits for d in activity.designations.all()}
            if current != {c["credit_type"]: c["max_credits"] for c in credits}:
                raise Conflict(DESIGNATION_LOCKED, code="designation_locked")
        _save_designations(activity=activity, credits=credits, changed_by=changed_by, reason=correction_reason)
    if credits is not None or changes.keys() & {"estimated_hours", "activity_type"}:
        field = "credits" if credits is not None or "estimated_hours" not in changes else "estimated_hours"
        activity_published_credit_check(activity, field=field)
    activity_refresh_dates(activity)
    return activity


def activity_ama_maximum_problem(activity: Activity, designations: dict | None = None) -> str | None:
    """The AMA maximum above the sessions' credit hours (live) or the estimated hours (enduring)."""
    if designations is None:
        designations = {d.credit_type_id: d.max_credits for d in activity.designations.all()}
    maximum = designations.get(AMA_PRA_1)
    if maximum is None:
        return None
    if activity.activity_type.live:
        sessions = list(activity.sessions.all())
        hours = credit_hours_counting_parallel_once(sessions)
        return AMA_ABOVE_SESSIONS.format(maximum=maximum, hours=hours) if sessions and maximum > hours else None
    if activity.estimated_hours is not None and maximum > activity.estimated_hours:
        return AMA_ABOVE_ESTIMATE.format(maximum=maximum, hours=activity.estimated_hours)
    return None


def activity_publication_problems(activity: Activity) -> dict[str, list[str]]:
    """Every piece missing before the activity can be published, by field (empty when ready)."""
    problems: dict[str, list[str]] = {}
    if not activity.objectives.exists():
        problems["objectives"] = [NO_OBJECTIVES]
    designations = {d.credit_type_id: d.max_credits for d in activity.designations.all()}
    if not designations:
        problems["credits"] = [NO_CREDITS]
    if activity.activity_type.live:
        if not activity.sessions.exists():
            problems["sessions"] = [NO_SESSIONS]
    else:
        if not (activity.available_from and activity.available_until):
            problems["availability"] = [NO_WINDOW]
        if activity.estimated_hours is None:
            problems["estimated_hours"] = [NO_ESTIMATED_HOURS]
    ama_problem = activity_ama_maximum_problem(activity, designations)
    if ama_problem:
        problems.setdefault("credits", []).append(ama_problem)
    problems.update(activity_disclosure_problems(activity=activity, day=today_in(activity.time_zone)))
    return problems


def activity_published_credit_check(activity: Activity, *, field: str) -> None:
    """A published activity keeps what publishing checked of its credit: designations, the AMA maximum.

    Changes of designations, estimated hours or sessions call this after writing, inside their
    transaction, so a refusal (400 naming `field`) leaves nothing changed.
    """
    if activity.status != ActivityStatus.PUBLISHED:
        return
    designations = {d.credit_type_id: d.max_credits for d in activity.designations.all()}
    if not designations:
        raise ValidationError({field: NO_CREDITS})
    if not activity.activity_type.live and activity.estimated_hours is None:
        raise ValidationError({"estimated_hours": NO_ESTIMATED_HOURS})
    problem = activity_ama_maximum_problem(activity, designations)
    if problem:
        raise ValidationError({field: problem})


@transaction.atomic
def activity_publish(*, activity: Activity, published_by) -> Activity:
    """draft -> published, when nothing is missing; the refusal names every missing piece."""
    activity = Activity.objects.select_for_update().select_related("activity_type").get(pk=activity.pk)
    if activity.status != ActivityStatus.DRAFT:
        raise Conflict(NOT_DRAFT.format(status=activity.status), code="invalid_transition")
    problems = activity_publication_problems(activity)
    if problems:
        raise ValidationError(problems)
    activity.status = ActivityStatus.PUBLISHED
    activity.published_at = timezone.now()
    activity._history_user = published_by
    activity.save(update_fields=["status", "published_at", "updated_at"])
    return activity


@transaction.atomic
def activity_close(*, activity: Activity, closed_by) -> Activity:
    """published -> closed: no more check-ins; claims stay open until the claim deadline."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ActivityStatus.PUBLISHED:
        raise Conflict(NOT_PUBLISHED.format(status=activity.status), code="invalid_transition")
    activity.status = ActivityStatus.CLOSED
    activity.closed_at = timezone.now()
    activity._history_user = closed_by
    activity.save(update_fields=["status", "closed_at", "updated_at"])
    return activity


def activity_has_records(activity: Activity) -> bool:
    from attendance.models import Attendance
    from claims.models import Claim

    return (
        Attendance.objects.filter(session__activity=activity).exists()
        or Claim.objects.filter(activity=activity).exists()
    )


@transaction.atomic
def activity_delete(*, activity: Activity, deleted_by) -> None:
    """Delete an activity that has no attendance or claims (the history keeps a record of it)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity_has_records(activity):
        raise Conflict(HAS_RECORDS, code="has_records")
    activity._history_user = deleted_by
    activity.delete()


def _next_year_title(title: str, year: int) -> str:
    replaced, count = re.subn(rf"\b{year}\b", str(year + 1), title)
    return replaced if count else f"{title} ({year + 1})"


@transaction.atomic
def activity_rollover(*, activity: Activity, created_by) -> Activity:
    """A regularly scheduled series is one activity per twelve months: start next year's, no sessions."""
    activity = Activity.objects.select_related("activity_type").get(pk=activity.pk)
    if not activity.activity_type.is_series:
        raise ValidationError({"activity_type": NOT_A_SERIES})
    year = local_date(activity.starts_at or timezone.now(), activity.time_zone).year
    fields = {name: getattr(activity, name) for name in SIMPLE_FIELDS if name != "provider_activity_id"}
    fields["title"] = _next_year_title(activity.title, year)
    if activity.claim_deadline:
        fields["claim_deadline"] = add_months(activity.claim_deadline, 12)
    successor = activity_create(
        created_by=created_by,
        activity_type=activity.activity_type,
        objectives=list(activity.objectives.all()),
        renewal_topics=list(activity.renewal_topics.all()),
        credits=[{"credit_type": d.credit_type_id, "max_credits": d.max_credits} for d in activity.designations.all()],
        previous_activity=activity,
        **fields,
    )
    # The roles carry over (their relationships are judged again for the new activity), in the history.
    roles = [ContentRole(activity=successor, person_id=r.person_id, role=r.role) for r in activity.content_roles.all()]
    bulk_create_with_history(
        roles,
        ContentRole,
        default_user=created_by,
        default_change_reason=f"Rolled over from {activity.provider_activity_id}",
    )
    return successor
