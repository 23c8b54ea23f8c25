"""Demo accounts and a realistic catalog for a newcomer's first run (idempotent).

Everything is made through the services, as staff would make it. Running it again creates nothing:
accounts are keyed on email, people on name, activities on title.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from accounts.roles import Role
from activities import services
from activities.models import (
    AMA_PRA_1,
    PARTICIPATION,
    Activity,
    ActivityType,
    ContentPerson,
    Objective,
    RenewalTopic,
    Session,
)
from activities.selectors import disclosure_in_force

# A demo password for a local demo database only; never used in production data.
DEMO_PASSWORD = "demo-cme-2026"  # noqa: S105
DEMO_ACCOUNTS = [
    ("clinician@demo.cme.test", "Maya", "Okafor", "MD", [Role.CLINICIAN]),
    ("nurse@demo.cme.test", "Lukas", "Brandt", "NP", [Role.CLINICIAN]),
    ("staff@demo.cme.test", "Sofia", "Reyes", "other", [Role.CLINICIAN, Role.CME_STAFF]),
    ("accreditation@demo.cme.test", "Henry", "Walsh", "PhD", [Role.CLINICIAN, Role.ACCREDITATION]),
]
STAFF_EMAIL = "staff@demo.cme.test"

PROVIDER_NAME = "Beacon Hill Academic Medical Center"
PROVIDER = {
    "name": PROVIDER_NAME,
    "accreditation_statement": (
        f"{PROVIDER_NAME} is accredited by the Accreditation Council for Continuing Medical Education "
        "(ACCME) to provide continuing medical education for physicians."
    ),
    "director_name": "Dr. Eleanor Park",
    "director_title": "Associate Dean for Continuing Medical Education",
    "time_zone": "America/New_York",
}

# People in control of content: (name, degree, email, financial relationships of the past 24 months).
# The companies are invented for the demo.
DEMO_PEOPLE = [
    ("Dr. Eleanor Park", "MD", "eleanor.park@demo.cme.test", []),
    ("Dr. Rahul Mehta", "MD", "rahul.mehta@demo.cme.test", [("Northwind Pharmaceuticals", "consultant")]),
    (
        "Dr. Grace Adeyemi",
        "DO",
        "grace.adeyemi@demo.cme.test",
        [("Fabrikam Biologics", "researcher"), ("Contoso Medical Devices", "speaker")],
    ),
    ("Dr. Samuel Cohen", "MD", "samuel.cohen@demo.cme.test", []),
    ("Karen Liu", "PharmD", "karen.liu@demo.cme.test", []),
]
MITIGATION = "Content peer reviewed by the planning committee for fair balance; recommendations cite the evidence."
GRAND_ROUNDS_TOPICS = [
    "Sepsis bundles revisited",
    "Heart failure with preserved ejection fraction",
    "Anticoagulation in the elderly",
    "Diabetes technology in the hospital",
    "Acute kidney injury: prevention first",
    "Antimicrobial stewardship on the wards",
    "Hyponatremia, step by step",
    "Delirium prevention",
]
NOON, ONE_PM = time(12, 0), time(13, 0)


@dataclass(frozen=True)
class DemoContext:
    staff: User
    people: dict[str, ContentPerson]
    now: datetime
    today: date
    zone: ZoneInfo


def demo_data_load() -> str:
    """Demo accounts, the provider, people with disclosures and a catalog; returns a summary."""
    users = [_demo_user(*account) for account in DEMO_ACCOUNTS]
    provider = _demo_provider()
    zone = ZoneInfo(provider.time_zone)
    now = timezone.now()
    today = now.astimezone(zone).date()
    context = DemoContext(
        staff=User.objects.get(email__iexact=STAFF_EMAIL),
        people={name: _demo_person(today, name, degree, email, ties) for name, degree, email, ties in DEMO_PEOPLE},
        now=now,
        today=today,
        zone=zone,
    )
    created = present = 0
    for title, build in _catalog(context):
        if Activity.objects.filter(title=title).exists():
            present += 1
            continue
        with transaction.atomic():
            build(context, title)
        created += 1
    if present:
        _keep_a_session_open(context)
    return (
        f"{len(users)} demo accounts, provider {provider.name}, {created} activities created ({present} already there)"
    )


def _demo_user(email, first_name, last_name, degree, roles) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name, degree=degree
        )
    for role in roles:
        account_services.role_grant(user=user, role=role)
    return user


def _demo_provider():
    provider = services.provider_current()
    wanted = {**PROVIDER, "public_base_url": settings.PUBLIC_BASE_URL}
    if any(getattr(provider, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(provider, name, value)
        provider.full_clean()
        provider.save()
    return provider


def _demo_person(today: date, name: str, degree: str, email: str, ties: list[tuple[str, str]]) -> ContentPerson:
    """The person, with a disclosure signed six weeks ago unless one is already in force."""
    person = ContentPerson.objects.filter(name=name).first()
    if person is None:
        person = services.content_person_create(name=name, email=email, degree=degree)
    if disclosure_in_force(person.disclosures.all(), today) is None:
        services.disclosure_record(
            person=person,
            signed_on=today - timedelta(weeks=6),
            relationships=[{"company": company, "nature": nature} for company, nature in ties],
        )
    return person


def _catalog(context: DemoContext) -> list[tuple[str, Callable[[DemoContext, str], None]]]:
    return [
        (f"Medicine Grand Rounds {context.today.year}", _grand_rounds),
        ("Hospital Medicine Update: A Two-Day Intensive", _two_day_course),
        ("Webinar: What the New Hypertension Guidelines Mean for Primary Care", _webinar),
        ("Safer Opioid Prescribing and Pain Management (online module)", _online_module),
        ("Communication and Resolution after Adverse Events", _risk_course),
        ("Point-of-Care Ultrasound Workshop", _draft_workshop),
    ]


# --- Building blocks -----------------------------------------------------------------------------


def _activity(context, *, title, type_code, objectives, credits=None, topics=(), **fields) -> Activity:
    """A draft with the same maximum for AMA PRA Category 1 and participation (none if `credits` is None)."""
    designations = [
        {"credit_type": slug, "max_credits": Decimal(credits)} for slug in (AMA_PRA_1, PARTICIPATION) if credits
    ]
    return services.activity_create(
        created_by=context.staff,
        title=title,
        activity_type=ActivityType.objects.get(code=type_code),
        objectives=list(Objective.objects.filter(slug__in=objectives)),
        renewal_topics=list(RenewalTopic.objects.filter(slug__in=topics)),
        credits=designations,
        time_zone=context.zone.key,
        **fields,
    )


def _session(context, activity, day: date, starts: time, ends: time, *, break_minutes=0, title=""):
    services.session_create(
        activity=activity,
        created_by=context.staff,
        starts_at=datetime.combine(day, starts, tzinfo=context.zone),
        ends_at=datetime.combine(day, ends, tzinfo=context.zone),
        break_minutes=break_minutes,
        title=title,
    )


def _disclose(context, activity, roles: list[tuple[str, str]], *, not_relevant=()) -> None:
    """Put people in their roles and record staff's decision on each relationship they disclosed."""
    for name, role in roles:
        person = context.people[name]
        disclosure = disclosure_in_force(person.disclosures.prefetch_related("relationships"), context.today)
        decisions = [
            {"relationship": tie.pk, "relevant": False}
            if tie.company in not_relevant
            else {"relationship": tie.pk, "relevant": True, "mitigation": MITIGATION}
            for tie in disclosure.relationships.all()
        ]
        services.activity_disclosure_add(
            activity=activity,
            added_by=context.staff,
            role=role,
            day=context.today,
            person=person,
            mitigations=decisions,
        )


