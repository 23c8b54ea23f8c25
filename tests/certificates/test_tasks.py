"""Certificates rendered by a real Celery worker consuming from Redis, on PostgreSQL."""

import io
import shutil
import zipfile
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from activities.services import provider_current
from attendance.models import Attendance
from certificates import services
from certificates.models import Certificate, CertificateStatus
from claims.services import claim_submit
from cme.jobs import retry_countdown
from tests.factories import UserFactory, make_claim, make_published_activity
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def all_ready(count: int):
    return Certificate.objects.filter(status=CertificateStatus.READY).count() == count


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 60), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_claim_becomes_a_ready_certificate(celery_worker, clinician_client, clinician):
    provider = provider_current()
    provider.director_signature.save("signature.png", ContentFile(png()))
    activity = make_published_activity(
        evaluation_required=False, title="Sepsis: the first hour", location="Boston, MA",
        objectives=("clinical-decision-making", "patient-management"),
    )  # fmt: skip
    Attendance.objects.create(user=clinician, session=activity.sessions.get(), method="staff")

    response = clinician_client.post(
        "/api/v1/claims/", {"activity": activity.id, "credit_type": "ama-pra-1", "credits": "1.50"}, format="json"
    )
    certificate_id = response.json()["certificate"]["id"]

    wait_for(lambda: all_ready(1), timeout=60, message="the certificate to be rendered")
    certificate = Certificate.objects.get(pk=certificate_id)
    download = clinician_client.get(f"/api/v1/certificates/{certificate_id}/pdf/")
    assert download.status_code == HTTPStatus.OK
    page = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0]
    text = " ".join(page.extract_text().split())
    for expected in [
        provider.name,
        "Certificate of Credit",
        "Ada Lovelace, MD",
        "Sepsis: the first hour",
        "Course",
        certificate.snapshot["activity_dates"],
        "Boston, MA",
        "Improve clinical decision making",
        "Enhance patient management strategies",
        "1.50 AMA PRA Category 1 Credits™",
        f"{provider.name} designates this live activity for a maximum of 2.00 AMA PRA Category 1 Credits™. "
        "Physicians should claim only the credit commensurate with the extent of their participation in the activity.",
        " ".join(provider.accreditation_statement.split()),
        f"Issued {certificate.snapshot['issue_date']}",
        f"Certificate {certificate.number}",
        certificate.verification_code,
        f"{provider.public_base_url}/verify/{certificate.verification_code}/",
        provider.director_name,
        provider.director_title,
    ]:
        assert expected in text, expected
    assert len(page.images) == 1  # the director's signature; the QR code is drawn as vectors


def test_a_render_failing_transiently_is_retried_after_the_backoff_and_ends_ready(celery_worker, clinician, settings):
    # A directory where the PDF goes makes the write fail (OSError) until the test removes it.
    with transaction.atomic():  # the render is sent on commit, after the obstacle is in place
        certificate = make_claim(clinician).certificate
        obstacle = Path(settings.MEDIA_ROOT) / "certificates" / certificate.verification_code / "v1.pdf"
        obstacle.mkdir(parents=True)
        (obstacle / "in-the-way").write_bytes(b"x")

    failed = wait_for(
        lambda: Certificate.objects.filter(pk=certificate.pk, attempts=1, status=CertificateStatus.PENDING).first(),
        timeout=60, message="the first attempt to fail",
    )  # fmt: skip
    shutil.rmtree(obstacle)
    assert failed.last_error.startswith("OSError")

    wait_for(lambda: all_ready(1), timeout=60, message="the retry to render")
    certificate.refresh_from_db()
    assert (certificate.attempts, certificate.last_error) == (2, "")
    assert certificate.rendered_at - failed.updated_at >= timedelta(seconds=retry_countdown(0) - 0.1)
    assert default_storage.listdir(f"certificates/{certificate.verification_code}")[1] == ["v1.pdf"]


def test_sweep_requeues_a_certificate_whose_message_was_lost(celery_worker, clinician, settings):
    claim = make_claim(clinician)
    wait_for(lambda: all_ready(1), timeout=60, message="the first render")
    # Lose a message: put the row back to pending, as if the broker had dropped the task.
    Certificate.objects.filter(pk=claim.certificate.pk).update(
        status=CertificateStatus.PENDING, pdf="", queued_at=timezone.now() - timedelta(minutes=10)
    )

    assert services.certificates_requeue_stuck() == 1

    wait_for(lambda: all_ready(1), timeout=60, message="the sweep's re-render")


def test_worker_killed_mid_batch_loses_and_duplicates_nothing(celery_worker, settings):
    activity = make_published_activity(evaluation_required=False)
    session = activity.sessions.get()
    learners = UserFactory.create_batch(50)
    Attendance.objects.bulk_create(Attendance(user=u, session=session, method="import") for u in learners)

    for learner in learners:
        claim_submit(user=learner, activity=activity, credit_type="ama-pra-1", credits=session.credit_hours)
    wait_for(lambda: Certificate.objects.filter(status="ready").count() >= 3, timeout=60, message="a few renders")
    celery_worker.kill()
    assert Certificate.objects.filter(status="pending").exists()

    # As beat would, but every second: the killed render's row stays locked until PostgreSQL notices
    # the dead connection, so one sweep may skip it and the next picks it up.
    settings.PENDING_REQUEUE_AFTER_SECONDS = 1
    celery_worker.start()
    wait_for(lambda: services.certificates_requeue_stuck() >= 0 and all_ready(50), timeout=120, interval=1,
             message="all 50 certificates after the restart")  # fmt: skip

    for certificate in Certificate.objects.all():
        folder = f"certificates/{certificate.verification_code}"
        assert default_storage.listdir(folder)[1] == ["v1.pdf"], folder
    assert Certificate.objects.count() == 50


def test_zip_of_an_activitys_certificates(celery_worker, staff_client):
    activity = make_published_activity(evaluation_required=False)
    for learner in UserFactory.create_batch(3):
        make_claim(learner, activity=activity)
    wait_for(lambda: all_ready(3), timeout=60, message="three certificates")

    export_id = staff_client.post(f"/api/v1/activities/{activity.id}/certificates/zip/").json()["id"]
    wait_for(lambda: staff_client.get(f"/api/v1/exports/{export_id}/").json()["status"] == "ready", timeout=60,
             message="the ZIP")  # fmt: skip

    response = staff_client.get(f"/api/v1/exports/{export_id}/file/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 3
    assert all(name.endswith(".pdf") for name in archive.namelist())
