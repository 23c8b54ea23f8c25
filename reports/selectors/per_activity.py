"""Per-activity figures of a period, shared by the annual report and the PARS export."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum

from activities.models import REGULARLY_SCHEDULED_SERIES, Activity, CommercialSupport, CreditDesignation, Session
from attendance.models import Attendance
from claims.models import Claim, ClaimKind
from reports.selectors.period import OTHER_LEARNER, PHYSICIAN, REPORTED_STATUSES, ZERO, Period, sessions_in


def counted_sessions(sessions: QuerySet[Session]) -> Q:
    """Sessions counted toward hours: every session outside a parallel group, and the longest of each group.

    SQL twin of `credit_hours_counting_parallel_once`: a session of a group counts unless another
    session of the same group (among `sessions`) is longer, or as long with a smaller id.
    """
    longer = sessions.filter(activity_id=OuterRef("activity_id"), parallel_group=OuterRef("parallel_group")).filter(
        Q(credit_hours__gt=OuterRef("credit_hours")) | Q(credit_hours=OuterRef("credit_hours"), id__lt=OuterRef("id"))
    )
    return Q(parallel_group="") | ~Exists(longer)


def hours_by_activity(period: Period) -> dict[int, dict]:
    """Live activities: {activity id: {sessions, hours, first_start, last_end}} for sessions in the period."""
    sessions = sessions_in(period)
    rows = (
        sessions.annotate(counted=counted_sessions(sessions))
        .values("activity_id")
        .annotate(
            sessions=Count("id"),
            hours=Sum("credit_hours", filter=Q(counted=True)),
            first_start=Min("starts_at"),
            last_end=Max("ends_at"),
        )
        .order_by()
    )
    return {row.pop("activity_id"): {**row, "hours": row["hours"] or ZERO} for row in rows}


def learners_by_activity(period: Period) -> dict[int, dict[str, int]]:
    """{activity id: {physicians, others}} counted the PARS way, for the period only.

    Live activities count their attendance at sessions in the period: a course (or webinar) counts
    a person once however many sessions they attended; a regularly scheduled series counts a person
    once per session attended. Enduring activities count the learners who claimed credit in the period.
    """
    live = (
        Attendance.objects.filter(
            session__starts_at__gte=period.start,
            session__starts_at__lt=period.end,
            session__activity__status__in=REPORTED_STATUSES,
        )
        .values("session__activity_id", "session__activity__activity_type_id")
        .annotate(
            physician_visits=Count("id", filter=PHYSICIAN),
            other_visits=Count("id", filter=OTHER_LEARNER),
            physicians=Count("user_id", distinct=True, filter=PHYSICIAN),
            others=Count("user_id", distinct=True, filter=OTHER_LEARNER),
        )
        .order_by()
    )
    learners = {}
    for row in live:
        series = row["session__activity__activity_type_id"] == REGULARLY_SCHEDULED_SERIES
        learners[row["session__activity_id"]] = {
            "physicians": row["physician_visits"] if series else row["physicians"],
            "others": row["other_visits"] if series else row["others"],
        }
    enduring = (
        Claim.objects.filter(
            kind=ClaimKind.LEARNER,
            credit_date__gte=period.date_from,
            credit_date__lte=period.date_to,
            activity__activity_type__live=False,
            activity__status__in=REPORTED_STATUSES,
        )
        .values("activity_id")
        .annotate(
            physicians=Count("user_id", distinct=True, filter=PHYSICIAN),
            others=Count("user_id", distinct=True, filter=OTHER_LEARNER),
        )
        .order_by()
    )
    for row in enduring:
        learners[row["activity_id"]] = {"physicians": row["physicians"], "others": row["others"]}
    return learners


def support_by_activity(activities: QuerySet[Activity]) -> dict[int, dict]:
    """{activity id: {amount, in_kind}}: the monetary total and whether any in-kind support was given."""
    rows = (
        CommercialSupport.objects.filter(activity__in=activities)
        .values("activity_id")
        .annotate(amount=Sum("amount"), in_kind=Count("id", filter=~Q(in_kind="")))
        .order_by()
    )
    return {row["activity_id"]: {"amount": row["amount"] or ZERO, "in_kind": row["in_kind"] > 0} for row in rows}


def objectives_by_activity(activities: QuerySet[Activity]) -> dict[int, set[str]]:
    through = Activity.objectives.through
    pairs = through.objects.filter(activity__in=activities).values_list("activity_id", "objective_id")
    objectives = defaultdict(set)
    for activity_id, slug in pairs:
        objectives[activity_id].add(slug)
    return objectives


def designations_by_activity(activities: QuerySet[Activity]) -> dict[int, dict[str, Decimal]]:
    rows = CreditDesignation.objects.filter(activity__in=activities).values_list(
        "activity_id", "credit_type_id", "max_credits"
    )
    designations = defaultdict(dict)
    for activity_id, credit_type, maximum in rows:
        designations[activity_id][credit_type] = maximum
    return designations
