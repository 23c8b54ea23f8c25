"""A user's text is shown as text: markup typed into an activity, a session, a person in control of content,
a learner's name or a revocation reason is escaped on every page and printed literally in the PDFs."""

import io
import re
from http import HTTPStatus

import pypdf
import pytest
from django.test import Client

from activities.services import activity_publish
from certificates.services import certificate_render, certificate_revoke
from tests.factories import UserFactory, make_activity, make_claim, make_disclosed_person, make_session
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>x</b>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
BOLD_ESCAPED = "&lt;b&gt;x&lt;/b&gt;"


@pytest.fixture
def anon():
    return Client()


@pytest.fixture
def hostile_activity(db):
    """A published activity whose every free-text field carries markup."""
    activity = make_activity(
        title=f"Sepsis {SCRIPT} {BOLD}",
        description=f"Learn {SCRIPT} and {BOLD}.",
        location=f"Room {SCRIPT} {BOLD}",
    )
    make_session(activity, title=f"Plenary {SCRIPT} {BOLD}")
    make_disclosed_person(activity, name=f"Dr. {SCRIPT} {BOLD}")
    return activity_publish(activity=activity, published_by=None)


@pytest.fixture
def hostile_learner(db):
    return UserFactory(first_name=SCRIPT, last_name=BOLD, email="mallory@example.org")


@pytest.fixture
def hostile_claim(hostile_activity, hostile_learner):
    return make_claim(hostile_learner, activity=hostile_activity)


def assert_escaped(response, *, shown: int = 1):
    """No raw markup of ours on the page, and its escaped form at least `shown` times."""
    assert response.status_code == HTTPStatus.OK, response.status_code
    html = response.content.decode()
    assert SCRIPT not in html
    assert BOLD not in html
    assert "alert(1)</script>" not in html
    assert html.count(SCRIPT_ESCAPED) >= shown, html
    assert html.count(BOLD_ESCAPED) >= shown, html
    return html


def test_catalog_escapes_the_title_and_location(anon, hostile_activity):
    html = assert_escaped(anon.get("/activities/"), shown=2)

    assert f"Sepsis {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html
    assert f"Room {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html


def test_activity_page_escapes_every_field(anon, hostile_activity, hostile_learner):
    for response in (anon.get(f"/activities/{hostile_activity.pk}/"),
                     signed_in(hostile_learner).get(f"/activities/{hostile_activity.pk}/")):  # fmt: skip
        html = assert_escaped(response, shown=5)

        assert f"<title>Sepsis {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html
        assert f"Learn {SCRIPT_ESCAPED} and {BOLD_ESCAPED}." in html
        assert f"Room {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html
        assert f"Plenary {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html
        assert f"Dr. {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html


def test_staff_activity_page_escapes_every_field(staff, hostile_activity):
    html = assert_escaped(signed_in(staff).get(f"/staff/activities/{hostile_activity.pk}/"), shown=4)

    assert f"Room {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html
    assert f"Plenary {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html
    assert f"Dr. {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html


def test_staff_activity_list_escapes_the_title(staff, hostile_activity):
    assert_escaped(signed_in(staff).get("/staff/"))


def test_roster_escapes_the_learners_name_and_the_activity(staff, accreditor, hostile_claim):
    activity = hostile_claim.activity
    for user in (staff, accreditor):
        html = assert_escaped(signed_in(user).get(f"/staff/activities/{activity.pk}/roster/"), shown=2)

        assert f"<td>{SCRIPT_ESCAPED} {BOLD_ESCAPED}</td>" in html


def test_a_refused_roster_marking_escapes_what_was_typed(staff, hostile_activity):
    session = hostile_activity.sessions.get()

    response = signed_in(staff).post(f"/staff/activities/{hostile_activity.pk}/roster/",
                                     {"email": f"{SCRIPT}@example.org", "session": session.pk})  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert SCRIPT not in html
    assert BOLD not in html
    assert f"{SCRIPT_ESCAPED}@example.org" in html  # the typed email is given back, escaped


