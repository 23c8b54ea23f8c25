import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from pypdf import PdfReader

from accounts.services import user_profile_update
from activities.services import provider_current
from certificates import services
from certificates.models import Certificate, CertificateStatus
from certificates.tasks import render_certificate
from cme.jobs import retry_countdown
from tests.factories import UserFactory, make_claim

pytestmark = pytest.mark.django_db


def pdf_text(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def rendered(certificate: Certificate) -> Certificate:
    assert services.certificate_render(certificate_id=certificate.pk, version=certificate.version) == "ready"
    certificate.refresh_from_db()
    return certificate


def test_claim_creates_one_pending_certificate_with_a_random_code(clinician):
    claim = make_claim(clinician)

    certificate = Certificate.objects.get()
    assert certificate.claim == claim
    assert certificate.status == CertificateStatus.PENDING
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{16}", certificate.verification_code)
    assert str(claim.pk) not in certificate.verification_code or len(set(certificate.verification_code)) > 4
    assert certificate.number == f"CME-{claim.pk:08d}"


def test_verification_codes_are_not_guessable():
    codes = {services.verification_code_generate() for _ in range(2000)}

    assert len(codes) == 2000
    # Every position uses the whole alphabet: 32 symbols x 16 positions = 80 bits.
    for position in range(16):
        assert len({code[position] for code in codes}) == 32


def test_ama_certificate_prints_every_required_element(clinician):
    provider = provider_current()
    claim = make_claim(clinician, title="Sepsis: the first hour", credits="2.00", location="Boston, MA",
                       objectives=("clinical-decision-making", "patient-management"))  # fmt: skip
    certificate = rendered(claim.certificate)

    text = pdf_text(certificate.pdf.name)

    for expected in [
        provider.name,
        "Ada Lovelace",
        "MD",
        "Sepsis: the first hour",
        "Course",
        "Boston, MA",
        "Improve clinical decision making",
        "Enhance patient management strategies",
        "2.00 AMA PRA Category 1 Credits",
        f"{provider.name} designates this live activity for a maximum of 2.00 AMA PRA Category 1 Credits™. "
        "Physicians should claim only the credit commensurate with the extent of their participation in the activity.",
        provider.accreditation_statement,
        certificate.number,
        certificate.verification_code,
        f"{provider.public_base_url}/verify/{certificate.verification_code}/",
        provider.director_name,
        provider.director_title,
        certificate.snapshot["issue_date"],
        certificate.snapshot["activity_dates"],
    ]:
        assert expected in text, expected


def test_participation_certificate_for_a_nurse_practitioner(nurse):
    claim = make_claim(nurse, credits="2.00")
    certificate = rendered(claim.certificate)

    text = pdf_text(certificate.pdf.name)

    assert "Certificate of Participation" in text or "Certificate of participation" in text
    assert "This activity was designated for a maximum of 2.00 AMA PRA Category 1 Credits™." in text
    assert "designates this live activity" not in text
    assert provider_current().accreditation_statement not in text
    assert "Nightingale" in text and "NP" in text


@pytest.mark.parametrize(
    "first, last",
    [("Zoë", "Wójcik"), ("Łukasz", "Żółć"), ("Αλέξανδρος", "Παπαδόπουλος"), ("Дмитрий", "Иванов"), ("小明", "王"),
     ("太郎", "山田"), ("민준", "김")],
)  # fmt: skip
def test_names_in_any_script(first, last):
    learner = UserFactory(first_name=first, last_name=last)
    certificate = rendered(make_claim(learner).certificate)

    assert f"{first} {last}" in pdf_text(certificate.pdf.name)


def test_user_text_is_printed_literally(clinician):
    claim = make_claim(clinician, title='<font color=red>Bold</font> & <img src="x"/>')
    certificate = rendered(claim.certificate)

    assert '<font color=red>Bold</font> & <img src="x"/>' in pdf_text(certificate.pdf.name)


def test_render_twice_writes_one_file_and_one_state_change(clinician, settings):
    certificate = make_claim(clinician).certificate

    first = services.certificate_render(certificate_id=certificate.pk, version=1)
    second = services.certificate_render(certificate_id=certificate.pk, version=1)

    assert (first, second) == ("ready", "skipped")
    folder = settings.MEDIA_ROOT / "certificates" / certificate.verification_code
    assert [path.name for path in folder.iterdir()] == ["v1.pdf"]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY
    assert certificate.history.filter(status=CertificateStatus.READY).count() == 1


def test_a_leftover_file_from_a_crashed_attempt_is_replaced(clinician, settings):
    certificate = make_claim(clinician).certificate
    default_storage.save(f"certificates/{certificate.verification_code}/v1.pdf", io.BytesIO(b"half-written"))

    rendered(certificate)

    folder = settings.MEDIA_ROOT / "certificates" / certificate.verification_code
    assert [path.name for path in folder.iterdir()] == ["v1.pdf"]
    assert (folder / "v1.pdf").read_bytes().startswith(b"%PDF")


def test_a_render_that_raises_is_retried_then_failed(clinician, monkeypatch):
    certificate = make_claim(clinician).certificate
    calls = []

    def broken(document):
        calls.append(document)
        raise OSError("disk full")

    monkeypatch.setattr("certificates.pdf.render_certificate", broken)

    result = render_certificate.apply(args=(certificate.pk, 1)).get()

    certificate.refresh_from_db()
    assert result == "failed"
    assert len(calls) == render_certificate.max_retries + 1
    assert certificate.status == CertificateStatus.FAILED
    assert certificate.attempts == render_certificate.max_retries + 1
    assert certificate.last_error == "OSError: disk full"


def test_retry_countdown_doubles_up_to_five_minutes():
    assert [retry_countdown(retries) for retries in range(8)] == [5, 10, 20, 40, 80, 160, 300, 300]


def test_each_retry_of_a_render_waits_the_backoff(clinician, monkeypatch):
    certificate = make_claim(clinician).certificate
    monkeypatch.setattr("certificates.pdf.render_certificate", lambda document: 1 / 0)
    countdowns, retry = [], render_certificate.retry

    def recording_retry(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return retry(*args, **kwargs)

    monkeypatch.setattr(render_certificate, "retry", recording_retry)

    assert render_certificate.apply(args=(certificate.pk, 1)).get() == "failed"

    assert countdowns == [5, 10, 20, 40, 80]
    assert Certificate.objects.get(pk=certificate.pk).last_error == "ZeroDivisionError: division by zero"


def test_requeue_for_activity_issues_missing_and_failed(clinician, other_clinician, django_capture_on_commit_callbacks):
    failed = make_claim(clinician).certificate
    Certificate.objects.filter(pk=failed.pk).update(status=CertificateStatus.FAILED, attempts=6)
    activity = failed.claim.activity
    missing_claim = make_claim(other_clinician, activity=activity)
    missing_claim.certificate.delete()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = services.certificates_requeue_for_activity(activity=activity, requested_by=None)

    assert result == {"issued": 1, "requeued": 1}
    assert len(callbacks) == 2
    assert set(Certificate.objects.values_list("status", flat=True)) == {"pending"}


def test_sweep_requeues_only_stale_pending(clinician, other_clinician, settings, django_capture_on_commit_callbacks):
    stale = make_claim(clinician).certificate
    fresh = make_claim(other_clinician).certificate
    Certificate.objects.filter(pk=stale.pk).update(queued_at=stale.queued_at - timedelta(minutes=10))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = services.certificates_requeue_stuck()

    assert count == 1
    assert len(callbacks) == 1
    stale.refresh_from_db()
    assert stale.queued_at > fresh.queued_at - timedelta(seconds=5)


def test_revoke_keeps_the_claim(clinician, staff):
    certificate = rendered(make_claim(clinician).certificate)

    services.certificate_revoke(certificate=certificate, reason="Attendance was recorded in error", revoked_by=staff)

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoke_reason == "Attendance was recorded in error"
    assert certificate.claim.pk
    assert certificate.history.first().history_user == staff


def test_name_correction_issues_a_new_version_with_the_same_code(clinician):
    certificate = rendered(make_claim(clinician).certificate)
    code, first_pdf = certificate.verification_code, certificate.pdf.name

    user_profile_update(user=clinician, last_name="King")
    certificate.refresh_from_db()
    certificate = rendered(certificate)

    assert certificate.version == 2
    assert certificate.verification_code == code
    assert "Ada King" in pdf_text(certificate.pdf.name)
    earlier = certificate.versions.get()
    assert (earlier.version, earlier.pdf.name, earlier.supersede_reason) == (1, first_pdf, "Name corrected to Ada King")
    assert earlier.superseded_by == clinician
    assert "Ada Lovelace" in pdf_text(first_pdf)


def test_profile_change_other_than_name_does_not_reissue(clinician):
    certificate = rendered(make_claim(clinician).certificate)

    user_profile_update(user=clinician, specialty="Cardiology", degree="DO")

    certificate.refresh_from_db()
    assert certificate.version == 1
    assert certificate.snapshot["learner_degree"] == "MD"


def test_ready_email_has_the_links(clinician):
    certificate = rendered(make_claim(clinician, title="Sepsis update").certificate)

    first = services.certificate_ready_notify(certificate_id=certificate.pk)
    again = services.certificate_ready_notify(certificate_id=certificate.pk)

    assert (first, again) == ("sent", "skipped")
    assert len(mail.outbox) == 1
    message = mail.outbox[-1]
    assert message.to == ["ada@example.org"]
    assert "Sepsis update" in message.subject
    assert f"https://cme.example.org/verify/{certificate.verification_code}/" in message.body
    assert f"https://cme.example.org/my/certificates/{certificate.pk}/pdf/" in message.body
    assert "https://cme.example.org/my/credits/" in message.body


def test_the_emailed_download_link_serves_the_pdf(clinician, client):
    certificate = rendered(make_claim(clinician).certificate)
    services.certificate_ready_notify(certificate_id=certificate.pk)
    link = re.search(r"https://cme\.example\.org(/my/certificates/\d+/pdf/)", mail.outbox[-1].body).group(1)
    client.force_login(clinician)

    response = client.get(link)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_new_version_is_emailed_once_more(clinician):
    certificate = rendered(make_claim(clinician).certificate)
    services.certificate_ready_notify(certificate_id=certificate.pk)
    user_profile_update(user=clinician, last_name="King")
    rendered(Certificate.objects.get(pk=certificate.pk))

    assert services.certificate_ready_notify(certificate_id=certificate.pk) == "sent"
    assert len(mail.outbox) == 2
    assert mail.outbox[-1].body.startswith("Dear Ada King,")


def test_rendering_queues_the_email_as_its_own_task(clinician, django_capture_on_commit_callbacks):
    certificate = make_claim(clinician).certificate

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.certificate_render(certificate_id=certificate.pk, version=1)

    assert [callback.__qualname__ for callback in callbacks] == [
        f"send certificates.notify_certificate_ready({certificate.pk},)"
    ]
    assert mail.outbox == []


def test_render_task_is_acknowledged_late_and_requeued_on_worker_loss():
    from cme.celery import app

    assert (render_certificate.acks_late, render_certificate.max_retries) == (True, 5)
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_a_superseded_versions_late_message_writes_nothing(clinician, settings):
    certificate = make_claim(clinician).certificate
    user_profile_update(user=clinician, last_name="King")

    assert services.certificate_render(certificate_id=certificate.pk, version=1) == "skipped"

    assert not (settings.MEDIA_ROOT / "certificates" / certificate.verification_code).exists()
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.PENDING
    assert rendered(Certificate.objects.get(pk=certificate.pk)).pdf.name.endswith("/v2.pdf")


def test_a_certificate_revoked_before_its_render_is_never_rendered_nor_emailed(clinician, staff):
    certificate = make_claim(clinician).certificate
    services.certificate_revoke(certificate=certificate, reason="Claimed in error", revoked_by=staff)

    assert services.certificate_render(certificate_id=certificate.pk, version=1) == "skipped"
    assert services.certificate_ready_notify(certificate_id=certificate.pk) == "skipped"
    assert Certificate.objects.get(pk=certificate.pk).pdf.name == ""
    assert mail.outbox == []


def test_a_name_correction_leaves_revoked_certificates_alone(clinician, staff):
    kept = rendered(make_claim(clinician).certificate)
    revoked = rendered(make_claim(clinician).certificate)
    services.certificate_revoke(certificate=revoked, reason="Claimed in error", revoked_by=staff)

    user_profile_update(user=clinician, last_name="King")

    assert Certificate.objects.get(pk=kept.pk).version == 2
    revoked = Certificate.objects.get(pk=revoked.pk)
    assert (revoked.version, revoked.status, revoked.snapshot["learner_name"]) == (1, "revoked", "Ada Lovelace")
    assert not revoked.versions.exists()