def _publish(context, activity) -> None:
    services.activity_publish(activity=activity, published_by=context.staff)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


# --- The catalog ----------------------------------------------------------------------------------


def _grand_rounds(context: DemoContext, title: str) -> None:
    """Weekly, Tuesdays at noon, 8 weeks back to 8 weeks ahead, and one session starting in ten minutes."""
    activity = _activity(
        context,
        title=title,
        type_code="rss",
        objectives=["clinical-decision-making", "new-findings"],
        credits="1.00",
        location="Riverside Auditorium, Beacon Hill Academic Medical Center",
        description="The department of medicine's weekly grand rounds: one topic, one hour, questions from the floor.",
    )
    this_tuesday = context.today - timedelta(days=(context.today.weekday() - 1) % 7)
    for week in range(-8, 9):
        day = this_tuesday + timedelta(weeks=week)
        if day != context.today:  # today's meeting is the one below
            topic = GRAND_ROUNDS_TOPICS[week % len(GRAND_ROUNDS_TOPICS)]
            _session(context, activity, day, NOON, ONE_PM, title=topic)
    _today_session(context, activity)
    _disclose(context, activity, [("Dr. Eleanor Park", "planner"), ("Dr. Rahul Mehta", "faculty")])
    _publish(context, activity)


def _today_session(context: DemoContext, activity: Activity) -> None:
    """A session starting in ten minutes: check-in opens 30 minutes before, so it is open right away."""
    starts_at = (context.now + timedelta(minutes=10)).replace(second=0, microsecond=0)
    services.session_create(
        activity=activity,
        created_by=context.staff,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        title="Today: Managing hypertension in pregnancy (check in now)",
    )


def _keep_a_session_open(context: DemoContext) -> None:
    """On a later run of the demo loader, the grand rounds gets a session open now if none is."""
    if demo_checkin_code() != NO_OPEN_SESSION:
        return
    activity = Activity.objects.filter(title__startswith="Medicine Grand Rounds ", activity_type_id="rss").first()
    if activity is None:
        return
    try:
        with transaction.atomic():
            _today_session(context, activity)
    except ValidationError:
        return  # the series refuses another session (closed, say): the banner says none is open


