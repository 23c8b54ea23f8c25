from celery import shared_task

from cme.jobs import job_failed, run_with_retries
from reports import services
from reports.models import Report


@shared_task(bind=True, max_retries=3, acks_late=True, name="reports.render_report")
def render_report(self, report_id: int) -> str:
    return run_with_retries(
        self,
        work=lambda: services.report_render(report_id=report_id),
        on_failure=lambda error, final: job_failed(Report, report_id, error=error, final=final),
    )
