from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from activities.credits import validate_credit_amount, validate_credit_hours
from activities.timezones import DATE_OUT_OF_RANGE, date_in_range, validate_time_zone
from cme.models import TimeStampedModel


def quarter_multiple(field: str) -> Exact:
    """Database check: the decimal in `field` is a multiple of 0.25 (DOMAIN.md: credits)."""
    return Exact(Mod(F(field) * 4, 1), 0)


# --- The provider ----------------------------------------------------------------------------


SIGNATURE_MAX_BYTES = 1024 * 1024


def validate_signature_size(image) -> None:
    """The signature is printed on every certificate: a scan of a signature is a few tens of kB."""
    if image.size > SIGNATURE_MAX_BYTES:
        raise ValidationError("The signature image must be at most 1 MB.", code="too_large")


class Provider(models.Model):
    """The one accredited provider of this deployment (row 1), edited by staff in the admin."""

    name = models.CharField(max_length=200)
    accreditation_statement = models.TextField()
    director_name = models.CharField("CME director's name", max_length=150)
    director_title = models.CharField("CME director's title", max_length=200)
    director_signature = models.ImageField(
        "CME director's signature image",
        upload_to="provider/",
        blank=True,
        max_length=300,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"]), validate_signature_size],
        help_text="A PNG or JPEG of at most 1 MB, printed on every certificate.",
    )
    public_base_url = models.URLField(
        max_length=200, help_text="Where learners and boards reach the service; used in verification links."
    )
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="provider_singleton")]

    def __str__(self):
        return self.name


# --- Reference data (rows from data migrations) -----------------------------------------------


class Objective(models.Model):
    """One of the CME office's four learning-objective categories."""

    slug = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=120)
    description = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name


class ActivityType(models.Model):
    """An ACCME/PARS activity type. Live types have sessions; the others an availability window."""

    code = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=120)
    pars_code = models.CharField("PARS code", max_length=10)
    live = models.BooleanField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name

    @property
    def is_series(self) -> bool:
        return self.code == REGULARLY_SCHEDULED_SERIES


REGULARLY_SCHEDULED_SERIES = "rss"


class CreditType(models.Model):
    slug = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=120)
    physicians_only = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name


AMA_PRA_1 = "ama-pra-1"
PARTICIPATION = "participation"


class RenewalTopic(models.Model):
    """A license-renewal topic an activity may carry (e.g. risk management, implicit bias)."""

    slug = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name


# --- Activities --------------------------------------------------------------------------------


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class Competency(models.TextChoices):
    """ABMS/ACGME competencies reported to PARS."""

    PATIENT_CARE = "patient-care", "Patient care and procedural skills"
    MEDICAL_KNOWLEDGE = "medical-knowledge", "Medical knowledge"
    PRACTICE_BASED_LEARNING = "practice-based-learning", "Practice-based learning and improvement"
    COMMUNICATION = "interpersonal-communication", "Interpersonal and communication skills"
    PROFESSIONALISM = "professionalism", "Professionalism"
    SYSTEMS_BASED_PRACTICE = "systems-based-practice", "Systems-based practice"


class Activity(TimeStampedModel):
    """An accredited activity: a course, a series, a webinar, an enduring module..."""

    provider_activity_id = models.CharField(
        "provider activity id",
        max_length=30,
        unique=True,
        help_text="The stable id reported to PARS; it never changes once exported.",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="activities")
    objectives = models.ManyToManyField(Objective, related_name="activities")
    renewal_topics = models.ManyToManyField(RenewalTopic, related_name="activities", blank=True)
    location = models.CharField(max_length=200, blank=True, help_text='A place, or "Internet".')
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    status = models.CharField(max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    claim_deadline = models.DateField(null=True, blank=True)
    evaluation_required = models.BooleanField(default=True)
    # Enduring (self-paced) activities
    available_from = models.DateField(null=True, blank=True)
    available_until = models.DateField(null=True, blank=True)
    estimated_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_credit_hours],
        help_text="The time most physicians need to complete it; it sets the maximum credit.",
    )
    post_test_passing_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # PARS outcome fields
    designed_to_change_competence = models.BooleanField(default=True)
    designed_to_change_performance = models.BooleanField(default=False)
    designed_to_change_patient_outcomes = models.BooleanField(default=False)
    evaluated_competence = models.BooleanField(default=True)
    evaluated_performance = models.BooleanField(default=False)
    evaluated_patient_outcomes = models.BooleanField(default=False)
    competencies = models.JSONField(default=list, blank=True)
    jointly_provided = models.BooleanField(default=False)
    joint_provider_name = models.CharField(max_length=200, blank=True)
    # Denormalised from sessions (live) or the availability window (enduring) for ordering and filters.
    starts_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    previous_activity = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rollovers"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    pars_exported_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "activities"
        ordering = [F("starts_at").asc(nulls_last=True), "id"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActivityStatus.values), name="activity_status_valid"),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="activity_availability_ordered",
            ),
            models.CheckConstraint(
                condition=Q(post_test_passing_score__isnull=True) | Q(post_test_passing_score__lte=100),
                name="activity_passing_score_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_live(self) -> bool:
        return self.activity_type.live


class Session(TimeStampedModel):
    """One meeting of a live activity, with its credit hours and its check-in code."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=300, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    break_minutes = models.PositiveIntegerField(default=0)
    credit_hours = models.DecimalField(max_digits=5, decimal_places=2, validators=[validate_credit_hours])
    parallel_group = models.CharField(
        max_length=40,
        blank=True,
        help_text="Sessions sharing a label run in parallel and count once toward the activity's maximum.",
    )
    checkin_code = models.CharField(max_length=6, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "id"]
        # Per activity (its sessions) and by time alone (reports of a period, check-in windows).
        indexes = [models.Index(fields=["activity", "starts_at"]), models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(credit_hours__gte=0), name="session_credit_hours_nonnegative"),
            models.CheckConstraint(condition=quarter_multiple("credit_hours"), name="session_credit_hours_quarter"),
        ]

    def __str__(self):
        return self.title or f"{self.activity.title} ({self.starts_at:%Y-%m-%d %H:%M})"


class CreditDesignation(TimeStampedModel):
    """The maximum credit of one type an activity offers, designated in advance."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="designations")
    credit_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, related_name="+")
    max_credits = models.DecimalField(max_digits=5, decimal_places=2, validators=[validate_credit_amount])

    history = HistoricalRecords()

    class Meta:
        ordering = ["credit_type__position"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "credit_type"], name="designation_unique_per_type"),
            models.CheckConstraint(condition=Q(max_credits__gt=0), name="designation_positive"),
            models.CheckConstraint(condition=quarter_multiple("max_credits"), name="designation_quarter"),
        ]

    def __str__(self):
        return f"{self.max_credits} {self.credit_type}"


