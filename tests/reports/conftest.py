"""A small year of CME whose every report figure is worked out by hand in EXPECTED.

Period: calendar year 2025 (America/New_York). Three activities count in it:
  A  course, 3 sessions on 2025-03-10, two of them parallel ("track"): 2.00 + max(1.50, 1.00) = 3.50 hours
  B  regularly scheduled series, 1-hour sessions on 2024-12-20 (outside), 2025-01-03, -10, -17
  C  internet enduring material, available 2024-11-01 to 2025-06-30, 1.50 hours
and two do not: D (a draft with a session in 2025) and E (a course in 2026).
Learners: p1 (MD), p2 (DO), p3 (MBBS) are physicians; n1 (NP) and n2 (RN) are other learners.
"""

import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from activities.models import Activity, Session
from activities.services import activity_disclosure_add, commercial_support_add, session_create
from attendance.models import Attendance, Evaluation, ObjectiveAnswer
from certificates.models import Certificate
from claims.models import Claim
from tests.factories import UserFactory, make_activity

NEW_YORK = ZoneInfo("America/New_York")
YEAR_FROM, YEAR_TO = date(2025, 1, 1), date(2025, 12, 31)
ENDURING_TITLE = "=cmd|' /C calc'!A0 Opioid prescribing module"
FORMULA_COMPANY = "@Contoso <Devices> & Co"

EXPECTED = {
    "activities_by_type": {"course": 1, "rss": 1, "internet-enduring": 1},
    "hours_by_type": {"course": Decimal("3.50"), "rss": Decimal("3.00"), "internet-enduring": Decimal("1.50")},
    "sessions_by_type": {"course": 3, "rss": 3},
    "learners_by_type": {"course": (2, 1), "rss": (5, 1), "internet-enduring": (1, 1)},
    "distinct": {"physicians": 3, "others": 2},
    "credits_by_credit_type": {"ama-pra-1": Decimal("11.00"), "participation": Decimal("2.50")},
    "claims_by_credit_type": {"ama-pra-1": 4, "participation": 2},
    "credits_by_activity_type": {
        "course": Decimal("4.50"), "rss": Decimal("6.00"), "internet-enduring": Decimal("3.00"),
    },
    "credits_by_objective": {
        ("clinical-decision-making", "ama-pra-1"): Decimal("5.00"),
        ("clinical-decision-making", "participation"): Decimal("2.50"),
        ("patient-management", "ama-pra-1"): Decimal("3.50"),
        ("patient-management", "participation"): Decimal("1.00"),
        ("new-findings", "ama-pra-1"): Decimal("6.00"),
        ("health-policy", "ama-pra-1"): Decimal("1.50"),
        ("health-policy", "participation"): Decimal("1.50"),
    },
    "activities_by_objective": {"clinical-decision-making": 2, "patient-management": 1, "new-findings": 1,
                                "health-policy": 1},
    "credits_by_month": {
        (date(2025, 1, 1), "ama-pra-1"): Decimal("6.00"),
        (date(2025, 2, 1), "ama-pra-1"): Decimal("1.50"),
        (date(2025, 2, 1), "participation"): Decimal("1.50"),
        (date(2025, 3, 1), "ama-pra-1"): Decimal("3.50"),
        (date(2025, 3, 1), "participation"): Decimal("1.00"),
    },
    "support": {"grants": 2, "activities": 1, "amount": Decimal("7500.00"), "in_kind": 1},
}  # fmt: skip


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


def add_session(activity, day: date, hour: int, minutes: int, group: str = "", minute: int = 0) -> Session:
    starts_at = at(day, hour, minute)
    return session_create(
        activity=activity,
        created_by=None,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        parallel_group=group,
        title=f"Session {day} {hour}:{minute:02d}",
    )


def attend(user, *sessions) -> None:
    for session in sessions:
        Attendance.objects.create(user=user, session=session, method="staff", checked_in_at=session.starts_at)


def award(user, activity, credit_type: str, credits: str, day: date, status: str = "ready") -> Claim:
    """A claim with its certificate, written directly (the claim rules are tested in tests/claims)."""
    claim = Claim.objects.create(
        user=user,
        activity=activity,
        credit_type_id=credit_type,
        credits=Decimal(credits),
        credit_date=day,
        attested_completed=not activity.activity_type.live,
    )
    Certificate.objects.create(
        claim=claim,
        status=status,
        verification_code=secrets.token_hex(8).upper(),
        number=f"CME-{claim.pk:08d}",
        issued_at=timezone.now(),
        snapshot={},
        pdf="" if status in ("pending", "failed") else "certificates/test.pdf",
    )
    return claim


