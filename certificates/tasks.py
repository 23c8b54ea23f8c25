"""Thin adapters: reload by id, call one service, return something small."""

from celery import shared_task

from certificates import exports, services
from certificates.models import CertificateExport
from cme.jobs import job_failed, run_with_retries

MAX_RETRIES = 5


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True, name="certificates.render_certificate")
def render_certificate(self, certificate_id: int, version: int) -> str:
    return run_with_retries(
        self,
        work=lambda: services.certificate_render(certificate_id=certificate_id, version=version),
        on_failure=lambda error, final: services.certificate_render_failed(
            certificate_id=certificate_id, version=version, error=error, final=final
        ),
    )


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True, name="certificates.build_certificate_export")
def build_certificate_export(self, export_id: int) -> str:
    return run_with_retries(
        self,
        work=lambda: exports.certificate_export_build(export_id=export_id),
        on_failure=lambda error, final: job_failed(CertificateExport, export_id, error=error, final=final),
    )


@shared_task(acks_late=True, name="certificates.notify_certificate_ready", autoretry_for=(OSError,), max_retries=3,
             retry_backoff=True)  # fmt: skip
def notify_certificate_ready(certificate_id: int) -> str:
    return services.certificate_ready_notify(certificate_id=certificate_id)
