from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from activities.models import quarter_multiple
from cme.models import TimeStampedModel


class ClaimKind(models.TextChoices):
    LEARNER = "learner", "Learner credit"
    FACULTY = "faculty", "Faculty credit"


class Claim(TimeStampedModel):
    """A credit claim: learner credit (one per learner and activity) or faculty credit per session."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="claims")
    credit_type = models.ForeignKey("activities.CreditType", on_delete=models.PROTECT, related_name="+")
    credits = models.DecimalField(max_digits=5, decimal_places=2)
    kind = models.CharField(max_length=10, choices=ClaimKind.choices, default=ClaimKind.LEARNER)
    session = models.ForeignKey(
        "activities.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="faculty_claims",
        help_text="The session presented, for faculty credit.",
    )
    credit_date = models.DateField(
        db_index=True, help_text="When the credit was earned, in the activity's time zone (transcripts, reports)."
    )
    attested_completed = models.BooleanField(default=False)
    post_test_score = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity"], condition=Q(kind="learner"), name="claim_once_per_learner_activity"
            ),
            models.UniqueConstraint(
                fields=["user", "session"], condition=Q(kind="faculty"), name="faculty_claim_once_per_session"
            ),
            models.CheckConstraint(condition=Q(credits__gt=0), name="claim_credits_positive"),
            models.CheckConstraint(condition=quarter_multiple("credits"), name="claim_credits_quarter"),
            models.CheckConstraint(
                condition=Q(kind="learner", session__isnull=True) | Q(kind="faculty", session__isnull=False),
                name="claim_session_only_for_faculty",
            ),
            models.CheckConstraint(
                condition=Q(post_test_score__isnull=True) | Q(post_test_score__lte=100),
                name="claim_post_test_score_range",
            ),
        ]
        indexes = [models.Index(fields=["activity", "credit_type"])]

    def __str__(self):
        return f"{self.credits} {self.credit_type_id} for {self.user_id} on {self.activity_id}"


class LateClaimException(TimeStampedModel):
    """Staff allow one learner to claim after the activity's claim deadline, until `expires`."""

    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="late_claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="late_claims")
    reason = models.TextField()
    expires = models.DateField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["activity", "user", "expires"])]

    def __str__(self):
        return f"Late claim for {self.user_id} on {self.activity_id} until {self.expires}"
