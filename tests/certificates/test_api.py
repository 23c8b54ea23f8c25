import io
from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone
from pypdf import PdfReader

from certificates import services
from certificates.models import Certificate, CertificateStatus
from tests.conftest import client_for
from tests.factories import UserFactory, make_claim

pytestmark = pytest.mark.django_db

CERTIFICATES = "/api/v1/certificates/"


def ready(claim) -> Certificate:
    services.certificate_render(certificate_id=claim.certificate.pk, version=claim.certificate.version)
    return Certificate.objects.get(pk=claim.certificate.pk)


def test_detail_shape(clinician_client, clinician):
    certificate = ready(make_claim(clinician))

    body = clinician_client.get(f"{CERTIFICATES}{certificate.id}/").json()

    assert body["status"] == "ready"
    assert body["verification_code"] == certificate.verification_code
    assert body["verify_url"] == f"https://cme.example.org/verify/{certificate.verification_code}/"
    assert body["pdf_url"] == f"http://testserver/api/v1/certificates/{certificate.id}/pdf/"
    assert body["version"] == 1
    assert body["versions"] == []
    assert body["credits"] == "1.00"


def test_pdf_download_inline_with_a_readable_name(clinician_client, clinician):
    certificate = ready(make_claim(clinician, title="Sepsis update"))

    response = clinician_client.get(f"{CERTIFICATES}{certificate.id}/pdf/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="sepsis-update_lovelace_{certificate.number}.pdf"'
    assert "Ada Lovelace" in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()


def test_pdf_is_a_conflict_while_pending(clinician_client, clinician):
    claim = make_claim(clinician)

    response = clinician_client.get(f"{CERTIFICATES}{claim.certificate.id}/pdf/")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": "The certificate is not ready yet."}
    assert clinician_client.get(f"{CERTIFICATES}{claim.certificate.id}/").json()["pdf_url"] is None


def test_another_learners_certificate_is_404(other_client, clinician, staff_client, accreditation_client):
    certificate = ready(make_claim(clinician))

    assert other_client.get(f"{CERTIFICATES}{certificate.id}/").status_code == HTTPStatus.NOT_FOUND
    assert other_client.get(f"{CERTIFICATES}{certificate.id}/pdf/").status_code == HTTPStatus.NOT_FOUND
    assert other_client.get(CERTIFICATES).json()["results"] == []
    assert staff_client.get(f"{CERTIFICATES}{certificate.id}/pdf/").status_code == HTTPStatus.OK
    assert accreditation_client.get(f"{CERTIFICATES}{certificate.id}/").status_code == HTTPStatus.OK


@pytest.mark.parametrize("page_size", [5, 50])
def test_list_query_count(staff_client, django_assert_max_num_queries, page_size):
    for _ in range(6):
        make_claim(UserFactory())

    with django_assert_max_num_queries(5):
        response = staff_client.get(CERTIFICATES, {"page_size": page_size})

    assert len(response.json()["results"]) == min(6, page_size)


def test_revoke_then_verification_says_revoked(staff_client, clinician_client, clinician, anon_client):
    certificate = ready(make_claim(clinician))
    url = f"{CERTIFICATES}{certificate.id}/revoke/"

    assert clinician_client.post(url, {"reason": "x"}, format="json").status_code == HTTPStatus.FORBIDDEN
    assert staff_client.post(url, {}, format="json").json() == {"reason": ["This field is required."]}
    revoked = staff_client.post(url, {"reason": "Attendance recorded in error"}, format="json")
    again = staff_client.post(url, {"reason": "twice"}, format="json")

    assert revoked.status_code == HTTPStatus.OK
    assert revoked.json()["status"] == "revoked"
    assert again.status_code == HTTPStatus.CONFLICT
    assert anon_client.get(f"/api/v1/verify/{certificate.verification_code}/").json()["status"] == "revoked"
    assert "revoked" in anon_client.get(f"/verify/{certificate.verification_code}/").content.decode().lower()


def test_verification_shows_only_what_is_allowed(anon_client, clinician):
    clinician.npi, clinician.specialty = "1234567893", "Cardiology"
    clinician.save()
    certificate = ready(make_claim(clinician, title="Sepsis update", credits="1.00"))

    response = anon_client.get(f"/api/v1/verify/{certificate.verification_code.lower()}/")

    local_issue_day = timezone.localdate(certificate.issued_at)
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "valid",
        "name": "Ada Lovelace",
        "degree": "MD",
        "activity": "Sepsis update",
        "dates": certificate.snapshot["activity_dates"],
        "credit_type": "AMA PRA Category 1 Credit™",
        "credits": "1.00",
        "issued_at": local_issue_day.isoformat(),
    }


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAA", "short", "../../etc/passwd", "%00"])
def test_unknown_code_is_404(anon_client, code):
    assert anon_client.get(f"/api/v1/verify/{code}/").status_code == HTTPStatus.NOT_FOUND


def test_pending_certificate_is_not_verifiable_yet(anon_client, clinician):
    certificate = make_claim(clinician).certificate

    assert anon_client.get(f"/api/v1/verify/{certificate.verification_code}/").status_code == HTTPStatus.NOT_FOUND


def test_verification_is_throttled(anon_client, clinician):
    certificate = ready(make_claim(clinician))

    statuses = [anon_client.get(f"/api/v1/verify/{certificate.verification_code}/").status_code for _ in range(61)]

    assert statuses[:60] == [HTTPStatus.OK] * 60
    assert statuses[60] == HTTPStatus.TOO_MANY_REQUESTS


