"""Abstract bases shared by the apps."""

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RenderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class RenderJob(TimeStampedModel):
    """A file a worker renders: its state, attempts and last error. Reports and exports use it."""

    status = models.CharField(max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="jobs/", blank=True, max_length=300)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The last time a worker ran the heartbeat task under a name: proof that a worker consumes."""

    name = models.CharField(max_length=100, unique=True)
    worker = models.CharField(max_length=200, blank=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