def _two_day_course(context: DemoContext, title: str) -> None:
    """Thursday and Friday early next month, 9:00 to 17:00 with an hour for lunch: 14 credits."""
    first_of_next_month = (context.today.replace(day=1) + timedelta(days=32)).replace(day=1)
    thursday = _weekday_on_or_after(first_of_next_month, 3)
    activity = _activity(
        context,
        title=title,
        type_code="course",
        objectives=["patient-management", "clinical-decision-making"],
        credits="14.00",
        location="Kessler Conference Center, Boston, MA",
        description="Two days of case-based updates for hospitalists, with hands-on ultrasound stations.",
        claim_deadline=thursday + timedelta(days=60),
    )
    for day in (thursday, thursday + timedelta(days=1)):
        _session(context, activity, day, time(9, 0), time(17, 0), break_minutes=60, title=f"Day {day:%A}")
    _disclose(
        context,
        activity,
        [
            ("Dr. Eleanor Park", "planner"),
            ("Dr. Grace Adeyemi", "faculty"),
            ("Dr. Samuel Cohen", "faculty"),
            ("Karen Liu", "reviewer"),
        ],
    )
    services.commercial_support_add(
        activity=activity,
        company="Contoso Medical Devices",
        amount=Decimal("12000.00"),
        in_kind="Two point-of-care ultrasound units for the hands-on stations",
    )
    _publish(context, activity)


def _webinar(context: DemoContext, title: str) -> None:
    """An internet live course next Wednesday evening, 90 minutes."""
    wednesday = _weekday_on_or_after(context.today + timedelta(days=7), 2)
    activity = _activity(
        context,
        title=title,
        type_code="internet-live",
        objectives=["new-findings", "clinical-decision-making"],
        credits="1.50",
        location="Internet",
        description="A live webinar on the new guideline's thresholds and what changes in the clinic.",
    )
    _session(context, activity, wednesday, time(18, 0), time(19, 30))
    _disclose(
        context,
        activity,
        [("Dr. Samuel Cohen", "planner"), ("Dr. Grace Adeyemi", "faculty")],
        not_relevant=("Contoso Medical Devices",),
    )
    _publish(context, activity)


def _online_module(context: DemoContext, title: str) -> None:
    """Internet enduring material, available a year, with a post-test; counts toward opioid education."""
    activity = _activity(
        context,
        title=title,
        type_code="internet-enduring",
        objectives=["patient-management", "health-policy"],
        credits="1.50",
        topics=["opioid-pain"],
        location="Internet",
        description="Self-paced cases on assessing pain, tapering, naloxone and the Massachusetts prescribing rules.",
        available_from=context.today - timedelta(days=30),
        available_until=context.today + timedelta(days=365),
        estimated_hours=Decimal("1.50"),
        post_test_passing_score=80,
    )
    _disclose(context, activity, [("Karen Liu", "planner"), ("Dr. Rahul Mehta", "faculty")])
    _publish(context, activity)


def _risk_course(context: DemoContext, title: str) -> None:
    """A half-day course in three weeks that counts toward the risk-management requirement."""
    day = _weekday_on_or_after(context.today + timedelta(weeks=3), 4)
    activity = _activity(
        context,
        title=title,
        type_code="course",
        objectives=["health-policy", "patient-management"],
        credits="3.75",
        topics=["risk-management"],
        location="Beacon Hill Academic Medical Center, Room 4B",
        description="Disclosure, apology and resolution after harm: the CANDOR approach, with simulated conversations.",
    )
    _session(context, activity, day, time(8, 0), time(12, 0), break_minutes=15)
    _disclose(context, activity, [("Dr. Eleanor Park", "planner"), ("Dr. Samuel Cohen", "faculty")])
    _publish(context, activity)


def _draft_workshop(context: DemoContext, title: str) -> None:
    """Still being planned: no credit, no sessions, no faculty yet (staff see what publishing needs)."""
    _activity(
        context,
        title=title,
        type_code="course",
        objectives=["clinical-decision-making"],
        location="Simulation Center, Level 2",
        description="Hands-on image acquisition for hospitalists. Planning in progress.",
    )


NO_OPEN_SESSION = "(none open right now)"


def demo_checkin_code() -> str:
    """The code of the demo session whose check-in window is open now (for the run command's banner)."""
    from attendance.services import CHECKIN_OPENS_BEFORE

    now = timezone.now()
    session = (
        Session.objects.filter(starts_at__lte=now + CHECKIN_OPENS_BEFORE, ends_at__gte=now)
        .exclude(activity__status="draft")
        .order_by("starts_at")
        .first()
    )
    return session.checkin_code if session else NO_OPEN_SESSION
