"""Project-wide periodic work."""

import socket

from celery import shared_task
from django.utils import timezone

from cme.models import WorkerHeartbeat


@shared_task(name="cme.tasks.heartbeat")
def heartbeat(name: str = "worker") -> str:
    """Record that a worker consumed a message (used by operations and by the broker tests)."""
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"worker": socket.gethostname(), "seen_at": timezone.now()}
    )
    return name


@shared_task(name="cme.tasks.requeue_stuck_work")
def requeue_stuck_work() -> dict:
    """Beat's sweep: re-queue certificates, exports and reports left `pending` (a lost message)."""
    from certificates.exports import certificate_exports_requeue_stuck
    from certificates.services import certificates_requeue_stuck
    from reports.services import reports_requeue_stuck

    return {
        "certificates": certificates_requeue_stuck(),
        "exports": certificate_exports_requeue_stuck(),
        "reports": reports_requeue_stuck(),
    }
