"""factory_boy factories whose values agree with each other and with the domain rules."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Degree, User
from accounts.roles import Role

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    degree = Degree.MD
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        for role in extracted if extracted is not None else [Role.CLINICIAN]:
            self.groups.add(Group.objects.get(name=role))


def staff_user(**kwargs) -> User:
    return UserFactory(roles=[Role.CLINICIAN, Role.CME_STAFF], **kwargs)


def accreditation_user(**kwargs) -> User:
    return UserFactory(roles=[Role.CLINICIAN, Role.ACCREDITATION], **kwargs)


def hours_from_now(hours: float):
    return timezone.now() + timedelta(hours=hours)


QUARTER = Decimal("0.25")


# --- Catalog --------------------------------------------------------------------------------------


def make_activity(
    *,
    staff=None,
    activity_type: str = "course",
    objectives=("clinical-decision-making",),
    credits=(("ama-pra-1", "2.00"), ("participation", "2.00")),
    **fields,
):
    """A draft activity made through the service, as staff would."""
    from activities.models import ActivityType, Objective
    from activities.services import activity_create

    fields.setdefault("title", "Sepsis update")
    fields.setdefault("location", "Boston, MA")
    return activity_create(
        created_by=staff,
        activity_type=ActivityType.objects.get(code=activity_type),
        objectives=list(Objective.objects.filter(slug__in=objectives)),
        credits=[{"credit_type": slug, "max_credits": Decimal(amount)} for slug, amount in credits],
        **fields,
    )


def make_session(activity, *, starts_in_hours: float = 24, minutes: int = 120, staff=None, **fields):
    from activities.services import session_create

    starts_at = hours_from_now(starts_in_hours)
    return session_create(
        activity=activity,
        created_by=staff,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **fields,
    )


def make_disclosed_person(activity, *, name: str = "Dr. Faculty Member", role: str = "faculty", relationships=()):
    """A person in control of content with a disclosure valid today and every relationship mitigated."""
    from activities.services import activity_disclosure_add

    today = timezone.localdate()
    return activity_disclosure_add(
        activity=activity,
        added_by=None,
        role=role,
        day=today,
        name=name,
        disclosure={
            "signed_on": today - timedelta(days=30),
            "relationships": [{"company": company, "nature": nature} for company, nature in relationships],
        },
        mitigations=[
            {"company": company, "relevant": True, "mitigation": "Content peer reviewed for bias."}
            for company, _ in relationships
        ],
    )


def make_published_activity(*, sessions: int = 1, starts_in_hours: float = 24, minutes: int = 120, **kwargs):
    """A live activity with sessions and complete disclosures, published."""
    from activities.credits import quarter_hours_from_seconds
    from activities.services import activity_publish

    hours = f"{quarter_hours_from_seconds(minutes * 60) * sessions:.2f}"
    kwargs.setdefault("credits", (("ama-pra-1", hours), ("participation", hours)))
    activity = make_activity(**kwargs)
    for index in range(sessions):
        make_session(activity, starts_in_hours=starts_in_hours + 24 * index, minutes=minutes)
    make_disclosed_person(activity)
    return activity_publish(activity=activity, published_by=None)


def make_enduring_activity(*, publish: bool = True, **kwargs):
    from activities.services import activity_publish

    today = timezone.localdate()
    kwargs.setdefault("credits", (("ama-pra-1", "1.50"), ("participation", "1.50")))
    activity = make_activity(
        activity_type="internet-enduring",
        available_from=kwargs.pop("available_from", today - timedelta(days=10)),
        available_until=kwargs.pop("available_until", today + timedelta(days=355)),
        estimated_hours=kwargs.pop("estimated_hours", Decimal("1.50")),
        location="Internet",
        **kwargs,
    )
    make_disclosed_person(activity, role="planner")
    return activity_publish(activity=activity, published_by=None) if publish else activity


def attend(user, activity, *sessions):
    """The learner attended these sessions (all of the activity's by default), marked by staff."""
    from attendance.models import Attendance

    for session in sessions or activity.sessions.all():
        Attendance.objects.get_or_create(user=user, session=session, defaults={"method": "staff"})


def evaluate(user, activity, *, rating: int = 5):
    """The learner's evaluation: every objective met, no commercial bias."""
    from attendance.services import evaluation_submit

    return evaluation_submit(
        user=user,
        activity=activity,
        overall_rating=rating,
        objectives_met={objective.slug: True for objective in activity.objectives.all()},
        commercial_bias=False,
    )


def make_claim(user, *, credit_type: str | None = None, credits: str = "1.00", activity=None, **activity_kwargs):
    """A learner who attended and evaluated a published activity, with an accepted claim."""
    from claims.services import claim_submit

    activity = activity or make_published_activity(**activity_kwargs)
    attend(user, activity)
    if activity.evaluation_required:
        evaluate(user, activity, rating=4)
    credit_type = credit_type or ("ama-pra-1" if user.is_physician else "participation")
    return claim_submit(user=user, activity=activity, credit_type=credit_type, credits=Decimal(credits))
