"""What a version freezes when it is issued: the signature image, and dates in the activity's time zone."""

import hashlib
import io
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from activities.services import provider_current
from certificates import services
from certificates.models import Certificate, CertificateStatus
from certificates.snapshots import SIGNATURE_MISMATCH, certificate_snapshot
from tests.factories import make_claim, make_published_activity

pytestmark = pytest.mark.django_db


def png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 60), color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload_signature(content: bytes) -> None:
    provider = provider_current()
    provider.director_signature.save("signature.png", ContentFile(content))  # saves the row, clears the cache


def render_again(certificate: Certificate, monkeypatch) -> list:
    """Render the same version once more and return the documents the renderer received."""
    from certificates import pdf

    documents, real = [], pdf.render_certificate
    monkeypatch.setattr(pdf, "render_certificate", lambda doc: documents.append(doc) or real(doc))
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.PENDING, pdf="")
    assert services.certificate_render(certificate_id=certificate.pk, version=certificate.version) == "ready"
    return documents


def test_the_signature_is_copied_once_into_content_addressed_storage(clinician, other_clinician):
    old = png("navy")
    upload_signature(old)
    digest = hashlib.sha256(old).hexdigest()

    first = make_claim(clinician).certificate
    second = make_claim(other_clinician).certificate

    for certificate in (first, second):
        assert certificate.snapshot["director_signature"] == f"signatures/{digest}.png"
        assert certificate.snapshot["director_signature_sha256"] == digest
    assert default_storage.listdir("signatures") == ([], [f"{digest}.png"])
    with default_storage.open(f"signatures/{digest}.png", "rb") as handle:
        assert handle.read() == old


def test_a_replaced_signature_changes_new_versions_only(clinician, other_clinician, monkeypatch):
    old, new = png("navy"), png("darkred")
    upload_signature(old)
    certificate = make_claim(clinician).certificate
    services.certificate_render(certificate_id=certificate.pk, version=1)

    upload_signature(new)
    documents = render_again(certificate, monkeypatch)

    frozen = Certificate.objects.get(pk=certificate.pk).snapshot
    assert frozen["director_signature_sha256"] == hashlib.sha256(old).hexdigest()
    with open(documents[0].director_signature_path, "rb") as handle:
        assert handle.read() == old
    later = make_claim(other_clinician).certificate
    assert later.snapshot["director_signature_sha256"] == hashlib.sha256(new).hexdigest()


def test_the_signature_image_is_drawn(clinician):
    upload_signature(png("navy"))
    certificate = make_claim(clinician).certificate
    services.certificate_render(certificate_id=certificate.pk, version=1)
    certificate.refresh_from_db()

    with certificate.pdf.open("rb") as handle:
        page = PdfReader(io.BytesIO(handle.read())).pages[0]

    assert len(page.images) == 1


def test_a_tampered_frozen_signature_fails_the_render(clinician):
    upload_signature(png("navy"))
    certificate = make_claim(clinician).certificate
    name = certificate.snapshot["director_signature"]
    default_storage.delete(name)
    default_storage.save(name, ContentFile(png("green")))

    with pytest.raises(ValueError) as error:
        services.certificate_render(certificate_id=certificate.pk, version=1)

    assert str(error.value) == SIGNATURE_MISMATCH.format(name=name)
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.PENDING


def test_a_frozen_signature_gone_from_storage_renders_a_line(clinician):
    upload_signature(png("navy"))
    certificate = make_claim(clinician).certificate
    default_storage.delete(certificate.snapshot["director_signature"])

    assert services.certificate_render(certificate_id=certificate.pk, version=1) == "ready"

    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        assert len(PdfReader(io.BytesIO(handle.read())).pages[0].images) == 0


def test_without_a_signature_image_a_line_is_drawn(clinician):
    certificate = make_claim(clinician).certificate

    assert certificate.snapshot["director_signature"] == ""
    assert services.certificate_render(certificate_id=certificate.pk, version=1) == "ready"


def test_a_signature_file_gone_from_storage_never_refuses_a_claim(clinician):
    upload_signature(png("navy"))
    default_storage.delete(provider_current().director_signature.name)

    certificate = make_claim(clinician).certificate

    assert (certificate.snapshot["director_signature"], certificate.snapshot["director_signature_path"]) == ("", "")
    assert services.certificate_render(certificate_id=certificate.pk, version=1) == "ready"


# --- dates print in the activity's time zone -------------------------------------------------------------


def hours_until_utc(day_offset: int, hour: int, minute: int) -> tuple[float, datetime]:
    now = timezone.now()
    target = datetime(now.year, now.month, now.day, hour, minute, tzinfo=UTC) + timedelta(days=day_offset)
    return (target - now).total_seconds() / 3600, target


def test_dates_print_in_the_activitys_time_zone(clinician, anon_client, settings):
    """23:30 UTC is the same day in New York (settings.TIME_ZONE) but 08:30 the next day in Tokyo."""
    assert settings.TIME_ZONE == "America/New_York"
    hours, starts = hours_until_utc(-1, 23, 30)
    activity = make_published_activity(time_zone="Asia/Tokyo", starts_in_hours=hours, minutes=60)
    claim = make_claim(clinician, activity=activity)
    tokyo_day = (starts + timedelta(days=1)).date()
    assert timezone.localdate(starts) != tokyo_day
    issued, current = datetime(2026, 3, 3, 23, 30, tzinfo=UTC), claim.certificate
    snapshot = certificate_snapshot(
        claim=claim, issued_at=issued, number=current.number, code=current.verification_code, version=1
    )
    Certificate.objects.filter(pk=current.pk).update(issued_at=issued, snapshot=snapshot)

    certificate = Certificate.objects.get(pk=claim.certificate.pk)
    services.certificate_render(certificate_id=certificate.pk, version=1)
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        text = " ".join(PdfReader(io.BytesIO(handle.read())).pages[0].extract_text().split())

    printed_day = f"{tokyo_day:%B} {tokyo_day.day}, {tokyo_day.year}"
    assert certificate.snapshot["activity_dates"] == printed_day
    assert certificate.snapshot["issue_date"] == "March 4, 2026"
    assert printed_day in text
    assert "Issued March 4, 2026" in text
    response = anon_client.get(f"/api/v1/verify/{certificate.verification_code}/")
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["dates"], response.json()["issued_at"]) == (printed_day, "2026-03-04")
