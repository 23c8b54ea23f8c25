from django.db import models
from django.utils import timezone


class Learner(models.Model):
    name = models.CharField(max_length=150)

    def __str__(self):
        return self.name


class AccessToken(models.Model):
    """What DRF's authtoken stores: a 40-character key for one user."""

    key = models.CharField(max_length=40, primary_key=True)
    learner = models.OneToOneField(Learner, on_delete=models.CASCADE, related_name="token")

    def __str__(self):
        return self.key


class Checkin(models.Model):
    """One row per learner and session, guarded by a unique constraint, as attendance is."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT)
    session_id = models.IntegerField()
    checked_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "session_id"], name="bare_checkin_once")]

    def __str__(self):
        return f"{self.learner_id} at {self.session_id}"
