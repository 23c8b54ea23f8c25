from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from activities.demo import DEMO_ACCOUNTS, NO_OPEN_SESSION, demo_checkin_code, demo_data_load
from activities.models import (
    Activity,
    ActivityStatus,
    CommercialSupport,
    ContentPerson,
    ContentRole,
    CreditDesignation,
    Disclosure,
    FinancialRelationship,
    Mitigation,
    Objective,
    Provider,
    Session,
)
from activities.services import activity_disclosure_problems, activity_publication_problems
from activities.services.activities import NO_CREDITS, NO_SESSIONS
from activities.services.disclosures import NO_PEOPLE
from activities.timezones import today_in
from attendance.services import CHECKIN_OPENS_BEFORE

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Point-of-Care Ultrasound Workshop"
MODELS = (
    User, Activity, Session, CreditDesignation, ContentPerson, Disclosure, FinancialRelationship,
    ContentRole, Mitigation, CommercialSupport, Provider,
)  # fmt: skip


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def grand_rounds() -> Activity:
    return Activity.objects.get(title=f"Medicine Grand Rounds {timezone.localdate().year}")


def test_running_twice_creates_nothing_new():
    first = demo_data_load()
    counts = row_counts()

    second = demo_data_load()

    assert row_counts() == counts
    assert counts["Activity"] == 6
    assert counts["User"] == len(DEMO_ACCOUNTS)
    assert "6 activities created (0 already there)" in first
    assert "0 activities created (6 already there)" in second


def test_the_command_runs_twice():
    for _ in range(2):
        out = StringIO()
        call_command("demo_data", stdout=out)
        assert out.getvalue().startswith("Demo data ready: 4 demo accounts")
    assert Activity.objects.count() == 6


def test_the_provider_is_set():
    demo_data_load()

    provider = Provider.objects.get()
    assert provider.name == "Beacon Hill Academic Medical Center"
    assert provider.accreditation_statement == (
        "Beacon Hill Academic Medical Center is accredited by the Accreditation Council for Continuing Medical "
        "Education (ACCME) to provide continuing medical education for physicians."
    )
    assert (provider.director_name, provider.director_title) == (
        "Dr. Eleanor Park",
        "Associate Dean for Continuing Medical Education",
    )
    assert provider.public_base_url == settings.PUBLIC_BASE_URL


def test_the_catalog_covers_all_four_objectives():
    demo_data_load()

    covered = set(Objective.objects.filter(activities__isnull=False).values_list("slug", flat=True))
    assert covered == set(Objective.objects.values_list("slug", flat=True))
    assert len(covered) == 4


def test_todays_grand_rounds_session_is_open_for_check_in():
    demo_data_load()

    now = timezone.now()
    series = grand_rounds()
    open_now = [s for s in series.sessions.all() if s.starts_at - CHECKIN_OPENS_BEFORE <= now < s.ends_at]
    assert len(open_now) == 1
    assert open_now[0].credit_hours == Decimal("1.00")
    assert series.status == ActivityStatus.PUBLISHED
    assert activity_disclosure_problems(activity=series, day=today_in(series.time_zone)) == {}


def test_a_later_run_opens_a_session_again():
    """The run command prints an open check-in code: a demo loaded yesterday gets today's session."""
    demo_data_load()
    yesterday = grand_rounds().sessions.filter(title__startswith="Today")
    yesterday.update(starts_at=F("starts_at") - timedelta(days=1), ends_at=F("ends_at") - timedelta(days=1))
    assert demo_checkin_code() == NO_OPEN_SESSION

    demo_data_load()

    code = demo_checkin_code()
    assert code != NO_OPEN_SESSION
    assert grand_rounds().sessions.filter(checkin_code=code).exists()
    demo_data_load()
    assert grand_rounds().sessions.filter(title__startswith="Today").count() == 2  # one per day, not per run


def test_grand_rounds_meets_on_tuesdays_at_noon_for_sixteen_weeks():
    demo_data_load()

    series = grand_rounds()
    weekly = [s for s in series.sessions.all() if not s.title.startswith("Today")]
    local = [timezone.localtime(s.starts_at) for s in weekly]
    assert {(moment.weekday(), moment.hour, moment.minute) for moment in local} == {(1, 12, 0)}
    assert all(s.ends_at - s.starts_at == timedelta(hours=1) for s in weekly)
    assert min(local).date() < timezone.localdate() - timedelta(weeks=7)
    assert max(local).date() > timezone.localdate() + timedelta(weeks=7)
    assert series.activity_type_id == "rss"
    assert {d.credit_type_id: d.max_credits for d in series.designations.all()}["ama-pra-1"] == Decimal("1.00")


def test_the_two_day_course_and_the_online_module():
    demo_data_load()

    course = Activity.objects.get(title="Hospital Medicine Update: A Two-Day Intensive")
    assert [s.credit_hours for s in course.sessions.all()] == [Decimal("7.00"), Decimal("7.00")]
    assert [s.break_minutes for s in course.sessions.all()] == [60, 60]
    assert course.designations.get(credit_type="ama-pra-1").max_credits == Decimal("14.00")
    assert course.commercial_support.count() == 1

    module = Activity.objects.get(activity_type="internet-enduring")
    today = timezone.localdate()
    assert (module.available_from, module.available_until) == (today - timedelta(days=30), today + timedelta(days=365))
    assert (module.estimated_hours, module.post_test_passing_score) == (Decimal("1.50"), 80)
    assert list(module.renewal_topics.values_list("slug", flat=True)) == ["opioid-pain"]
    assert Activity.objects.filter(renewal_topics="risk-management").count() == 1


def test_the_draft_shows_what_publishing_needs_and_the_others_are_published():
    demo_data_load()

    draft = Activity.objects.get(title=DRAFT_TITLE)
    assert draft.status == ActivityStatus.DRAFT
    assert activity_publication_problems(draft) == {
        "credits": [NO_CREDITS],
        "sessions": [NO_SESSIONS],
        "disclosures": [NO_PEOPLE],
    }
    others = Activity.objects.exclude(pk=draft.pk)
    assert set(others.values_list("status", flat=True)) == {ActivityStatus.PUBLISHED}
    types = set(others.values_list("activity_type", flat=True))
    assert types == {"rss", "course", "internet-live", "internet-enduring"}


def test_relevant_relationships_are_mitigated():
    demo_data_load()

    assert FinancialRelationship.objects.count() == 3
    assert Mitigation.objects.filter(relevant=True, mitigation="").count() == 0
    assert Mitigation.objects.filter(relevant=False).count() == 1
