"""One ZIP of every ready certificate of an activity, built by a worker."""

import io
import zipfile

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from certificates.models import Certificate, CertificateExport, CertificateStatus
from certificates.selectors import certificate_download
from cme.jobs import enqueue, job_build, requeue_stuck


def _export_task():
    from certificates.tasks import build_certificate_export

    return build_certificate_export


@transaction.atomic
def certificate_export_request(*, activity, requested_by) -> CertificateExport:
    export = CertificateExport.objects.create(activity=activity, requested_by=requested_by, queued_at=timezone.now())
    enqueue(_export_task(), export.pk)
    return export


def _surname(snapshot: dict) -> str:
    # Snapshots frozen before the surname was kept print the full name: its last word is the surname.
    if "learner_last_name" in snapshot:
        return snapshot["learner_last_name"]
    words = snapshot["learner_name"].split()
    return words[-1] if words else ""


def certificate_download_name(certificate: Certificate, *, snapshot: dict | None = None) -> str:
    """A readable file name: activity and surname, e.g. `sepsis-update_lovelace_CME-00000042.pdf`.

    Both come from the frozen snapshot of the version served (the current one by default), never from
    the profile: a renamed learner's earlier PDF keeps the name it prints.
    """
    snapshot = certificate.snapshot if snapshot is None else snapshot
    title = slugify(snapshot["activity_title"])[:60] or "certificate"
    surname = slugify(_surname(snapshot))[:40] or "learner"
    return f"{title}_{surname}_{certificate.number}.pdf"


def _zip_of_ready_certificates(export: CertificateExport) -> tuple[str, bytes]:
    """Every certificate of the activity that has a PDF (the newest rendered version), revoked ones left out."""
    certificates = (
        Certificate.objects.filter(claim__activity_id=export.activity_id)
        .exclude(status=CertificateStatus.REVOKED)
        .prefetch_related("versions")
        .order_by("number")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates.iterator(chunk_size=500):
            shown = certificate_download(certificate)
            if shown is None:
                continue
            with default_storage.open(shown.pdf.name, "rb") as pdf:
                archive.writestr(certificate_download_name(certificate, snapshot=shown.snapshot), pdf.read())
    return f"exports/certificates-activity-{export.activity_id}-{export.pk}.zip", buffer.getvalue()


def certificate_export_build(*, export_id: int) -> str:
    return job_build(CertificateExport, export_id, _zip_of_ready_certificates)


def certificate_exports_requeue_stuck() -> int:
    return requeue_stuck(CertificateExport.objects.all(), _export_task())
