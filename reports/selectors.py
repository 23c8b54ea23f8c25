"""Reads for accreditation reports: who sees which report, and every figure from GROUP BY queries.

Each function returns plain values (ints, Decimals, dicts keyed by slug or id) computed by the
database. The number of queries is fixed: it does not grow with activities, sessions or learners.
Figures that PARS counts per activity (learners: a course counts each person once, a regularly
scheduled series once per session attended) are grouped by activity in SQL and those per-activity
counts are added up here.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from accounts.models import PHYSICIAN_DEGREES, User
from accounts.permissions import user_has_role
from accounts.roles import Role
from activities.credits import credit_hours_counting_parallel_once
from activities.models import (
    REGULARLY_SCHEDULED_SERIES,
    Activity,
    ActivityStatus,
    ActivityType,
    CommercialSupport,
    CreditDesignation,
    CreditType,
    Objective,
    Session,
)
from activities.selectors import disclosure_listing
from activities.services import provider_current
from activities.timezones import local_date, start_of_day, today_in
from attendance.models import Attendance, Evaluation, ObjectiveAnswer
from certificates.models import CertificateStatus
from claims.models import Claim, ClaimKind
from reports.models import Report

ZERO = Decimal("0.00")
REPORTED_STATUSES = (ActivityStatus.PUBLISHED, ActivityStatus.CLOSED)
# A claim counts as credit awarded while its certificate stands: issued, being rendered or ready.
AWARDED_CERTIFICATE_STATUSES = (CertificateStatus.PENDING, CertificateStatus.READY, CertificateStatus.FAILED)
TOP_ACTIVITIES = 15
MAX_PRACTICE_CHANGES = 1000

PHYSICIAN = Q(user__degree__in=PHYSICIAN_DEGREES)
OTHER_LEARNER = ~Q(user__degree__in=PHYSICIAN_DEGREES)


def reports_visible_to(user) -> QuerySet[Report]:
    """Accreditation sees every report; staff only the reports they requested (others are 404)."""
    reports = Report.objects.all()
    if not user_has_role(user, Role.ACCREDITATION):
        reports = reports.filter(requested_by=user)
    return reports.order_by("-created_at", "-id")


# --- The reporting period -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Calendar days `date_from` to `date_to`, both included, in the provider's time zone."""

    date_from: date
    date_to: date
    time_zone: str

    @property
    def start(self) -> datetime:
        return start_of_day(self.date_from, self.time_zone)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return start_of_day(self.date_to + timedelta(days=1), self.time_zone)


def period_for(date_from: date, date_to: date) -> Period:
    return Period(date_from=date_from, date_to=date_to, time_zone=provider_current().time_zone)


def sessions_in(period: Period) -> QuerySet[Session]:
    """Sessions starting in the period, of activities that were published."""
    return Session.objects.filter(
        starts_at__gte=period.start, starts_at__lt=period.end, activity__status__in=REPORTED_STATUSES
    )


def activities_in(period: Period) -> QuerySet[Activity]:
    """Published activities that ran in the period: a session in it (live) or available during it (enduring)."""
    session_in_period = Session.objects.filter(
        activity=OuterRef("pk"), starts_at__gte=period.start, starts_at__lt=period.end
    )
    enduring = Q(
        activity_type__live=False,
        available_from__lte=period.date_to,
        available_until__gte=period.date_from,
    )
    return Activity.objects.filter(status__in=REPORTED_STATUSES).filter(
        (Q(activity_type__live=True) & Exists(session_in_period)) | enduring
    )


def awarded_claims() -> QuerySet[Claim]:
    """Claims whose certificate stands (not revoked): the credits awarded."""
    return Claim.objects.filter(certificate__status__in=AWARDED_CERTIFICATE_STATUSES)


def awarded_claims_in(period: Period) -> QuerySet[Claim]:
    return awarded_claims().filter(credit_date__gte=period.date_from, credit_date__lte=period.date_to)


# --- Per-activity figures (shared by the annual report and the PARS export) -------------------------


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


# --- The annual report ------------------------------------------------------------------------------


def _reference() -> dict:
    return {
        "activity_types": list(ActivityType.objects.values("code", "name", "pars_code", "live")),
        "objectives": list(Objective.objects.values("slug", "name")),
        "credit_types": list(CreditType.objects.values("slug", "name")),
    }


def _credits(period: Period) -> dict:
    claims = awarded_claims_in(period)
    by_type = claims.values("activity__activity_type_id", "credit_type_id").annotate(
        credits=Sum("credits"), claims=Count("id")
    )
    by_objective = claims.values("activity__objectives__slug", "credit_type_id").annotate(credits=Sum("credits"))
    by_month = (
        claims.annotate(month=TruncMonth("credit_date"))
        .values("month", "credit_type_id")
        .annotate(credits=Sum("credits"))
    )
    return {
        "by_activity_type": [
            {
                "activity_type": r["activity__activity_type_id"],
                "credit_type": r["credit_type_id"],
                "credits": r["credits"],
                "claims": r["claims"],
            }
            for r in by_type.order_by()
        ],
        "by_objective": [
            {"objective": r["activity__objectives__slug"], "credit_type": r["credit_type_id"], "credits": r["credits"]}
            for r in by_objective.order_by()
        ],
        "by_month": [
            {"month": r["month"], "credit_type": r["credit_type_id"], "credits": r["credits"]}
            for r in by_month.order_by()
        ],
    }


