"""Report figures on a randomized (seeded) year, computed independently by plain Python and read back from the PDFs.

The dataset: two courses (one with a parallel track), a regularly scheduled series with a session in
the previous year, an internet enduring activity available across the new year, a draft; random
learners of every degree, random attendance, claims in every certificate status (and a faculty claim),
evaluations and commercial support. `independent_*` below read the ORM rows and count in Python only:
no GROUP BY and no code shared with reports.selectors.
"""

import random
import secrets
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from statistics import mean

import pytest
from django.utils import timezone

from accounts.models import PHYSICIAN_DEGREES
from activities.credits import credit_hours_counting_parallel_once
from activities.models import Activity, CommercialSupport, Objective, Session
from activities.services import commercial_support_add
from activities.timezones import local_date, zone
from attendance.models import Attendance, Evaluation, ObjectiveAnswer
from certificates.models import Certificate
from claims.models import Claim
from reports import documents, selectors
from reports.documents.formatting import count, credits, money, share
from tests.factories import UserFactory, make_activity
from tests.reports.conftest import YEAR_FROM, YEAR_TO, add_session, attend, award, evaluate, set_status
from tests.reports.test_pdf import cells_after, pdf_lines

pytestmark = pytest.mark.django_db

SEED = 20250
AWARDED = ("pending", "ready", "failed")
DEGREES = ("MD", "DO", "MBBS", "NP", "PA", "RN", "PharmD", "PhD", "other")
COMPANIES = ("Northwind Pharmaceuticals", "Contoso Devices", "Fabrikam Biologics")
CHANGES = ("Screen earlier.", "Use the new checklist.", "Refer sooner.", "")


