"""The clinician's pages: check-in, evaluation, claim, my credits, certificate and transcript PDFs, profile."""

import io
import re
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.utils import timezone
from pypdf import PdfReader

from activities.services import activity_close
from attendance.models import Attendance, Evaluation
from attendance.services import UNKNOWN_CODE
from certificates.services import certificate_reissue, certificate_render
from claims.models import Claim
from claims.services import ABOVE_ATTENDED, EVALUATION_MISSING, PHYSICIANS_ONLY
from tests.factories import make_published_activity
from tests.web.conftest import attend, evaluate, text_of

pytestmark = pytest.mark.django_db


def checkin_url(activity) -> str:
    return f"/checkin/{activity.sessions.get().checkin_code}/"


# --- check-in -------------------------------------------------------------------------------------


def test_poster_link_sends_a_visitor_to_log_in_and_back(anon, live_activity):
    url = checkin_url(live_activity)

    response = anon.get(url, headers=SCANNED)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/login/?next={url}"


SCANNED = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
AFTER_LOGIN = {**SCANNED, "Sec-Fetch-Site": "same-origin"}


def test_scanning_the_poster_checks_in_at_once_and_says_so(clinician_web, clinician, live_activity):
    response = clinician_web.get(checkin_url(live_activity), headers=SCANNED)
    again = clinician_web.get(checkin_url(live_activity), headers=AFTER_LOGIN)

    assert response.status_code == HTTPStatus.CREATED
    assert "You are checked in" in text_of(response)
    assert "Sec-Fetch-Site" in response["Vary"] and "no-store" in response["Cache-Control"]
    assert again.status_code == HTTPStatus.OK
    assert re.search(
        r"You were already checked in .* Your check-in was recorded at \d+:\d\d [AP]M C[SD]T", text_of(again)
    )
    attendance = Attendance.objects.get()
    assert (attendance.user, attendance.method) == (clinician, "code")


