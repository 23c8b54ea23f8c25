from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cme.models import TimeStampedModel


class CheckInMethod(models.TextChoices):
    CODE = "code", "Check-in code"
    STAFF = "staff", "Marked by staff"
    IMPORT = "import", "Roster import"


class Attendance(TimeStampedModel):
    """A learner attended a session: who, which session, when and how."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances")
    session = models.ForeignKey("activities.Session", on_delete=models.PROTECT, related_name="attendances")
    method = models.CharField(max_length=10, choices=CheckInMethod.choices)
    checked_in_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "attendance"
        ordering = ["session_id", "checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="attendance_once_per_session"),
            models.CheckConstraint(condition=Q(method__in=CheckInMethod.values), name="attendance_method_valid"),
        ]
        indexes = [models.Index(fields=["session", "checked_in_at"])]

    def __str__(self):
        return f"{self.user} at {self.session}"


class Evaluation(TimeStampedModel):
    """One learner's evaluation of one activity."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="evaluations")
    overall_rating = models.PositiveSmallIntegerField()
    practice_change = models.TextField(blank=True)
    commercial_bias = models.BooleanField()
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["activity_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "activity"], name="evaluation_once_per_activity"),
            models.CheckConstraint(
                condition=Q(overall_rating__gte=1, overall_rating__lte=5), name="evaluation_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"Evaluation of {self.activity_id} by {self.user_id}"


class ObjectiveAnswer(models.Model):
    """Whether the learner says one of the activity's objectives was met."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="objective_answers")
    objective = models.ForeignKey("activities.Objective", on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "objective"], name="objective_answer_unique"),
        ]

    def __str__(self):
        return f"{self.objective_id}: {'met' if self.met else 'not met'}"