def _commercial_support(activities: QuerySet[Activity]) -> dict:
    grants = CommercialSupport.objects.filter(activity__in=activities)
    totals = grants.aggregate(
        grants=Count("id"),
        activities=Count("activity_id", distinct=True),
        amount=Sum("amount"),
        in_kind=Count("id", filter=~Q(in_kind="")),
    )
    companies = (
        grants.values("company")
        .annotate(
            grants=Count("id"),
            activities=Count("activity_id", distinct=True),
            amount=Sum("amount"),
            in_kind=Count("id", filter=~Q(in_kind="")),
        )
        .order_by("-amount", "company")
    )
    return {**totals, "amount": totals["amount"] or ZERO, "companies": list(companies)}


def _distinct_learners(period: Period) -> dict[str, int]:
    """Individuals who learned in the period (each person once), physicians and others."""
    attended = Attendance.objects.filter(
        user=OuterRef("pk"),
        session__starts_at__gte=period.start,
        session__starts_at__lt=period.end,
        session__activity__status__in=REPORTED_STATUSES,
    )
    completed = Claim.objects.filter(
        user=OuterRef("pk"),
        kind=ClaimKind.LEARNER,
        credit_date__gte=period.date_from,
        credit_date__lte=period.date_to,
        activity__activity_type__live=False,
        activity__status__in=REPORTED_STATUSES,
    )
    return User.objects.filter(Exists(attended) | Exists(completed)).aggregate(
        physicians=Count("id", filter=Q(degree__in=PHYSICIAN_DEGREES)),
        others=Count("id", filter=~Q(degree__in=PHYSICIAN_DEGREES)),
    )


def _top_activities(activities, learners: dict, hours: dict, period: Period) -> list[dict]:
    ranked = sorted(learners.items(), key=lambda item: (-(item[1]["physicians"] + item[1]["others"]), item[0]))
    top_ids = [activity_id for activity_id, _ in ranked[:TOP_ACTIVITIES]]
    details = {
        row["id"]: row
        for row in activities.filter(pk__in=top_ids).values(
            "id", "provider_activity_id", "title", "activity_type__pars_code", "activity_type__live", "estimated_hours"
        )
    }
    credits = dict(
        awarded_claims_in(period)
        .filter(activity_id__in=top_ids)
        .values("activity_id")
        .annotate(total=Sum("credits"))
        .values_list("activity_id", "total")
        .order_by()
    )
    top = []
    for activity_id in top_ids:
        if activity_id not in details:  # learners of an activity outside the report (no longer published)
            continue
        row = details[activity_id]
        live_hours = hours.get(activity_id, {}).get("hours", ZERO)
        top.append(
            {
                "id": activity_id,
                "provider_activity_id": row["provider_activity_id"],
                "title": row["title"],
                "pars_code": row["activity_type__pars_code"],
                "hours": live_hours if row["activity_type__live"] else (row["estimated_hours"] or ZERO),
                **learners[activity_id],
                "credits": credits.get(activity_id, ZERO),
            }
        )
    return top


def annual_report_figures(*, date_from: date, date_to: date) -> dict:
    """Every figure of the annual report for the period, in a fixed number of queries."""
    provider = provider_current()
    period = Period(date_from=date_from, date_to=date_to, time_zone=provider.time_zone)
    activities = activities_in(period)
    by_type = {
        row["activity_type_id"]: row
        for row in activities.values("activity_type_id")
        .annotate(activities=Count("id"), enduring_hours=Sum("estimated_hours", filter=Q(activity_type__live=False)))
        .order_by()
    }
    hours = hours_by_activity(period)
    learners = learners_by_activity(period)
    type_of = dict(activities.values_list("id", "activity_type_id").order_by())
    types = defaultdict(lambda: {"activities": 0, "sessions": 0, "hours": ZERO, "physicians": 0, "others": 0})
    for code, row in by_type.items():
        types[code]["activities"] = row["activities"]
        types[code]["hours"] += row["enduring_hours"] or ZERO
    for activity_id, row in hours.items():
        if activity_id in type_of:
            types[type_of[activity_id]]["sessions"] += row["sessions"]
            types[type_of[activity_id]]["hours"] += row["hours"]
    for activity_id, row in learners.items():
        if activity_id in type_of:
            types[type_of[activity_id]]["physicians"] += row["physicians"]
            types[type_of[activity_id]]["others"] += row["others"]
    activities_by_objective = dict(
        Activity.objectives.through.objects.filter(activity__in=activities)
        .values("objective_id")
        .annotate(n=Count("activity_id"))
        .values_list("objective_id", "n")
        .order_by()
    )
    return {
        "provider_name": provider.name,
        "date_from": date_from,
        "date_to": date_to,
        **_reference(),
        "by_activity_type": dict(types),
        "activities_by_objective": activities_by_objective,
        "distinct_learners": _distinct_learners(period),
        "credits": _credits(period),
        "commercial_support": _commercial_support(activities),
        "top_activities": _top_activities(activities, learners, hours, period),
    }