def quarter(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    """A random multiple of 0.25 between low and high (both included)."""
    steps = int((high - low) * 4)
    return low + Decimal(rng.randint(0, steps)) / 4


def faculty_award(user, session, credits_: str) -> None:
    claim = Claim.objects.create(
        user=user, activity=session.activity, credit_type_id="ama-pra-1", credits=Decimal(credits_),
        credit_date=local_date(session.starts_at, session.activity.time_zone), kind="faculty", session=session,
    )  # fmt: skip
    Certificate.objects.create(
        claim=claim, status="ready", verification_code=secrets.token_hex(8).upper(), number=f"CME-{claim.pk:08d}",
        issued_at=timezone.now(), snapshot={}, pdf="certificates/test.pdf",
    )  # fmt: skip


def random_learning(rng, users, activity, sessions) -> None:
    """Attendance, claims in every status and evaluations for one live activity."""
    attended = defaultdict(list)
    for session in sessions:
        for user in users:
            if rng.random() < 0.5:
                attend(user, session)
                attended[user].append(session)
    designated = dict(activity.designations.values_list("credit_type_id", "max_credits"))
    objectives = list(activity.objectives.values_list("slug", flat=True))
    for user, visits in attended.items():
        if rng.random() < 0.8:
            credit_type = "ama-pra-1" if user.degree in PHYSICIAN_DEGREES else "participation"
            hours = min(credit_hours_counting_parallel_once(visits), designated[credit_type])
            day = local_date(max(s.starts_at for s in visits), activity.time_zone)
            status = rng.choice(("ready", "ready", "pending", "failed", "revoked"))
            award(user, activity, credit_type, str(quarter(rng, Decimal("0.25"), hours)), day, status=status)
        if rng.random() < 0.7:
            met = {slug: rng.random() < 0.7 for slug in objectives}
            evaluate(user, activity, rng.randint(1, 5), met, rng.random() < 0.25, rng.choice(CHANGES))


@pytest.fixture
def random_year(db):
    rng = random.Random(SEED)
    users = [UserFactory(degree=degree) for degree in DEGREES] + [
        UserFactory(degree=rng.choice(DEGREES)) for _ in range(9)
    ]
    course = make_activity(
        title="Random sepsis course", objectives=("clinical-decision-making", "patient-management"),
        credits=(("ama-pra-1", "3.50"), ("participation", "3.50")),
    )  # fmt: skip
    course_sessions = [
        add_session(course, date(2025, 3, 10), 8, 120),
        add_session(course, date(2025, 3, 10), 10, 90, group="track", minute=30),
        add_session(course, date(2025, 3, 10), 10, 60, group="track", minute=30),
    ]
    set_status(course, "published")
    random_learning(rng, users, course, course_sessions)
    faculty_award(users[0], course_sessions[0], "4.00")

    update = make_activity(
        title="Random stroke update", objectives=("new-findings",),
        credits=(("ama-pra-1", "2.00"), ("participation", "2.00")),
    )  # fmt: skip
    update_sessions = [add_session(update, date(2025, 6, day), 9, 60) for day in (4, 11)]
    set_status(update, "closed")
    random_learning(rng, users, update, update_sessions)

    series = make_activity(
        title="Random grand rounds", activity_type="rss", objectives=("new-findings", "health-policy"),
        credits=(("ama-pra-1", "5.00"), ("participation", "5.00")),
    )  # fmt: skip
    series_sessions = [add_session(series, date(2024, 12, 20), 12, 60)] + [
        add_session(series, date(2025, month, 7), 12, 60) for month in (1, 2, 4, 9)
    ]
    set_status(series, "published")
    random_learning(rng, users, series, series_sessions)

    enduring = make_activity(
        title="Random opioid module", activity_type="internet-enduring",
        objectives=("health-policy", "clinical-decision-making"),
        credits=(("ama-pra-1", "1.50"), ("participation", "1.50")), available_from=date(2024, 11, 1),
        available_until=date(2025, 6, 30), estimated_hours=Decimal("1.50"), location="Internet",
    )  # fmt: skip
    set_status(enduring, "published")
    for user in users:
        if rng.random() < 0.6:
            credit_type = "ama-pra-1" if user.degree in PHYSICIAN_DEGREES else "participation"
            day = date(2024, 11, 15 + rng.randint(0, 10)) if rng.random() < 0.2 else date(2025, rng.randint(1, 6), 5)
            award(user, enduring, credit_type, str(quarter(rng, Decimal("0.25"), Decimal("1.50"))), day,
                  status=rng.choice(("ready", "pending", "revoked")))  # fmt: skip
            if rng.random() < 0.7:
                met = {"health-policy": rng.random() < 0.5, "clinical-decision-making": rng.random() < 0.8}
                evaluate(user, enduring, rng.randint(1, 5), met, rng.random() < 0.2, rng.choice(CHANGES))

    draft = make_activity(title="Random draft", objectives=("patient-management",))
    draft_session = add_session(draft, date(2025, 5, 5), 9, 60)
    for user in users[:5]:
        attend(user, draft_session)

    for activity, company in ((course, 0), (course, 1), (series, 0), (update, 2)):
        commercial_support_add(
            activity=activity, company=COMPANIES[company], amount=Decimal(rng.randint(1, 40) * 250),
            in_kind="Simulation lab" if rng.random() < 0.5 else "",
        )  # fmt: skip
    return {"course": course, "update": update, "series": series, "enduring": enduring, "draft": draft}


# --- The independent count ----------------------------------------------------------------------------


def counted_activities(date_from: date, date_to: date) -> list[Activity]:
    period = selectors.period_for(date_from, date_to)
    counted = []
    for activity in Activity.objects.select_related("activity_type").prefetch_related("objectives", "sessions"):
        if activity.status == "draft":
            continue
        if activity.activity_type.live:
            if any(period.start <= s.starts_at < period.end for s in activity.sessions.all()):
                counted.append(activity)
        elif activity.available_from <= date_to and activity.available_until >= date_from:
            counted.append(activity)
    return counted


def is_physician(user_id: int, degrees: dict[int, str]) -> bool:
    return degrees[user_id] in PHYSICIAN_DEGREES


def independent_annual(date_from: date, date_to: date) -> dict:
    """Annual figures by plain Python over every row."""
    period = selectors.period_for(date_from, date_to)
    activities = counted_activities(date_from, date_to)
    degrees = dict(UserFactory._meta.model.objects.values_list("id", "degree"))
    claims = list(
        Claim.objects.values_list("user_id", "activity_id", "kind", "credit_type_id", "credits", "credit_date",
                                  "certificate__status")
    )  # fmt: skip
    awarded = [c for c in claims if c[6] in AWARDED and date_from <= c[5] <= date_to]
    visits = defaultdict(list)
    for user_id, activity_id, starts_at in Attendance.objects.values_list(
        "user_id", "session__activity_id", "session__starts_at"
    ):
        if period.start <= starts_at < period.end:
            visits[activity_id].append(user_id)

    learners, credits_of, individuals = {}, defaultdict(Decimal), set()
    for claim in awarded:
        credits_of[claim[1]] += claim[4]
    for activity in activities:
        if activity.activity_type.live:
            people = visits[activity.pk] if activity.activity_type_id == "rss" else set(visits[activity.pk])
        else:
            people = {u for u, a, kind, _, _, day, _ in claims if a == activity.pk and kind == "learner"
                      and date_from <= day <= date_to}  # fmt: skip
        individuals |= set(people)
        learners[activity.pk] = (
            sum(1 for u in people if is_physician(u, degrees)),
            sum(1 for u in people if not is_physician(u, degrees)),
        )

    every_activity = Activity.objects.prefetch_related("objectives")
    objectives_of = {a.pk: [o.slug for o in a.objectives.all()] for a in every_activity}
    by_objective, by_month = defaultdict(Decimal), defaultdict(Decimal)
    for _, activity_id, _, credit_type, amount, day, _ in awarded:
        for slug in objectives_of[activity_id]:
            by_objective[(slug, credit_type)] += amount
        by_month[(day.replace(day=1), credit_type)] += amount

    counted_ids = {a.pk for a in activities}
    grants = [g for g in CommercialSupport.objects.all() if g.activity_id in counted_ids]
    companies = defaultdict(lambda: {"activities": set(), "grants": 0, "amount": Decimal("0"), "in_kind": 0})
    for grant in grants:
        row = companies[grant.company]
        row["activities"].add(grant.activity_id)
        row["grants"] += 1
        row["amount"] += grant.amount
        row["in_kind"] += bool(grant.in_kind)

    ranked = sorted(learners, key=lambda pk: (-sum(learners[pk]), pk))
    hours = {}
    for activity in activities:
        if activity.activity_type.live:
            in_period = [s for s in activity.sessions.all() if period.start <= s.starts_at < period.end]
            hours[activity.pk] = credit_hours_counting_parallel_once(in_period)
        else:
            hours[activity.pk] = activity.estimated_hours
    return {
        "activities": {a.pk: a for a in activities},
        "activities_by_objective": Counter(slug for a in activities for slug in objectives_of[a.pk]),
        "by_objective": dict(by_objective),
        "by_month": dict(by_month),
        "support": {
            "grants": len(grants),
            "activities": len({g.activity_id for g in grants}),
            "amount": sum((g.amount for g in grants), Decimal("0")),
            "in_kind": sum(1 for g in grants if g.in_kind),
            "companies": {name: {**row, "activities": len(row["activities"])} for name, row in companies.items()},
        },
        "top": [(pk, *learners[pk], hours[pk], credits_of[pk]) for pk in ranked if sum(learners[pk])],
        "distinct": {
            "physicians": sum(1 for u in individuals if is_physician(u, degrees)),
            "others": sum(1 for u in individuals if not is_physician(u, degrees)),
        },
    }


def independent_summary(activity: Activity) -> dict:
    """One activity's summary figures by plain Python over its rows."""
    degrees = dict(UserFactory._meta.model.objects.values_list("id", "degree"))
    attendance = list(Attendance.objects.filter(session__activity=activity).values_list("session_id", "user_id"))
    sessions = []
    for session in Session.objects.filter(activity=activity).order_by("starts_at", "id"):
        people = [u for s, u in attendance if s == session.pk]
        physicians = sum(1 for u in people if is_physician(u, degrees))
        sessions.append((len(people), physicians, len(people) - physicians))
    claims = list(
        Claim.objects.filter(activity=activity).values_list("user_id", "kind", "credit_type_id", "credits",
                                                             "certificate__status")
    )  # fmt: skip
    if not activity.activity_type.live:
        people = {u for u, kind, *_ in claims if kind == "learner"}
    elif activity.activity_type_id == "rss":
        people = [u for _, u in attendance]
    else:
        people = {u for _, u in attendance}
    by_credit_type = defaultdict(lambda: [0, 0, 0, Decimal("0.00")])
    for _, kind, credit_type, amount, status in claims:
        row = by_credit_type[credit_type]
        row[0] += 1
        row[1] += kind == "faculty"
        row[2] += status == "revoked"
        row[3] += amount if status in AWARDED else 0
    evaluations = list(Evaluation.objects.filter(activity=activity).order_by("created_at", "id"))
    answers = defaultdict(list)
    for slug, met in ObjectiveAnswer.objects.filter(evaluation__activity=activity).values_list("objective_id", "met"):
        answers[slug].append(met)
    return {
        "sessions": sessions,
        "physicians": sum(1 for u in people if is_physician(u, degrees)),
        "others": sum(1 for u in people if not is_physician(u, degrees)),
        "claims": {ct: tuple(row) for ct, row in by_credit_type.items()},
        "responses": len(evaluations),
        "mean_rating": mean(e.overall_rating for e in evaluations) if evaluations else None,
        "bias": sum(1 for e in evaluations if e.commercial_bias),
        "objectives": {slug: (len(values), sum(values)) for slug, values in answers.items()},
        "changes": [e.practice_change for e in evaluations if e.practice_change],
    }


# --- The selectors equal the independent count ------------------------------------------------------


def test_the_random_year_exercises_every_figure(random_year):
    expected = independent_annual(YEAR_FROM, YEAR_TO)

    assert len(expected["activities"]) == 4
    assert all(expected["by_month"].values()) and len(expected["by_month"]) >= 4
    assert expected["distinct"]["physicians"] and expected["distinct"]["others"]
    assert Claim.objects.filter(certificate__status="revoked").exists()
    summary = independent_summary(random_year["course"])
    assert summary["responses"] and summary["bias"] and summary["changes"]


def test_annual_figures_equal_the_independent_count(random_year):
    figures = selectors.annual_report_figures(date_from=YEAR_FROM, date_to=YEAR_TO)
    expected = independent_annual(YEAR_FROM, YEAR_TO)

    credits_ = figures["credits"]
    assert {(r["objective"], r["credit_type"]): r["credits"] for r in credits_["by_objective"]} == expected[
        "by_objective"
    ]
    assert {(r["month"], r["credit_type"]): r["credits"] for r in credits_["by_month"]} == expected["by_month"]
    assert figures["activities_by_objective"] == dict(expected["activities_by_objective"])
    support = figures["commercial_support"]
    assert {k: support[k] for k in ("grants", "activities", "amount", "in_kind")} == {
        k: expected["support"][k] for k in ("grants", "activities", "amount", "in_kind")
    }
    assert {c["company"]: {k: c[k] for k in ("activities", "grants", "amount", "in_kind")} for c in
            support["companies"]} == expected["support"]["companies"]  # fmt: skip
    assert [(a["id"], a["physicians"], a["others"], a["hours"], a["credits"]) for a in figures["top_activities"]] == [
        (pk, p, o, h, c) for pk, p, o, h, c in expected["top"]
    ]
    assert figures["distinct_learners"] == expected["distinct"]


@pytest.mark.parametrize("name", ["course", "update", "series", "enduring"])
def test_activity_summary_figures_equal_the_independent_count(random_year, name):
    activity = random_year[name]
    figures = selectors.activity_summary_figures(activity_id=activity.pk)
    expected = independent_summary(activity)

    assert [(s["attendance"], s["physicians"], s["others"]) for s in figures["sessions"]] == expected["sessions"]
    assert (figures["learners"]["physicians"], figures["learners"]["others"]) == (
        expected["physicians"],
        expected["others"],
    )
    assert {c["credit_type_id"]: (c["claims"], c["faculty"], c["revoked"], c["credits"] or Decimal("0.00"))
            for c in figures["claims"]} == expected["claims"]  # fmt: skip
    evaluation = figures["evaluation"]
    assert (evaluation["responses"], evaluation["bias"]) == (expected["responses"], expected["bias"])
    assert evaluation["mean_rating"] == pytest.approx(expected["mean_rating"])
    assert {o["objective_id"]: (o["answers"], o["met"]) for o in evaluation["objectives"]} == expected["objectives"]
    assert evaluation["practice_changes"] == expected["changes"]


# --- The PDFs print the independent count ---------------------------------------------------------------


def objective_names() -> dict[str, str]:
    return dict(Objective.objects.values_list("slug", "name"))


def test_annual_report_pdf_prints_the_independent_count(random_year):
    expected = independent_annual(YEAR_FROM, YEAR_TO)
    lines = pdf_lines(documents.annual_report_pdf(date_from=YEAR_FROM, date_to=YEAR_TO))

    table = lines.index("Objective category")
    for slug, name in objective_names().items():
        ama, other = (expected["by_objective"].get((slug, ct), Decimal("0")) for ct in ("ama-pra-1", "participation"))
        assert cells_after(lines, name, 4, table) == [
            count(expected["activities_by_objective"][slug]), credits(ama), credits(other), credits(ama + other),
        ]  # fmt: skip
    month_table = lines.index("Month")
    for month in sorted({m for m, _ in expected["by_month"]}):
        ama, other = (expected["by_month"].get((month, ct), Decimal("0")) for ct in ("ama-pra-1", "participation"))
        assert cells_after(lines, f"{month:%B %Y}", 3, month_table) == [credits(ama), credits(other),
                                                                        credits(ama + other)]  # fmt: skip
    support = expected["support"]
    assert cells_after(lines, "Monetary support", 1) == [money(support["amount"])]
    assert cells_after(lines, "Activities with commercial support", 1) == [count(support["activities"])]
    company_table = lines.index("Company")
    for company, row in support["companies"].items():
        assert cells_after(lines, company, 4, company_table) == [
            count(row["activities"]), count(row["grants"]), money(row["amount"]), count(row["in_kind"]),
        ]  # fmt: skip
    top_table = lines.index("Activity ID")
    for rank, (pk, physicians, others, hours, awarded) in enumerate(expected["top"], start=1):
        activity = expected["activities"][pk]
        assert cells_after(lines, activity.provider_activity_id, 6, top_table) == [
            activity.title, activity.activity_type.pars_code, credits(hours), count(physicians), count(others),
            credits(awarded),
        ]  # fmt: skip
        assert lines[lines.index(activity.provider_activity_id, top_table) - 1] == str(rank)
    assert cells_after(lines, "Distinct physicians", 1) == [count(expected["distinct"]["physicians"])]
    assert cells_after(lines, "Distinct other learners", 1) == [count(expected["distinct"]["others"])]


def session_rows(lines: list[str], activity: Activity) -> list[list[str]]:
    """Attendance, physicians and others of each session row, read in order (a title may wrap)."""
    index, rows = lines.index("Sessions and attendance"), []
    for session in activity.sessions.order_by("starts_at", "id"):
        start, end = (moment.astimezone(zone(activity.time_zone)) for moment in (session.starts_at, session.ends_at))
        index = lines.index(f"{start:%H:%M}\u2013{end:%H:%M}", index + 1)
        index = lines.index(credits(session.credit_hours), index + 1)
        rows.append(lines[index + 1 : index + 4])
    return rows


@pytest.mark.parametrize("name", ["course", "series", "enduring"])
def test_activity_summary_pdf_prints_the_independent_count(random_year, name):
    activity = random_year[name]
    expected = independent_summary(activity)
    lines = pdf_lines(documents.activity_summary_pdf(activity_id=activity.pk))

    if activity.activity_type.live:
        assert session_rows(lines, activity) == [[count(a), count(p), count(o)] for a, p, o in expected["sessions"]]
    learners = lines.index("Learners")
    assert cells_after(lines, "Physician learners", 1, learners) == [count(expected["physicians"])]
    assert cells_after(lines, "Other learners", 1, learners) == [count(expected["others"])]
    claims_table = lines.index("Claims and credits by credit type")
    names = {"ama-pra-1": "AMA PRA Category 1 Credit™", "participation": "Certificate of participation"}
    for credit_type, (claims, faculty, revoked, awarded) in expected["claims"].items():
        assert cells_after(lines, names[credit_type], 5, claims_table)[1:] == [
            count(claims), count(faculty), count(revoked), credits(awarded),
        ]  # fmt: skip
    responses = expected["responses"]
    assert cells_after(lines, "Responses", 1) == [count(responses)]
    assert cells_after(lines, "Mean overall rating", 1) == [f"{expected['mean_rating']:.2f} of 5"]
    assert cells_after(lines, "Perceived commercial bias", 1) == [
        f"{count(expected['bias'])} ({share(expected['bias'], responses)})"
    ]
    objectives_table = lines.index("Objective category")
    for slug, (answers, met) in expected["objectives"].items():
        assert cells_after(lines, objective_names()[slug], 3, objectives_table) == [
            count(answers), count(met), share(met, answers),
        ]  # fmt: skip
    for change in set(expected["changes"]):
        assert f"“{change}”" in lines
    assert sum(1 for line in lines if line.startswith("“")) == len(expected["changes"])


def chart_labels(lines: list[str], after: str, first_category: str, start: int = 0) -> list[str]:
    """The bar labels of a chart: pypdf reads them first, between what precedes the chart and its categories."""
    start = lines.index(after, start) + 1
    return lines[start : lines.index(first_category, start)]


def test_bar_charts_print_the_independent_values_over_their_bars(random_year):
    expected = independent_annual(YEAR_FROM, YEAR_TO)
    lines = pdf_lines(documents.annual_report_pdf(date_from=YEAR_FROM, date_to=YEAR_TO))
    slugs = list(objective_names())
    credit_types = ("ama-pra-1", "participation")

    # Activities by objective category: one bar per category, its count printed over it.
    assert chart_labels(lines, "Activities and credits by objective category", "Improve clinical") == [
        count(expected["activities_by_objective"][slug]) for slug in slugs if expected["activities_by_objective"][slug]
    ]
    # Credits by objective: a series per credit type, each bar labelled with its credits (empty bars unlabelled).
    by_objective = [expected["by_objective"].get((slug, ct)) for ct in credit_types for slug in slugs]
    legend = lines.index("Activities, by objective category")  # the first chart's title, then its legend
    assert chart_labels(lines, "Activities", "Improve clinical", legend) == [credits(v) for v in by_objective if v]
    months = [date(2025, month, 1) for month in range(1, 13)]
    by_month = [expected["by_month"].get((month, ct)) for ct in credit_types for month in months]
    assert chart_labels(lines, "Credits awarded by month", "Jan") == [credits(v) for v in by_month if v]
