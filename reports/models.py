from django.db import models
from django.db.models import Q

from cme.models import RenderJob


class ReportKind(models.TextChoices):
    ACTIVITY_SUMMARY = "activity-summary", "Activity summary"
    ANNUAL = "annual", "Annual report"


class Report(RenderJob):
    """A report job: a worker renders the PDF; the requester and accreditation download it."""

    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="activity-summary", activity__isnull=False)
                | Q(kind="annual", date_from__isnull=False, date_to__isnull=False),
                name="report_parameters_for_kind",
            ),
        ]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