def test_verification_page_escapes_names(anon_client):
    learner = UserFactory(first_name="<script>alert(1)</script>", last_name="Smith")
    certificate = ready(make_claim(learner))

    html = anon_client.get(f"/verify/{certificate.verification_code}/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_versions_listed_after_name_correction(clinician_client, clinician):
    certificate = ready(make_claim(clinician))

    clinician_client.patch("/api/v1/me/", {"first_name": "Augusta"}, format="json")
    body = clinician_client.get(f"{CERTIFICATES}{certificate.id}/").json()

    assert body["version"] == 2
    assert body["status"] == "pending"
    assert body["verification_code"] == certificate.verification_code
    assert [(v["number"], v["reason"]) for v in body["versions"]] == [(1, "Claim accepted")]


def test_requeue_endpoint(staff_client, clinician, accreditation_client):
    claim = make_claim(clinician)
    Certificate.objects.filter(pk=claim.certificate.pk).update(status=CertificateStatus.FAILED)
    url = f"/api/v1/activities/{claim.activity_id}/certificates/issue/"

    response = staff_client.post(url)

    assert response.status_code == HTTPStatus.ACCEPTED
    assert response.json() == {"issued": 0, "requeued": 1}
    assert accreditation_client.post(url).status_code == HTTPStatus.FORBIDDEN


def test_zip_export_request_and_visibility(staff_client, accreditation_client, clinician, clinician_client):
    claim = make_claim(clinician)
    url = f"/api/v1/activities/{claim.activity_id}/certificates/zip/"

    response = staff_client.post(url)
    other_staff = client_for(UserFactory(roles=["clinician", "cme_staff"]))

    assert response.status_code == HTTPStatus.ACCEPTED
    export_id = response.json()["id"]
    assert response.json() == {"id": export_id, "status": "pending"}
    assert staff_client.get(f"/api/v1/exports/{export_id}/").json()["status"] == "pending"
    assert staff_client.get(f"/api/v1/exports/{export_id}/file/").status_code == HTTPStatus.CONFLICT
    assert accreditation_client.get(f"/api/v1/exports/{export_id}/").status_code == HTTPStatus.OK
    assert other_staff.get(f"/api/v1/exports/{export_id}/").status_code == HTTPStatus.NOT_FOUND
    assert clinician_client.post(url).status_code == HTTPStatus.FORBIDDEN


# --- transcript -------------------------------------------------------------------------------------------


def test_transcript_totals_and_range(clinician_client, clinician):
    first = make_claim(clinician, credits="1.00", objectives=("clinical-decision-making", "health-policy"))
    second = make_claim(clinician, credits="0.75", credit_type="participation", objectives=("new-findings",))
    revoked = make_claim(clinician, credits="2.00")
    Certificate.objects.filter(pk=revoked.certificate.pk).update(status=CertificateStatus.REVOKED)

    body = clinician_client.get("/api/v1/me/transcript/").json()

    assert [entry["certificate"] for entry in body["entries"]] == [first.certificate.id, second.certificate.id]
    assert body["totals"] == {
        "by_credit_type": {"ama-pra-1": "1.00", "participation": "0.75"},
        "by_objective": {"clinical-decision-making": "1.00", "patient-management": "0.00", "new-findings": "0.75",
                         "health-policy": "1.00"},
    }  # fmt: skip
    assert body["renewal"] is None
    later = str(first.credit_date + timedelta(days=1))
    assert clinician_client.get("/api/v1/me/transcript/", {"from": later}).json()["entries"] == []
    assert clinician_client.get("/api/v1/me/transcript/", {"from": "x"}).json() == {
        "from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
    }
    assert clinician_client.get("/api/v1/me/transcript/", {"from": "2026-02-01", "to": "2026-01-01"}).status_code == 400


def test_transcript_renewal_progress(clinician_client, clinician):
    from activities.models import RenewalTopic

    claim = make_claim(clinician, credits="2.00")
    claim.activity.renewal_topics.set(RenewalTopic.objects.filter(slug__in=["risk-management", "end-of-life"]))
    clinician.license_state, clinician.license_expires = "MA", date.today() + timedelta(days=200)
    clinician.save()

    renewal = clinician_client.get("/api/v1/me/transcript/").json()["renewal"]

    lines = {line["topic"]: (line["required"], line["earned"], line["met"]) for line in renewal["requirements"]}
    assert lines["total"] == ("50.00", "2.00", False)
    assert lines["risk-management"] == ("10.00", "2.00", False)
    assert lines["end-of-life"] == ("2.00", "2.00", True)
    assert lines["child-abuse"] == (None, "0.00", False)
    assert renewal["complete"] is False


def test_transcript_pdf(clinician_client, clinician):
    make_claim(clinician, title="Heart failure update")

    response = clinician_client.get("/api/v1/me/transcript.pdf")

    assert response.status_code == HTTPStatus.OK
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Ada Lovelace" in text
    assert "Heart failure update" in text
    assert response["Content-Disposition"] == 'inline; filename="transcript-lovelace.pdf"'


def test_transcript_needs_sign_in(anon_client):
    assert anon_client.get("/api/v1/me/transcript/").status_code == HTTPStatus.UNAUTHORIZED