def evaluate(user, activity, rating: int, met: dict[str, bool], bias: bool, change: str = "") -> Evaluation:
    evaluation = Evaluation.objects.create(
        user=user, activity=activity, overall_rating=rating, commercial_bias=bias, practice_change=change
    )
    ObjectiveAnswer.objects.bulk_create(
        ObjectiveAnswer(evaluation=evaluation, objective_id=slug, met=value) for slug, value in met.items()
    )
    return evaluation


def set_status(activity, status: str) -> None:
    Activity.objects.filter(pk=activity.pk).update(status=status)
    activity.refresh_from_db()


@pytest.fixture
def scenario(db):
    p1 = UserFactory(degree="MD", first_name="Ada", last_name="Lovelace")
    p2 = UserFactory(degree="DO")
    p3 = UserFactory(degree="MBBS")
    n1 = UserFactory(degree="NP")
    n2 = UserFactory(degree="RN")

    course = make_activity(
        title="Sepsis <update> & what's new",
        objectives=("clinical-decision-making", "patient-management"),
        credits=(("ama-pra-1", "3.50"), ("participation", "3.50")),
        competencies=["patient-care", "medical-knowledge"],
        designed_to_change_performance=True,
        jointly_provided=True,
        joint_provider_name="Massachusetts Medical Society",
    )
    a1 = add_session(course, date(2025, 3, 10), 8, 120)
    a2 = add_session(course, date(2025, 3, 10), 10, 90, group="track", minute=30)
    a3 = add_session(course, date(2025, 3, 10), 10, 60, group="track", minute=30)
    set_status(course, "published")
    attend(p1, a1, a2)
    attend(p2, a1)
    attend(n1, a3)
    award(p1, course, "ama-pra-1", "3.50", date(2025, 3, 10))
    award(p2, course, "ama-pra-1", "2.00", date(2025, 3, 10), status="revoked")
    award(n1, course, "participation", "1.00", date(2025, 3, 10), status="pending")
    commercial_support_add(activity=course, company="Northwind Pharmaceuticals", amount=Decimal("5000.00"),
                           in_kind="Simulation lab")  # fmt: skip
    commercial_support_add(activity=course, company=FORMULA_COMPANY, amount=Decimal("2500.00"))
    activity_disclosure_add(
        activity=course,
        added_by=None,
        role="faculty",
        day=date(2025, 3, 1),
        name="Dr. Rahul Mehta",
        disclosure={"signed_on": date(2025, 2, 1), "relationships": [{"company": "Northwind", "nature": "consultant"}]},
        mitigations=[{"company": "Northwind", "relevant": True, "mitigation": "Peer reviewed for fair balance."}],
    )
    evaluate(p1, course, 5, {"clinical-decision-making": True, "patient-management": True}, False,
             "Screen for sepsis earlier.")  # fmt: skip
    evaluate(n1, course, 3, {"clinical-decision-making": True, "patient-management": False}, True)

    series = make_activity(
        title="Medicine Grand Rounds 2025",
        activity_type="rss",
        objectives=("new-findings",),
        credits=(("ama-pra-1", "4.00"), ("participation", "4.00")),
    )
    b0 = add_session(series, date(2024, 12, 20), 12, 60)
    b1, b2, b3 = (add_session(series, date(2025, 1, day), 12, 60) for day in (3, 10, 17))
    set_status(series, "closed")
    attend(p1, b0, b1, b2, b3)
    attend(p3, b1, b2)
    attend(n2, b3)
    award(p1, series, "ama-pra-1", "4.00", date(2025, 1, 17))
    award(p3, series, "ama-pra-1", "2.00", date(2025, 1, 10), status="pending")

    enduring = make_activity(
        title=ENDURING_TITLE,
        activity_type="internet-enduring",
        objectives=("health-policy", "clinical-decision-making"),
        credits=(("ama-pra-1", "1.50"), ("participation", "1.50")),
        available_from=date(2024, 11, 1),
        available_until=date(2025, 6, 30),
        estimated_hours=Decimal("1.50"),
        location="Internet",
    )
    set_status(enduring, "published")
    award(p2, enduring, "ama-pra-1", "1.50", date(2025, 2, 1))
    award(n2, enduring, "participation", "1.50", date(2025, 2, 2))
    award(p3, enduring, "ama-pra-1", "1.50", date(2024, 12, 15))

    draft = make_activity(title="Draft course")
    attend(p1, add_session(draft, date(2025, 5, 5), 9, 60))
    later = make_activity(title="Course of 2026")
    attend(p1, add_session(later, date(2026, 2, 1), 9, 60))
    set_status(later, "published")

    return SimpleNamespace(
        p1=p1, p2=p2, p3=p3, n1=n1, n2=n2, course=course, series=series, enduring=enduring, draft=draft,
        later=later, course_sessions=(a1, a2, a3), series_sessions=(b0, b1, b2, b3),
    )  # fmt: skip
