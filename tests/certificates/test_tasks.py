"""Certificates rendered by a real Celery worker consuming from Redis, on PostgreSQL."""

import io
import zipfile
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from attendance.models import Attendance
from certificates import services
from certificates.models import Certificate, CertificateStatus
from claims.services import claim_submit
from tests.factories import UserFactory, make_claim, make_published_activity
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def all_ready(count: int):
    return Certificate.objects.filter(status=CertificateStatus.READY).count() == count


def test_claim_becomes_a_ready_certificate(celery_worker, clinician_client, clinician):
    activity = make_published_activity(evaluation_required=False)
    Attendance.objects.create(user=clinician, session=activity.sessions.get(), method="staff")

    response = clinician_client.post(
        "/api/v1/claims/", {"activity": activity.id, "credit_type": "ama-pra-1", "credits": "1.00"}, format="json"
    )
    certificate_id = response.json()["certificate"]["id"]

    wait_for(lambda: all_ready(1), timeout=60, message="the certificate to be rendered")
    download = clinician_client.get(f"/api/v1/certificates/{certificate_id}/pdf/")
    assert download.status_code == HTTPStatus.OK
    text = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0].extract_text()
    assert "Ada Lovelace" in text


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
