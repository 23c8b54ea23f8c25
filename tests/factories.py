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
