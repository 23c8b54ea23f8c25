"""Writes for accounts: registration, profile changes, tokens and roles."""

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.roles import Role

EMAIL_TAKEN = "An account with this email address already exists."
NAME_FIELDS = ("first_name", "last_name")
PROFILE_FIELDS = ("first_name", "last_name", "degree", "npi", "specialty", "license_state", "license_expires")


def user_register(*, email: str, password: str, first_name: str, last_name: str, degree: str, **profile) -> User:
    """Create a learner account. Every registered user holds the clinician role."""
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": EMAIL_TAKEN}, code="unique")
    user = User(email=email, first_name=first_name, last_name=last_name, degree=degree, **profile)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
            user.groups.add(Group.objects.get(name=Role.CLINICIAN))
    except IntegrityError as error:  # two registrations of one address at the same moment
        raise ValidationError({"email": EMAIL_TAKEN}, code="unique") from error
    return user


@transaction.atomic
def user_profile_update(*, user: User, changed_by: User | None = None, **changes) -> User:
    """Update the learner's own profile. A name change issues new versions of their certificates."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here."))
    user = User.objects.select_for_update().get(pk=user.pk)
    name_changed = any(name in changes and changes[name] != getattr(user, name) for name in NAME_FIELDS)
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    if name_changed:
        from certificates.services import certificates_reissue_for_name_change

        certificates_reissue_for_name_change(user=user, requested_by=changed_by or user)
    return user


def auth_token_issue(*, user: User) -> Token:
    """The user's API token, created on first sign-in and reused until logout."""
    token, _ = Token.objects.get_or_create(user=user)
    return token


def auth_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


ADMIN_ROLES = (Role.CME_STAFF, Role.ACCREDITATION)


def _role_group(role: str) -> Group:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."})
    return Group.objects.get(name=role)


@transaction.atomic
def role_grant(*, user: User, role: str) -> None:
    """Give a role. Staff and accreditation also get the admin site (their group permissions apply)."""
    user.groups.add(_role_group(role))
    if role in ADMIN_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_revoke(*, user: User, role: str) -> None:
    user.groups.remove(_role_group(role))
    keeps_admin = user.is_superuser or user.groups.filter(name__in=ADMIN_ROLES).exists()
    if user.is_staff and not keeps_admin:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
