"""Query counts that do not grow: an activity summary with 2 or 20 people, sessions and learners; PARS with 2 or 20
activities (marking them exported and reading their rows)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.services import activity_disclosure_add, commercial_support_add
from reports import pars, selectors
from tests.factories import UserFactory, make_activity
from tests.reports.conftest import add_session, attend, award, evaluate, set_status

pytestmark = pytest.mark.django_db


def summary_activity(size: int, year: int):
    """A course with `size` people in control of content, sessions, learners (claims, evaluations) and grants."""
    activity = make_activity(
        title=f"Course of {size}",
        objectives=("clinical-decision-making", "patient-management"),
        credits=(("ama-pra-1", "1.00"), ("participation", "1.00")),
    )
    for i in range(size):
        activity_disclosure_add(
            activity=activity,
            added_by=None,
            role="faculty",
            day=date(year, 1, 1),
            name=f"Dr. Person {size}-{i}",
            disclosure={
                "signed_on": date(year - 1, 12, 1),
                "relationships": [{"company": f"Company {i}", "nature": "consultant"}],
            },
            mitigations=[{"company": f"Company {i}", "relevant": True, "mitigation": "Peer reviewed."}],
        )
    sessions = [add_session(activity, date(year, 3, 1 + i % 28), 8 + i // 28, 60) for i in range(size)]
    set_status(activity, "published")
    for i in range(size):
        learner = UserFactory(degree="MD" if i % 2 else "NP")
        attend(learner, *dict.fromkeys((sessions[i], sessions[0])))
        credit_type = "ama-pra-1" if i % 2 else "participation"
        award(learner, activity, credit_type, "1.00", date(year, 3, 1), status="revoked" if i % 5 == 0 else "ready")
        evaluate(learner, activity, 1 + i % 5, {"clinical-decision-making": True, "patient-management": i % 3 == 0},
                 i % 4 == 0, f"Change {i}")  # fmt: skip
        commercial_support_add(activity=activity, company=f"Company {i}", amount=Decimal(100 * (i + 1)))
    return activity


def queries(function, **kwargs) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = function(**kwargs)
    return len(captured), result


def test_activity_summary_queries_do_not_grow_with_people_sessions_or_learners():
    small, large = summary_activity(2, 2023), summary_activity(20, 2024)
    selectors.activity_summary_figures(activity_id=small.pk)  # the provider row, once

    small_count, small_figures = queries(selectors.activity_summary_figures, activity_id=small.pk)
    large_count, large_figures = queries(selectors.activity_summary_figures, activity_id=large.pk)

    assert (len(small_figures["disclosures"]), len(large_figures["disclosures"])) == (2, 20)
    assert (len(small_figures["sessions"]), len(large_figures["sessions"])) == (2, 20)
    assert len(large_figures["evaluation"]["practice_changes"]) == 20
    assert all(entry["relationships"][0]["mitigation"] == "Peer reviewed." for entry in large_figures["disclosures"])
    assert small_count == large_count
    assert large_count <= 20


def pars_year(size: int, year: int) -> None:
    for i in range(size):
        activity = make_activity(title=f"Activity {year}-{i}", objectives=("new-findings",))
        attend(UserFactory(degree="MD"), add_session(activity, date(year, 1 + i % 12, 10), 9, 60))
        commercial_support_add(activity=activity, company=f"Company {i}", amount=Decimal("500.00"))
        set_status(activity, "published")


def test_pars_export_queries_do_not_grow_with_activities(staff):
    pars_year(2, 2023)
    pars_year(20, 2024)
    small_year = {"date_from": date(2023, 1, 1), "date_to": date(2023, 12, 31)}
    large_year = {"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)}
    pars.pars_activities_mark_exported(date_from=date(2022, 1, 1), date_to=date(2022, 12, 31), exported_by=staff)

    mark = pars.pars_activities_mark_exported
    marks = [queries(mark, **year, exported_by=staff) for year in (small_year, large_year)]

    assert [marked for _, marked in marks] == [2, 20]
    assert marks[0][0] == marks[1][0]
    rows = []
    for year in (small_year, large_year):
        with CaptureQueriesContext(connection) as captured:
            _, iterator = pars.pars_activity_rows(**year)
            rows.append((len(captured), sum(1 for _ in iterator)))
    assert [count for _, count in rows] == [2, 20]
    assert rows[0][0] == rows[1][0]
