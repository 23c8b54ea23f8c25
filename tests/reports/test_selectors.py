"""Report figures: by hand on a small year, and against an independent Python count on seeded data."""

import io
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import PHYSICIAN_DEGREES
from activities.credits import credit_hours_counting_parallel_once
from activities.models import Activity, Session
from attendance.models import Attendance
from claims.models import Claim
from reports import selectors
from reports.models import Report
from tests.factories import staff_user
from tests.reports.conftest import EXPECTED, YEAR_FROM, YEAR_TO

pytestmark = pytest.mark.django_db


def test_annual_figures_equal_the_hand_computed_year(scenario):
    figures = selectors.annual_report_figures(date_from=YEAR_FROM, date_to=YEAR_TO)

    by_type = figures["by_activity_type"]
    assert {code: row["activities"] for code, row in by_type.items()} == EXPECTED["activities_by_type"]
    assert {code: row["hours"] for code, row in by_type.items()} == EXPECTED["hours_by_type"]
    assert {code: row["sessions"] for code, row in by_type.items() if row["sessions"]} == EXPECTED["sessions_by_type"]
    assert {code: (row["physicians"], row["others"]) for code, row in by_type.items()} == EXPECTED["learners_by_type"]
    assert figures["distinct_learners"] == EXPECTED["distinct"]
    credits = figures["credits"]
    by_credit_type, claims = defaultdict(Decimal), defaultdict(int)
    by_activity_type = defaultdict(Decimal)
    for row in credits["by_activity_type"]:
        by_credit_type[row["credit_type"]] += row["credits"]
        claims[row["credit_type"]] += row["claims"]
        by_activity_type[row["activity_type"]] += row["credits"]
    assert dict(by_credit_type) == EXPECTED["credits_by_credit_type"]
    assert dict(claims) == EXPECTED["claims_by_credit_type"]
    assert dict(by_activity_type) == EXPECTED["credits_by_activity_type"]
    assert {(r["objective"], r["credit_type"]): r["credits"] for r in credits["by_objective"]} == EXPECTED[
        "credits_by_objective"
    ]
    assert {(r["month"], r["credit_type"]): r["credits"] for r in credits["by_month"]} == EXPECTED["credits_by_month"]
    assert figures["activities_by_objective"] == EXPECTED["activities_by_objective"]
    support = figures["commercial_support"]
    assert {key: support[key] for key in EXPECTED["support"]} == EXPECTED["support"]
    assert [row["company"] for row in support["companies"]] == ["Northwind Pharmaceuticals", "@Contoso <Devices> & Co"]
    assert [(a["id"], a["physicians"], a["others"]) for a in figures["top_activities"]] == [
        (scenario.series.pk, 5, 1),
        (scenario.course.pk, 2, 1),
        (scenario.enduring.pk, 1, 1),
    ]
    assert [a["credits"] for a in figures["top_activities"]] == [Decimal("6.00"), Decimal("4.50"), Decimal("3.00")]


def test_drafts_and_activities_outside_the_period_are_not_counted(scenario):
    period = selectors.period_for(YEAR_FROM, YEAR_TO)

    counted = set(selectors.activities_in(period).values_list("pk", flat=True))

    assert counted == {scenario.course.pk, scenario.series.pk, scenario.enduring.pk}
    assert scenario.draft.pk not in selectors.learners_by_activity(period)
    assert scenario.later.pk not in selectors.hours_by_activity(period)


def test_hours_count_parallel_sessions_once_as_the_credit_rules_do(scenario):
    period = selectors.period_for(YEAR_FROM, YEAR_TO)

    hours = selectors.hours_by_activity(period)

    assert hours[scenario.course.pk]["hours"] == credit_hours_counting_parallel_once(scenario.course_sessions)
    assert hours[scenario.course.pk]["hours"] == Decimal("3.50")
    assert hours[scenario.series.pk]["hours"] == credit_hours_counting_parallel_once(scenario.series_sessions[1:])


def test_activity_summary_figures(scenario):
    figures = selectors.activity_summary_figures(activity_id=scenario.course.pk)

    assert [(s["attendance"], s["physicians"], s["others"]) for s in figures["sessions"]] == [(2, 2, 0), (1, 1, 0),
                                                                                              (1, 0, 1)]  # fmt: skip
    assert figures["hours"] == Decimal("3.50")
    assert figures["learners"] == {"physicians": 2, "others": 1, "individuals": 3}
    assert [(c["credit_type_id"], c["claims"], c["revoked"], c["credits"]) for c in figures["claims"]] == [
        ("ama-pra-1", 2, 1, Decimal("3.50")),
        ("participation", 1, 0, Decimal("1.00")),
    ]
    evaluation = figures["evaluation"]
    assert (evaluation["responses"], evaluation["mean_rating"], evaluation["bias"]) == (2, 4.0, 1)
    assert evaluation["ratings"] == {5: 1, 3: 1}
    assert [(o["objective_id"], o["answers"], o["met"]) for o in evaluation["objectives"]] == [
        ("clinical-decision-making", 2, 2),
        ("patient-management", 2, 1),
    ]
    assert evaluation["practice_changes"] == ["Screen for sepsis earlier."]
    assert [g["company"] for g in figures["commercial_support"]] == [
        "@Contoso <Devices> & Co",
        "Northwind Pharmaceuticals",
    ]
    [disclosure] = figures["disclosures"]
    assert disclosure["person"]["name"] == "Dr. Rahul Mehta"
    assert disclosure["relationships"][0]["mitigation"] == "Peer reviewed for fair balance."


