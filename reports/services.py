"""Report jobs: requested through the API, rendered by a worker, downloaded when ready."""

from django.db import transaction
from django.utils import timezone

from cme.jobs import enqueue, job_build, requeue_stuck
from reports.models import Report, ReportKind


def _report_task():
    from reports.tasks import render_report

    return render_report


@transaction.atomic
def report_request(*, kind: str, requested_by, activity=None, date_from=None, date_to=None) -> Report:
    """Record the request (`pending`) and have a worker render it after commit."""
    report = Report.objects.create(
        kind=kind,
        requested_by=requested_by,
        activity=activity,
        date_from=date_from,
        date_to=date_to,
        queued_at=timezone.now(),
    )
    enqueue(_report_task(), report.pk)
    return report


def _render(report: Report) -> tuple[str, bytes]:
    from reports import documents

    if report.kind == ReportKind.ACTIVITY_SUMMARY:
        content = documents.activity_summary_pdf(activity_id=report.activity_id)
        return f"reports/activity-summary-{report.activity_id}-{report.pk}.pdf", content
    content = documents.annual_report_pdf(date_from=report.date_from, date_to=report.date_to)
    return f"reports/annual-{report.date_from}-{report.date_to}-{report.pk}.pdf", content


def report_render(*, report_id: int) -> str:
    """The worker's job (idempotent): gather the figures, draw the PDF, store it, mark it ready."""
    return job_build(Report, report_id, _render)


def reports_requeue_stuck() -> int:
    return requeue_stuck(Report.objects.all(), _report_task())
