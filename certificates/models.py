from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cme.models import RenderJob, TimeStampedModel


class CertificateStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    REVOKED = "revoked", "Revoked"


class Certificate(TimeStampedModel):
    """The certificate of one accepted claim. The row shows the current version; older ones are kept."""

    claim = models.OneToOneField("claims.Claim", on_delete=models.PROTECT, related_name="certificate")
    status = models.CharField(max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.PENDING)
    verification_code = models.CharField(max_length=16, unique=True)
    number = models.CharField(max_length=20, unique=True)
    version = models.PositiveIntegerField(default=1)
    issued_at = models.DateTimeField()
    issue_reason = models.CharField(max_length=300, default="Claim accepted")
    issue_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(help_text="Every value printed on this version, frozen when it was issued.")
    pdf = models.FileField(upload_to="certificates/", blank=True, max_length=300)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    notified_version = models.PositiveIntegerField(default=0, help_text="The last version the learner was emailed.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["snapshot", "attempts", "queued_at", "notified_version"])

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CertificateStatus.values), name="certificate_status_valid"),
            models.CheckConstraint(condition=~Q(status="ready") | ~Q(pdf=""), name="certificate_ready_has_pdf"),
        ]
        # Beat's sweep, as for exports (cme.jobs.requeue_stuck).
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self):
        return f"Certificate {self.number} v{self.version}"


class CertificateVersion(models.Model):
    """An earlier version of a certificate, kept when a correction issued a new one."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(auto_now_add=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supersede_reason = models.CharField(max_length=300, blank=True)
    snapshot = models.JSONField()
    pdf = models.FileField(upload_to="certificates/", blank=True, max_length=300)

    class Meta:
        ordering = ["certificate_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "version"], name="certificate_version_unique"),
        ]

    def __str__(self):
        return f"{self.certificate} v{self.version}"


class CertificateExport(RenderJob):
    """A ZIP of every ready certificate of one activity, built by a worker."""

    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        # Beat's sweep: status = 'pending' AND queued_at < cutoff ORDER BY queued_at (cme.jobs.requeue_stuck).
        indexes = [models.Index(fields=["status", "queued_at"], name="certexport_status_queued")]