@pytest.mark.parametrize(
    "headers",
    [
        {},  # an old browser: nobody can tell where the link was
        {**SCANNED, "Sec-Fetch-Site": "cross-site"},
        {**SCANNED, "Sec-Fetch-Site": "same-site"},
        {**SCANNED, "Sec-Purpose": "prefetch;prerender"},
        {**SCANNED, "Purpose": "prefetch"},
        {**SCANNED, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
    ],
    ids=["no-header", "cross-site", "same-site", "sec-purpose-prefetch", "purpose-prefetch", "image"],
)
def test_a_link_from_elsewhere_asks_for_one_tap_and_does_not_check_in(clinician_web, live_activity, headers):
    response = clinician_web.get(checkin_url(live_activity), headers=headers)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Grand rounds: sepsis update" in text_of(response)
    assert re.search(r'<form method="post" action="/checkin/\w{6}/">', html)
    assert "autofocus" in html
    assert not Attendance.objects.exists()


def test_a_link_from_elsewhere_still_asks_for_the_tap_after_signing_in(anon, clinician, live_activity):
    url = checkin_url(live_activity)
    scanned = anon.get(url, headers=SCANNED)
    foreign = anon.get(url, headers={**SCANNED, "Sec-Fetch-Site": "cross-site"})
    assert scanned["Location"] == f"/login/?next={quote(url)}"
    assert foreign["Location"] == f"/login/?next={quote(url + '?confirm=1')}"

    anon.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    landed = anon.get(url + "?confirm=1", headers=AFTER_LOGIN)  # our own redirect: same-origin

    assert landed.status_code == HTTPStatus.OK
    assert re.search(r'<form method="post" action="/checkin/\w{6}/">', landed.content.decode())
    assert not Attendance.objects.exists()


def test_a_head_request_never_checks_in(clinician_web, live_activity):
    response = clinician_web.head(checkin_url(live_activity), headers=SCANNED)

    assert response.status_code == HTTPStatus.OK
    assert not Attendance.objects.exists()


def test_a_link_from_elsewhere_says_already_checked_in_without_a_button(clinician_web, clinician, live_activity):
    attend(clinician, live_activity)

    response = clinician_web.get(checkin_url(live_activity), headers={**SCANNED, "Sec-Fetch-Site": "cross-site"})

    assert response.status_code == HTTPStatus.OK
    assert "You were already checked in" in text_of(response)
    assert Attendance.objects.count() == 1


def test_tapping_checks_in_and_says_so(clinician_web, clinician, live_activity):
    response = clinician_web.post(checkin_url(live_activity))
    again = clinician_web.post(checkin_url(live_activity))

    assert response.status_code == HTTPStatus.CREATED
    assert "You are checked in" in text_of(response)
    assert again.status_code == HTTPStatus.OK
    assert "You were already checked in" in text_of(again)
    attendance = Attendance.objects.get()
    assert (attendance.user, attendance.method) == (clinician, "code")


@pytest.mark.parametrize("headers", [SCANNED, {}], ids=["scanned", "no-header"])
def test_unknown_code_says_so(clinician_web, live_activity, headers):
    response = clinician_web.get("/checkin/ZZZZZZ/", headers=headers)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert f"You are not checked in {UNKNOWN_CODE}" in text_of(response)


@pytest.mark.parametrize("headers", [SCANNED, {}], ids=["scanned", "no-header"])
def test_closed_window_says_when_it_closed(clinician_web, headers):
    activity = make_published_activity(starts_in_hours=-3, minutes=60, time_zone="America/Denver")

    response = clinician_web.get(checkin_url(activity), headers=headers)
    tapped = clinician_web.post(checkin_url(activity))

    assert response.status_code == tapped.status_code == HTTPStatus.BAD_REQUEST
    closed = (
        r"You are not checked in Check-in for this session closed at \w+ \d+, \d{4}, \d+:\d\d [AP]M M[SD]T, "
        r"when it ended\."
    )
    assert re.search(closed, text_of(response))
    assert re.search(closed, text_of(tapped))
    assert "Check in to this session" not in text_of(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("headers", [SCANNED, {}], ids=["scanned", "no-header"])
def test_window_not_open_yet_says_when_it_opens(clinician_web, headers):
    activity = make_published_activity(starts_in_hours=3, minutes=60, time_zone="America/Chicago")

    response = clinician_web.get(checkin_url(activity), headers=headers)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert re.search(
        r"Check-in for this session opens at \w+ \d+, \d{4}, \d+:\d\d [AP]M C[SD]T \(30 minutes before it starts\)\.",
        text_of(response),
    )
    assert not Attendance.objects.exists()


def test_a_closed_activity_says_so(clinician_web, staff, live_activity):
    activity_close(activity=live_activity, closed_by=staff)

    response = clinician_web.get(checkin_url(live_activity), headers=SCANNED)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Check-in for this activity is closed." in text_of(response)
    assert not Attendance.objects.exists()


def test_code_box_checks_in_and_a_typed_code_opens_the_confirmation(clinician_web, live_activity):
    code = live_activity.sessions.get().checkin_code

    typed = clinician_web.get(f"/checkin/?code={code.lower()}")
    response = clinician_web.post("/checkin/", {"code": f" {code.lower()} "})

    assert typed["Location"] == f"/checkin/{code}/"
    assert response.status_code == HTTPStatus.CREATED
    assert Attendance.objects.count() == 1


# --- evaluation and claim -------------------------------------------------------------------------


def evaluation_form(activity, **changes) -> dict:
    data = {"overall_rating": "5", "commercial_bias": "no", "practice_change": "Earlier lactate", "comments": ""}
    data.update({f"objective_{o.slug.replace('-', '_')}": "yes" for o in activity.objectives.all()})
    return {**data, **changes}


def test_evaluation_after_attending(clinician_web, clinician, live_activity):
    attend(clinician, live_activity)

    page = clinician_web.get(f"/activities/{live_activity.pk}/evaluate/")
    response = clinician_web.post(f"/activities/{live_activity.pk}/evaluate/", evaluation_form(live_activity))

    assert "Was this objective met? Improve clinical decision making" in text_of(page)
    assert response["Location"] == f"/activities/{live_activity.pk}/claim/"
    assert Evaluation.objects.get().practice_change == "Earlier lactate"


def test_evaluation_without_attending_is_refused_in_words(clinician_web, live_activity):
    response = clinician_web.post(f"/activities/{live_activity.pk}/evaluate/", evaluation_form(live_activity))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Evaluate the activity after attending it." in text_of(response)
    assert not Evaluation.objects.exists()


def test_missing_answer_is_shown_next_to_the_field(clinician_web, clinician, live_activity):
    attend(clinician, live_activity)

    response = clinician_web.post(
        f"/activities/{live_activity.pk}/evaluate/", evaluation_form(live_activity, overall_rating="")
    )

    assert 'id="id_overall_rating_error"' in response.content.decode()


def test_claim_page_shows_the_maximum_claimable(clinician_web, clinician):
    activity = make_published_activity(sessions=2, minutes=60)
    attend(clinician, activity, activity.sessions.first())

    text = text_of(clinician_web.get(f"/activities/{activity.pk}/claim/"))

    assert "AMA PRA Category 1 Credit™ 1.00 (designated maximum 2.00)" in text
    assert "Sessions you attended 1.00 credit hour" in text


def test_claim_above_the_attended_hours_is_explained_next_to_credits(clinician_web, clinician):
    activity = make_published_activity(sessions=2, minutes=60)
    attend(clinician, activity, activity.sessions.first())
    evaluate(clinician, activity)

    response = clinician_web.post(f"/activities/{activity.pk}/claim/", {"credit_type": "ama-pra-1", "credits": "2.00"})

    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert re.search(r'id="id_credits_error">\s*<span>' + re.escape(ABOVE_ATTENDED.format(hours="1.00")), html)
    assert not Claim.objects.exists()


def test_claim_without_evaluation_explains_and_links_to_it(clinician_web, clinician, live_activity):
    attend(clinician, live_activity)

    response = clinician_web.post(
        f"/activities/{live_activity.pk}/claim/", {"credit_type": "ama-pra-1", "credits": "1.00"}
    )

    assert EVALUATION_MISSING in text_of(response)
    assert f'href="/activities/{live_activity.pk}/evaluate/"' in response.content.decode()


def test_nurse_defaults_to_participation_and_is_told_why_not_ama(nurse_web, nurse, live_activity):
    attend(nurse, live_activity)
    evaluate(nurse, live_activity)

    page = nurse_web.get(f"/activities/{live_activity.pk}/claim/").content.decode()
    refused = nurse_web.post(f"/activities/{live_activity.pk}/claim/", {"credit_type": "ama-pra-1", "credits": "1.00"})

    assert re.search(r'value="participation"[^>]*checked', page)
    assert PHYSICIANS_ONLY in text_of(refused)


def test_accepted_claim_goes_to_my_credits(clinician_web, clinician, live_activity):
    attend(clinician, live_activity)
    evaluate(clinician, live_activity)

    response = clinician_web.post(
        f"/activities/{live_activity.pk}/claim/", {"credit_type": "ama-pra-1", "credits": "1.00"}
    )

    assert response["Location"] == "/my/credits/#certificates"
    assert Claim.objects.get().certificate.status == "pending"
    assert "You claimed 1.00 AMA PRA Category 1 Credit™" in text_of(
        clinician_web.get(f"/activities/{live_activity.pk}/claim/")
    )


# --- my credits, certificates, transcript, profile -------------------------------------------------


@pytest.fixture
def claimed(clinician, live_activity):
    from claims.services import claim_submit

    attend(clinician, live_activity)
    evaluate(clinician, live_activity)
    return claim_submit(user=clinician, activity=live_activity, credit_type="ama-pra-1", credits=1)


def test_my_credits_shows_a_pending_certificate_that_updates_itself(clinician_web, claimed):
    certificate = claimed.certificate

    response = clinician_web.get("/my/credits/")
    status = clinician_web.get(f"/my/certificates/{certificate.pk}/status/").json()

    html = response.content.decode()
    assert f'data-status-url="/my/certificates/{certificate.pk}/status/"' in html
    assert '<script src="/static/web/poll.js" defer></script>' in html
    assert status == {"status": "pending", "label": "Being prepared", "links": []}
    assert clinician_web.get(f"/my/certificates/{certificate.pk}/pdf/").status_code == HTTPStatus.CONFLICT


def test_ready_certificate_downloads_for_its_owner_only(clinician_web, other_web, claimed):
    certificate = claimed.certificate
    certificate_render(certificate_id=certificate.pk, version=certificate.version)

    status = clinician_web.get(f"/my/certificates/{certificate.pk}/status/").json()
    response = clinician_web.get(f"/my/certificates/{certificate.pk}/pdf/")

    assert status["status"] == "ready"
    assert status["links"][0] == {"href": f"/my/certificates/{certificate.pk}/pdf/", "text": "Download PDF",
                                  "download": True}  # fmt: skip
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("inline;")
    assert "lovelace" in response["Content-Disposition"].lower()
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "Ada Lovelace" in text
    assert other_web.get(f"/my/certificates/{certificate.pk}/pdf/").status_code == HTTPStatus.NOT_FOUND


def test_during_a_correction_the_page_serves_the_last_rendered_version(clinician_web, claimed, clinician):
    certificate = claimed.certificate
    certificate_render(certificate_id=certificate.pk, version=certificate.version)
    clinician.first_name = "Augusta Ada"
    clinician.save()
    certificate_reissue(certificate=certificate, reason="Name corrected", requested_by=clinician)

    status = clinician_web.get(f"/my/certificates/{certificate.pk}/status/").json()
    while_rendering = clinician_web.get(f"/my/certificates/{certificate.pk}/pdf/")
    certificate.refresh_from_db()
    certificate_render(certificate_id=certificate.pk, version=certificate.version)
    after = clinician_web.get(f"/my/certificates/{certificate.pk}/pdf/")

    assert status["status"] == "pending"
    assert status["links"][0]["text"] == "Download PDF"
    assert while_rendering.status_code == HTTPStatus.OK
    first = PdfReader(io.BytesIO(b"".join(while_rendering.streaming_content))).pages[0].extract_text()
    second = PdfReader(io.BytesIO(b"".join(after.streaming_content))).pages[0].extract_text()
    assert "Ada Lovelace" in first and "Augusta Ada" not in first
    assert "Augusta Ada Lovelace" in second


def test_transcript_totals_and_pdf(clinician_web, claimed):
    today = timezone.localdate()
    page = text_of(
        clinician_web.get(f"/my/credits/?date_from={today - timedelta(days=30)}&date_to={today + timedelta(days=1)}")
    )
    pdf = clinician_web.get(f"/my/transcript.pdf?date_from={today - timedelta(days=30)}")

    assert "Totals by credit type AMA PRA Category 1 Credit™ 1.00" in page
    assert "Improve clinical decision making 1.00" in page
    assert pdf.status_code == HTTPStatus.OK and pdf["Content-Type"] == "application/pdf"
    assert "Ada Lovelace" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_transcript_range_error_is_next_to_the_field(clinician_web):
    response = clinician_web.get("/my/credits/?date_from=2026-05-01&date_to=2026-01-01")

    assert "The end of the range is before its start." in text_of(response)


def test_renewal_progress_when_the_license_expiry_is_known(clinician_web, clinician, claimed):
    clinician.license_state, clinician.license_expires = "MA", timezone.localdate() + timedelta(days=200)
    clinician.save()

    text = text_of(clinician_web.get("/my/credits/"))

    assert "MA license renewal" in text
    assert "Total credits 50.00 1.00 Not yet" in text


def test_profile_update_and_npi_error_next_to_the_field(clinician_web, clinician):
    bad = clinician_web.post("/my/profile/", {"first_name": "Ada", "last_name": "Lovelace", "degree": "DO",
                                              "npi": "1234567890", "license_state": "ma"})  # fmt: skip
    good = clinician_web.post("/my/profile/", {"first_name": "Ada", "last_name": "Lovelace", "degree": "DO",
                                               "npi": "1234567893", "license_state": "ma",
                                               "license_expires": "2027-06-30"})  # fmt: skip

    assert re.search(r'id="id_npi_error">\s*<span>Enter a valid NPI', bad.content.decode())
    assert good["Location"] == "/my/profile/"
    clinician.refresh_from_db()
    assert (clinician.degree, clinician.npi, clinician.license_state) == ("DO", "1234567893", "MA")