# --- The activity summary -----------------------------------------------------------------------------


def _session_rows(activity: Activity) -> list[dict]:
    return list(
        Session.objects.filter(activity=activity)
        .annotate(
            attendance=Count("attendances"),
            physicians=Count("attendances", filter=Q(attendances__user__degree__in=PHYSICIAN_DEGREES)),
            others=Count("attendances", filter=~Q(attendances__user__degree__in=PHYSICIAN_DEGREES)),
        )
        .order_by("starts_at", "id")
        .values(
            "id",
            "title",
            "starts_at",
            "ends_at",
            "credit_hours",
            "parallel_group",
            "attendance",
            "physicians",
            "others",
        )
    )


def _activity_learners(activity: Activity) -> dict[str, int]:
    """Learners of the whole activity, PARS-style: distinct people (series: attendances); enduring: claimants."""
    if not activity.activity_type.live:
        learners = Claim.objects.filter(activity=activity, kind=ClaimKind.LEARNER)
        return learners.aggregate(
            physicians=Count("user_id", distinct=True, filter=PHYSICIAN),
            others=Count("user_id", distinct=True, filter=OTHER_LEARNER),
        )
    series = activity.activity_type.is_series
    return Attendance.objects.filter(session__activity=activity).aggregate(
        physicians=Count("id" if series else "user_id", distinct=not series, filter=PHYSICIAN),
        others=Count("id" if series else "user_id", distinct=not series, filter=OTHER_LEARNER),
        individuals=Count("user_id", distinct=True),
    )


def _claim_rows(activity: Activity) -> list[dict]:
    awarded = Q(certificate__status__in=AWARDED_CERTIFICATE_STATUSES)
    return list(
        Claim.objects.filter(activity=activity)
        .values("credit_type_id", "credit_type__name")
        .annotate(
            claims=Count("id"),
            faculty=Count("id", filter=Q(kind=ClaimKind.FACULTY)),
            revoked=Count("id", filter=Q(certificate__status=CertificateStatus.REVOKED)),
            credits=Sum("credits", filter=awarded),
        )
        .order_by("credit_type__position")
    )


def _evaluation_figures(activity: Activity) -> dict:
    evaluations = Evaluation.objects.filter(activity=activity)
    totals = evaluations.aggregate(
        responses=Count("id"), mean_rating=Avg("overall_rating"), bias=Count("id", filter=Q(commercial_bias=True))
    )
    ratings = dict(
        evaluations.values("overall_rating").annotate(n=Count("id")).values_list("overall_rating", "n").order_by()
    )
    objectives = list(
        ObjectiveAnswer.objects.filter(evaluation__activity=activity)
        .values("objective_id", "objective__name")
        .annotate(answers=Count("id"), met=Count("id", filter=Q(met=True)))
        .order_by("objective__position")
    )
    with_change = evaluations.exclude(practice_change="")
    changes = list(
        with_change.order_by("created_at", "id").values_list("practice_change", flat=True)[:MAX_PRACTICE_CHANGES]
    )
    return {
        **totals,
        "ratings": ratings,
        "objectives": objectives,
        "practice_changes": changes,
        "practice_changes_total": with_change.count() if len(changes) == MAX_PRACTICE_CHANGES else len(changes),
    }


def activity_summary_figures(*, activity_id: int) -> dict:
    """Every figure of one activity's summary, in a fixed number of queries."""
    activity = Activity.objects.select_related("activity_type").prefetch_related("objectives").get(pk=activity_id)
    sessions = _session_rows(activity)
    first = min((s["starts_at"] for s in sessions), default=activity.starts_at)
    day = local_date(first, activity.time_zone) if first else today_in(activity.time_zone)
    designations = list(
        CreditDesignation.objects.filter(activity=activity)
        .order_by("credit_type__position")
        .values("credit_type_id", "credit_type__name", "max_credits")
    )
    return {
        "provider_name": provider_current().name,
        "activity": activity,
        "objectives": [objective.name for objective in activity.objectives.all()],
        "designations": designations,
        "disclosure_day": day,
        "disclosures": disclosure_listing(activity=activity, day=day, for_staff=True),
        "commercial_support": list(
            CommercialSupport.objects.filter(activity=activity).values("company", "amount", "in_kind")
        ),
        "sessions": sessions,
        "hours": credit_hours_counting_parallel_once(_SessionHours(s) for s in sessions)
        if activity.activity_type.live
        else activity.estimated_hours or ZERO,
        "learners": _activity_learners(activity),
        "claims": _claim_rows(activity),
        "evaluation": _evaluation_figures(activity),
    }


class _SessionHours:
    """A session row as `credit_hours_counting_parallel_once` reads it."""

    def __init__(self, row: dict):
        self.credit_hours = row["credit_hours"]
        self.parallel_group = row["parallel_group"]
