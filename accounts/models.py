from functools import cached_property

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.roles import ALL_ROLES, Role
from accounts.validators import validate_npi


class Degree(models.TextChoices):
    MD = "MD", "MD"
    DO = "DO", "DO"
    MBBS = "MBBS", "MBBS or another international medical degree"
    PHD = "PhD", "PhD"
    NP = "NP", "NP"
    PA = "PA", "PA"
    RN = "RN", "RN"
    PHARMD = "PharmD", "PharmD"
    OTHER = "other", "Other"


# Only physicians may claim AMA PRA Category 1 Credit (DOMAIN.md, Credit types).
PHYSICIAN_DEGREES = frozenset({Degree.MD, Degree.DO, Degree.MBBS})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Email is the login and is case-insensitive.
        return self.get(email__iexact=username)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: every one is a clinician; some are also staff or accreditation."""

    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    degree = models.CharField(max_length=10, choices=Degree.choices, default=Degree.OTHER)
    npi = models.CharField("NPI", max_length=10, blank=True, validators=[validate_npi])
    specialty = models.CharField(max_length=120, blank=True)
    license_state = models.CharField(max_length=2, blank=True, help_text="Two-letter state code, e.g. MA.")
    license_expires = models.DateField(null=True, blank=True)
    is_staff = models.BooleanField("admin site access", default=False, help_text="Can sign in to the Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(condition=models.Q(degree__in=Degree.values), name="user_degree_valid"),
        ]
        ordering = ["last_name", "first_name", "id"]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.first_name

    @property
    def is_physician(self) -> bool:
        return self.degree in PHYSICIAN_DEGREES

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        if self.is_superuser:
            return frozenset(ALL_ROLES)
        names = {group.name for group in self.groups.all()}
        return frozenset(names & set(ALL_ROLES))

    def has_role(self, *roles: Role | str) -> bool:
        return any(role in self.roles for role in roles)
