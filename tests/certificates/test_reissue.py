"""An issued certificate while a new version renders, or after its render failed: still verifiable and
downloadable, as the last rendered version."""

import io
import zipfile
from http import HTTPStatus

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from accounts.services import user_profile_update
from certificates import exports, services
from certificates.models import Certificate, CertificateStatus
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

CERTIFICATES = "/api/v1/certificates/"


def rendered(certificate: Certificate) -> Certificate:
    assert services.certificate_render(certificate_id=certificate.pk, version=certificate.version) == "ready"
    return Certificate.objects.get(pk=certificate.pk)


def pdf_text(response) -> str:
    return PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()


def verification(certificate: Certificate, name: str, status: str = "valid") -> dict:
    return {
        "status": status,
        "name": name,
        "degree": "MD",
        "activity": "Sepsis update",
        "dates": certificate.snapshot["activity_dates"],
        "credit_type": "AMA PRA Category 1 Credit™",
        "credits": "1.00",
        "issued_at": timezone.localdate(certificate.issued_at).isoformat(),
    }


@pytest.fixture
def renamed(clinician):
    """A rendered certificate whose learner then corrected their surname: version 2 is pending."""
    first = rendered(make_claim(clinician, title="Sepsis update").certificate)
    user_profile_update(user=clinician, last_name="King")
    current = Certificate.objects.get(pk=first.pk)
    assert (current.version, current.status, current.pdf.name) == (2, CertificateStatus.PENDING, "")
    return first, current


def test_verification_shows_the_last_rendered_version_while_the_new_one_renders(anon_client, renamed):
    first, _ = renamed
    code = first.verification_code

    response = anon_client.get(f"/api/v1/verify/{code}/")
    page = anon_client.get(f"/verify/{code}/")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == verification(first, "Ada Lovelace")
    assert page.status_code == HTTPStatus.OK
    assert "Ada Lovelace" in page.content.decode()
    assert "Ada King" not in page.content.decode()


def test_download_serves_the_last_rendered_version_while_the_new_one_renders(clinician_client, renamed):
    _, current = renamed

    response = clinician_client.get(f"{CERTIFICATES}{current.id}/pdf/")
    detail = clinician_client.get(f"{CERTIFICATES}{current.id}/").json()

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == f'inline; filename="sepsis-update_lovelace_{current.number}.pdf"'
    assert "Ada Lovelace" in pdf_text(response)
    assert (detail["status"], detail["version"]) == ("pending", 2)
    assert detail["pdf_url"] == f"http://testserver{CERTIFICATES}{current.id}/pdf/"


def test_the_new_version_replaces_the_old_once_rendered(anon_client, clinician_client, renamed):
    _, current = renamed
    current = rendered(current)

    response = clinician_client.get(f"{CERTIFICATES}{current.id}/pdf/")

    assert anon_client.get(f"/api/v1/verify/{current.verification_code}/").json() == verification(current, "Ada King")
    assert response["Content-Disposition"] == f'inline; filename="sepsis-update_king_{current.number}.pdf"'
    assert "Ada King" in pdf_text(response)


def test_a_failed_render_of_the_new_version_keeps_the_old_one(anon_client, clinician_client, renamed):
    first, current = renamed
    services.certificate_render_failed(certificate_id=current.pk, version=2, error=OSError("disk full"), final=True)
    assert Certificate.objects.get(pk=current.pk).status == CertificateStatus.FAILED

    verified = anon_client.get(f"/api/v1/verify/{first.verification_code}/")
    download = clinician_client.get(f"{CERTIFICATES}{current.id}/pdf/")

    assert verified.json() == verification(first, "Ada Lovelace")
    assert download.status_code == HTTPStatus.OK
    assert "Ada Lovelace" in pdf_text(download)


def test_revoked_during_a_reissue_verifies_as_revoked_with_the_issued_data(anon_client, clinician_client, renamed,
                                                                           staff):  # fmt: skip
    first, current = renamed
    services.certificate_revoke(certificate=current, reason="Claimed in error", revoked_by=staff)

    verified = anon_client.get(f"/api/v1/verify/{first.verification_code}/")

    assert verified.json() == verification(first, "Ada Lovelace", status="revoked")
    assert clinician_client.get(f"{CERTIFICATES}{current.id}/pdf/").status_code == HTTPStatus.CONFLICT
    assert clinician_client.get(f"{CERTIFICATES}{current.id}/").json()["pdf_url"] is None


def test_a_certificate_never_rendered_is_not_verifiable_even_after_a_reissue(anon_client, clinician_client, clinician):
    certificate = make_claim(clinician).certificate
    services.certificate_render_failed(certificate_id=certificate.pk, version=1, error=OSError("x"), final=True)
    user_profile_update(user=clinician, last_name="King")

    assert anon_client.get(f"/api/v1/verify/{certificate.verification_code}/").status_code == HTTPStatus.NOT_FOUND
    assert clinician_client.get(f"{CERTIFICATES}{certificate.id}/pdf/").status_code == HTTPStatus.CONFLICT


def test_the_zip_export_holds_the_last_rendered_version_during_a_reissue(renamed, staff):
    _, current = renamed
    export = exports.certificate_export_request(activity=current.claim.activity, requested_by=staff)

    assert exports.certificate_export_build(export_id=export.pk) == "ready"

    export.refresh_from_db()
    with export.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert archive.namelist() == [f"sepsis-update_lovelace_{current.number}.pdf"]
    assert "Ada Lovelace" in PdfReader(io.BytesIO(archive.read(archive.namelist()[0]))).pages[0].extract_text()


# --- the download's file name comes from the snapshot ----------------------------------------------------


def test_file_name_keeps_the_printed_surname_when_the_profile_changes_without_a_reissue(clinician_client, clinician):
    certificate = rendered(make_claim(clinician, title="Sepsis update").certificate)
    User.objects.filter(pk=clinician.pk).update(last_name="Renamed")  # as a bulk update would, no reissue

    response = clinician_client.get(f"{CERTIFICATES}{certificate.id}/pdf/")

    assert Certificate.objects.get(pk=certificate.pk).version == 1
    assert response["Content-Disposition"] == f'inline; filename="sepsis-update_lovelace_{certificate.number}.pdf"'


def test_file_name_of_a_snapshot_frozen_before_the_surname_was_kept(clinician):
    certificate = rendered(make_claim(clinician, title="Sepsis update").certificate)
    snapshot = {key: value for key, value in certificate.snapshot.items() if key != "learner_last_name"}
    snapshot["learner_name"] = "Ada Byron Lovelace"

    name = exports.certificate_download_name(certificate, snapshot=snapshot)

    assert name == f"sepsis-update_lovelace_{certificate.number}.pdf"