def test_staff_claims_page_escapes_the_learner_and_the_activity(staff, hostile_claim):
    client = signed_in(staff)

    for url in ("/staff/claims/", f"/staff/claims/?activity={hostile_claim.activity_id}"):
        html = assert_escaped(client.get(url), shown=2)

        assert f"{SCRIPT_ESCAPED} {BOLD_ESCAPED}, MD" in html


def test_my_credits_escapes_the_activity_my_name_and_a_revocation_reason(staff, hostile_claim, hostile_learner):
    client = signed_in(hostile_learner)
    html = assert_escaped(client.get("/my/credits/"), shown=2)
    assert f"{SCRIPT_ESCAPED} {BOLD_ESCAPED}, MD" in html

    certificate_revoke(certificate=hostile_claim.certificate, reason=f"Revoked {SCRIPT} {BOLD}", revoked_by=staff)

    html = assert_escaped(client.get("/my/credits/"), shown=2)
    assert f"Revoked {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html
    not_ready = client.get(f"/my/certificates/{hostile_claim.certificate.pk}/pdf/")
    assert not_ready.status_code == HTTPStatus.CONFLICT
    assert SCRIPT not in not_ready.content.decode()
    assert f"Revoked {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in not_ready.content.decode()


def test_staff_revoke_page_escapes_a_refused_reason(staff, hostile_claim):
    certificate = hostile_claim.certificate
    certificate_revoke(certificate=certificate, reason="First", revoked_by=staff)

    response = signed_in(staff).post(f"/staff/certificates/{certificate.pk}/revoke/", {"reason": f"{SCRIPT} {BOLD}"})

    assert response.status_code == HTTPStatus.BAD_REQUEST  # already revoked
    html = response.content.decode()
    assert SCRIPT not in html
    assert BOLD not in html
    assert f"{SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html  # the reason typed is given back, escaped


def test_verification_page_escapes_the_learner_and_the_activity(anon, hostile_claim):
    certificate = hostile_claim.certificate
    certificate_render(certificate_id=certificate.pk, version=certificate.version)

    html = assert_escaped(anon.get(f"/verify/{certificate.verification_code}/"), shown=2)

    assert f"Sepsis {SCRIPT_ESCAPED} {BOLD_ESCAPED}" in html


# --- PDFs: ReportLab's paragraph markup must not interpret the user's text ---------------------------------


def pdf_text(content: bytes) -> str:
    """All pages' text without whitespace (a table cell may wrap the text between words)."""
    assert content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("url", ["/my/transcript.pdf", "/api/v1/me/transcript.pdf"])
def test_transcript_pdf_prints_the_markup_literally(hostile_claim, hostile_learner, url):
    response = signed_in(hostile_learner).get(url)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert squeezed(f"{SCRIPT} {BOLD}, MD") in text  # the learner
    assert squeezed(f"Sepsis {SCRIPT} {BOLD}") in text  # the activity
    assert text.count(BOLD) >= 2


def test_certificate_pdf_prints_the_markup_literally(hostile_claim, hostile_learner):
    certificate = hostile_claim.certificate
    certificate_render(certificate_id=certificate.pk, version=certificate.version)

    response = signed_in(hostile_learner).get(f"/my/certificates/{certificate.pk}/pdf/")

    assert response.status_code == HTTPStatus.OK
    text = pdf_text(b"".join(response.streaming_content))
    assert squeezed(f"{SCRIPT} {BOLD}") in text
    assert squeezed(f"Sepsis {SCRIPT} {BOLD}") in text


def test_checkin_poster_prints_the_markup_literally(staff, hostile_activity):
    session = hostile_activity.sessions.get()

    response = signed_in(staff).get(f"/staff/sessions/{session.pk}/poster.pdf")

    assert response.status_code == HTTPStatus.OK
    text = pdf_text(response.content)
    assert squeezed(f"Sepsis {SCRIPT} {BOLD}") in text
