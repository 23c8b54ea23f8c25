"""Every figure of the annual report, from GROUP BY queries."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from accounts.models import PHYSICIAN_DEGREES, User
from activities.models import Activity, ActivityType, CommercialSupport, CreditType, Objective
from activities.services import provider_current
from attendance.models import Attendance
from claims.models import Claim, ClaimKind
from reports.selectors.per_activity import hours_by_activity, learners_by_activity
from reports.selectors.period import REPORTED_STATUSES, ZERO, Period, activities_in, awarded_claims_in

TOP_ACTIVITIES = 15


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