# --- Disclosures (ACCME Standards for Integrity and Independence, standard 3) --------------------


class ContentPerson(TimeStampedModel):
    """Someone in control of content: a planner, faculty member or reviewer (often not a user)."""

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    degree = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="content_roles"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "person in control of content"
        verbose_name_plural = "people in control of content"

    def __str__(self):
        return self.name


DISCLOSURE_VALID_MONTHS = 12
SIGNED_IN_FUTURE = "A disclosure cannot be signed in the future."


def validate_signed_on(value: date) -> None:
    """A disclosure is signed on a real past or present day (in the provider's zone), never 9999."""
    from activities.services.provider import provider_current
    from activities.timezones import today_in

    if not date_in_range(value):
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")
    if value > today_in(provider_current().time_zone):
        raise ValidationError(SIGNED_IN_FUTURE, code="signed_in_future")


class Disclosure(TimeStampedModel):
    """A signed disclosure, valid twelve months and reused across the person's activities."""

    person = models.ForeignKey(ContentPerson, on_delete=models.CASCADE, related_name="disclosures")
    signed_on = models.DateField(validators=[validate_signed_on])
    expires_on = models.DateField(db_index=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__gt=F("signed_on")), name="disclosure_expires_after_signing")
        ]

    def __str__(self):
        return f"{self.person} ({self.signed_on})"

    def is_valid_on(self, day: date) -> bool:
        return self.signed_on <= day < self.expires_on


class RelationshipNature(models.TextChoices):
    EMPLOYEE = "employee", "Employee"
    RESEARCHER = "researcher", "Researcher"
    CONSULTANT = "consultant", "Consultant"
    ADVISOR = "advisor", "Advisor"
    SPEAKER = "speaker", "Speaker"
    ROYALTIES = "royalties", "Royalties or patent beneficiary"
    OWNERSHIP = "ownership", "Ownership interest"
    GRANTS = "grants", "Grant recipient"
    OTHER = "other", "Other"


class FinancialRelationship(models.Model):
    """A financial relationship with an ineligible company in the 24 months before signing."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="relationships")
    company = models.CharField(max_length=200)
    nature = models.CharField(max_length=20, choices=RelationshipNature.choices)

    class Meta:
        ordering = ["company", "id"]

    def __str__(self):
        return f"{self.company} ({self.get_nature_display()})"


class ContentRoleKind(models.TextChoices):
    PLANNER = "planner", "Planner"
    FACULTY = "faculty", "Faculty"
    REVIEWER = "reviewer", "Reviewer"


class ContentRole(TimeStampedModel):
    """A person's role in control of an activity's content."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="content_roles")
    person = models.ForeignKey(ContentPerson, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(max_length=10, choices=ContentRoleKind.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["person__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person", "role"], name="content_role_unique"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class Mitigation(TimeStampedModel):
    """Staff's decision on one relationship for one activity: relevant or not, and how it was mitigated."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="mitigations")
    relationship = models.ForeignKey(FinancialRelationship, on_delete=models.CASCADE, related_name="mitigations")
    relevant = models.BooleanField()
    mitigation = models.TextField(blank=True, help_text="How a relevant relationship was mitigated.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "relationship"], name="mitigation_unique"),
            models.CheckConstraint(
                condition=Q(relevant=False) | ~Q(mitigation=""), name="mitigation_required_when_relevant"
            ),
        ]


class CommercialSupport(TimeStampedModel):
    """A grant from an ineligible company: money and/or in-kind support."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="commercial_support")
    company = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    in_kind = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["company", "id"]
        verbose_name_plural = "commercial support"
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="support_amount_nonnegative")]

    def __str__(self):
        return f"{self.company}: {self.amount}"
