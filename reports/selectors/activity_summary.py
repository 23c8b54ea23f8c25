"""Every figure of one activity's summary, from GROUP BY queries."""

from django.db.models import Avg, Count, Q, Sum

from accounts.models import PHYSICIAN_DEGREES
from activities.credits import credit_hours_counting_parallel_once
from activities.models import Activity, CommercialSupport, CreditDesignation, Session
from activities.selectors import disclosure_listing
from activities.services import provider_current
from activities.timezones import local_date, today_in
from attendance.models import Attendance, Evaluation, ObjectiveAnswer
from certificates.models import CertificateStatus
from claims.models import Claim, ClaimKind
from reports.selectors.period import AWARDED_CERTIFICATE_STATUSES, OTHER_LEARNER, PHYSICIAN, ZERO

MAX_PRACTICE_CHANGES = 1000


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