def test_series_summary_counts_a_learner_once_per_session_attended(scenario):
    figures = selectors.activity_summary_figures(activity_id=scenario.series.pk)

    assert figures["learners"] == {"physicians": 6, "others": 1, "individuals": 3}


def test_enduring_summary_counts_the_learners_who_claimed(scenario):
    figures = selectors.activity_summary_figures(activity_id=scenario.enduring.pk)

    assert figures["sessions"] == []
    assert figures["hours"] == Decimal("1.50")
    assert figures["learners"] == {"physicians": 2, "others": 1}


def test_reports_visible_to_staff_are_their_own_and_accreditation_sees_all(scenario, staff, accreditor):
    other = staff_user()
    mine = Report.objects.create(kind="activity-summary", activity=scenario.course, requested_by=staff)
    theirs = Report.objects.create(kind="activity-summary", activity=scenario.course, requested_by=other)

    assert list(selectors.reports_visible_to(staff)) == [mine]
    assert list(selectors.reports_visible_to(accreditor)) == [theirs, mine]


# --- Against an independent count on seeded data ---------------------------------------------------------


def python_figures(date_from, date_to) -> dict:
    """The annual figures by plain Python over every row: no GROUP BY, no shared code with the selectors."""
    period = selectors.period_for(date_from, date_to)
    by_type = defaultdict(lambda: {"activities": 0, "hours": Decimal("0.00"), "physicians": 0, "others": 0})
    degree_of = {}
    sessions_of = defaultdict(list)
    for session in Session.objects.all():
        if period.start <= session.starts_at < period.end:
            sessions_of[session.activity_id].append(session)
    visits = defaultdict(list)
    for user_id, degree, activity_id, starts_at in Attendance.objects.values_list(
        "user_id", "user__degree", "session__activity_id", "session__starts_at"
    ):
        degree_of[user_id] = degree
        if period.start <= starts_at < period.end:
            visits[activity_id].append(user_id)
    claims = list(
        Claim.objects.values_list(
            "user_id", "user__degree", "activity_id", "kind", "credit_type_id", "credits", "credit_date",
            "certificate__status",
        )
    )  # fmt: skip
    enduring_learners = defaultdict(set)
    for user_id, degree, activity_id, kind, _, _, day, _ in claims:
        degree_of[user_id] = degree
        if kind == "learner" and date_from <= day <= date_to:
            enduring_learners[activity_id].add(user_id)
    individuals = set()
    for activity in Activity.objects.select_related("activity_type").exclude(status="draft"):
        code, live = activity.activity_type_id, activity.activity_type.live
        if live and not sessions_of[activity.pk]:
            continue
        if not live and not (activity.available_from <= date_to and activity.available_until >= date_from):
            continue
        row = by_type[code]
        row["activities"] += 1
        if live:
            row["hours"] += credit_hours_counting_parallel_once(sessions_of[activity.pk])
            learners = visits[activity.pk] if code == "rss" else set(visits[activity.pk])
        else:
            row["hours"] += activity.estimated_hours
            learners = enduring_learners[activity.pk]
        individuals |= set(learners)
        row["physicians"] += sum(1 for u in learners if degree_of[u] in PHYSICIAN_DEGREES)
        row["others"] += sum(1 for u in learners if degree_of[u] not in PHYSICIAN_DEGREES)
    awarded = defaultdict(Decimal)
    for _, _, _, _, credit_type, amount, day, status in claims:
        if status in ("pending", "ready", "failed") and date_from <= day <= date_to:
            awarded[credit_type] += amount
    return {
        "by_type": {code: dict(row) for code, row in by_type.items()},
        "awarded": dict(awarded),
        "physicians": sum(1 for u in individuals if degree_of[u] in PHYSICIAN_DEGREES),
    }


def seed(activities: int, attendance: int, learners: int = 300) -> None:
    call_command(
        "seed_scale", learners=learners, activities=activities, attendance=attendance, seed=7, stdout=io.StringIO()
    )


def test_annual_figures_equal_an_independent_count_of_seeded_rows():
    seed(activities=120, attendance=6000)
    today = timezone.localdate()
    date_from, date_to = today - timedelta(days=200), today

    figures = selectors.annual_report_figures(date_from=date_from, date_to=date_to)
    expected = python_figures(date_from, date_to)

    by_type = {
        code: {key: row[key] for key in ("activities", "hours", "physicians", "others")}
        for code, row in figures["by_activity_type"].items()
    }
    assert by_type == expected["by_type"]
    awarded = defaultdict(Decimal)
    for row in figures["credits"]["by_activity_type"]:
        awarded[row["credit_type"]] += row["credits"]
    assert dict(awarded) == expected["awarded"]
    assert figures["distinct_learners"]["physicians"] == expected["physicians"]
    assert sum(row["activities"] for row in by_type.values()) > 30


def count_queries(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        function(**kwargs)
    return len(queries)


def test_query_count_of_the_annual_report_is_the_same_for_10_and_1000_activities():
    today = timezone.localdate()
    period = {"date_from": today - timedelta(days=366), "date_to": today}
    seed(activities=10, attendance=500)
    small = count_queries(selectors.annual_report_figures, **period)

    call_command("seed_scale", learners=400, activities=1000, attendance=20000, reset=True, stdout=io.StringIO())
    large = count_queries(selectors.annual_report_figures, **period)

    assert Activity.objects.count() == 1000
    assert small == large
    assert large <= 20
