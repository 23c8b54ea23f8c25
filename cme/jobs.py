"""Mechanics shared by everything a worker renders: certificates, exports and reports.

A job row is `pending` until a worker writes its file and marks it `ready`. Tasks are enqueued on
commit, retried with backoff, and the final failure is written on the row. Beat's sweep re-queues
rows still `pending` after PENDING_REQUEUE_AFTER_SECONDS (a lost message, a killed worker).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
SWEEP_BATCH = 500
MAX_ERROR_LENGTH = 2000


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 5 s, 10 s, 20 s, 40 s, 80 s ... capped at five minutes."""
    return min(5 * 2**retries, 300)


def enqueue(task, *args) -> None:
    """Send the task once the current transaction commits (immediately outside one).

    `robust`: a broker that is down does not fail the request whose data is already committed; the
    error is logged and the row stays `pending`, so the sweep sends it again.
    """

    def send():
        task.delay(*args)

    send.__qualname__ = f"send {task.name}{args}"
    transaction.on_commit(send, robust=True)


def store_file(name: str, content: bytes) -> str:
    """Write `content` under exactly `name`, replacing a file a crashed earlier attempt left there."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another writer raced us to the name; keep ours as the one file
        logger.warning("storage renamed %s to %s", name, saved)
    return saved


def requeue_stuck(queryset, task, *, args_for=lambda row: (row.pk,)) -> int:
    """Re-send the task for rows still pending after the grace period; capped, skipping locked rows."""
    cutoff = timezone.now() - timedelta(seconds=settings.PENDING_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        rows = list(
            queryset.filter(status="pending", queued_at__lt=cutoff)
            .select_for_update(skip_locked=True)
            .order_by("queued_at")[:SWEEP_BATCH]
        )
        if not rows:
            return 0
        queryset.model.objects.filter(pk__in=[row.pk for row in rows]).update(queued_at=timezone.now())
        for row in rows:
            enqueue(task, *args_for(row))
    logger.info("re-queued %d stuck %s", len(rows), queryset.model._meta.verbose_name_plural)
    return len(rows)


def short_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


def job_build(model, job_id: int, build) -> str:
    """Run `build(job) -> (file name, bytes)` for a pending job row and mark it ready (idempotent)."""
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != "pending":
            return "skipped"
        name, content = build(job)
        job.file = store_file(name, content)
        job.status = "ready"
        job.attempts += 1
        job.last_error = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "attempts", "last_error", "finished_at", "updated_at"])
    return "ready"


def job_failed(model, job_id: int, *, error: BaseException, final: bool) -> None:
    """Count a failed attempt; the last one marks the job `failed` and says why."""
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=job_id, status="pending").first()
        if job is None:
            return
        job.attempts += 1
        job.last_error = short_error(error)
        if final:
            job.status = "failed"
            job.finished_at = timezone.now()
        job.save(update_fields=["attempts", "last_error", "status", "finished_at", "updated_at"])


def run_with_retries(task, *, work, on_failure):
    """The body of every render task: do the work; on an error retry with backoff, then give up."""
    try:
        return work()
    except Exception as error:
        final = task.request.retries >= task.max_retries
        on_failure(error=error, final=final)
        if final:
            logger.exception("%s failed for good", task.name)
            return "failed"
        raise task.retry(exc=error, countdown=retry_countdown(task.request.retries)) from error
