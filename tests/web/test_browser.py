"""Both journeys of the issue in Chromium, against a live server and a real Celery worker.

1. A clinician opens a check-in link on a phone, signs up and lands checked in, evaluates, claims credit,
   waits for the certificate, downloads it and verifies it on the public page.
2. A staff member creates an activity with two sessions and a disclosure, publishes it (first
   seeing what is missing), imports a roster CSV after a dry run that shows an error, and
   downloads the activity summary report.
3. A clinician is refused the staff pages.
Every main page is screenshotted under test-artifacts/screenshots/ and checked with axe-core.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from activities.timezones import today_in
from tests.factories import UserFactory, make_enduring_activity, make_published_activity
from tests.factories import staff_user as make_staff_user
from tests.web.browser import (
    DESKTOP,
    PHONE,
    WORKER_TIMEOUT_MS,
    assert_accessible,
    downloaded_pdf,
    shoot,
)

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.xdist_group("browser")]
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def catalog(db):
    """A small catalog so the pages look like the real thing."""
    grand_rounds = make_published_activity(
        title="Medicine grand rounds: sepsis in the emergency department",
        starts_in_hours=0.25, minutes=60, time_zone="America/New_York",
        objectives=("clinical-decision-making", "patient-management"),
        credits=(("ama-pra-1", "1.00"), ("participation", "1.00")),
    )  # fmt: skip
    make_published_activity(title="Opioid stewardship for prescribers", starts_in_hours=24 * 6, minutes=90,
                            objectives=("health-policy", "patient-management"))  # fmt: skip
    make_enduring_activity(title="Heart failure: what the 2026 guideline changes", objectives=("new-findings",))
    return grand_rounds


def test_clinician_journey_on_a_phone(open_page, celery_worker, catalog):
    page = open_page(PHONE)
    for url, name in (("/", "home"), ("/activities/", "catalog"), (f"/activities/{catalog.pk}/", "activity")):
        page.goto(url)
        shoot(page, name)
        assert_accessible(page, name)

    code = catalog.sessions.get().checkin_code
    sign_up_from_the_poster_link(page, code)
    check_in(page, code)
    evaluate(page)
    claim_credit(page)
    download_and_verify_the_certificate(page, "Zoë Adeyemi")
    page.goto("/my/profile/")
    shoot(page, "profile")
    assert not page.errors


def sign_up_from_the_poster_link(page, code: str):
    """The QR code opens the check-in link; a newcomer is sent to log in, and signs up instead."""
    page.goto(f"/checkin/{code}/")
    page.wait_for_url(re.compile(r"/login/\?next="))
    shoot(page, "login")
    assert_accessible(page, "login")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("Adeyemi")
    page.get_by_label("Email").fill("zoe.adeyemi@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Degree").select_option("MD")
    page.get_by_label("NPI").fill("1234567893")
    shoot(page, "signup")
    assert_accessible(page, "signup")
    page.get_by_role("button", name="Create account").click()


def check_in(page, code: str):
    """Back on the check-in link after signing up: checked in at once, no further tap."""
    page.wait_for_url(f"**/checkin/{code}/")
    page.get_by_role("heading", name="You are checked in").wait_for()
    shoot(page, "checkin-done")
    assert_accessible(page, "checkin done")
    page.reload()  # scanning the poster again says so, and writes nothing
    page.get_by_role("heading", name="You were already checked in").wait_for()


def evaluate(page):
    page.get_by_role("link", name="Evaluate this activity").click()
    page.get_by_label("5 – Excellent").check()
    for objective in page.get_by_role("group", name=re.compile("Was this objective met")).all():
        objective.get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name=re.compile("commercial bias")).get_by_label("No", exact=True).check()
    page.get_by_label("What will you change in your practice?").fill("Measure lactate at triage")
    shoot(page, "evaluate")
    assert_accessible(page, "evaluate")
    page.get_by_role("button", name="Submit evaluation").click()


def claim_credit(page):
    """The claim page shows the most that can be claimed; a physician defaults to AMA credit."""
    page.wait_for_url("**/claim/")
    assert page.locator(".maximum").first.inner_text() == "1.00"
    assert page.get_by_label("AMA PRA Category 1 Credit™").is_checked()
    shoot(page, "claim")
    assert_accessible(page, "claim")
    page.get_by_role("button", name="Claim credit").click()


def download_and_verify_the_certificate(page, name: str):
    """My credits turns "being prepared" into a download link once the worker has rendered it."""
    page.wait_for_url("**/my/credits/**")
    page.get_by_role("link", name="Download PDF").wait_for(timeout=WORKER_TIMEOUT_MS)
    page.reload()
    shoot(page, "my-credits")
    assert_accessible(page, "my credits")
    assert name in downloaded_pdf(page, page.get_by_role("link", name="Download PDF"))

    page.get_by_role("link", name=re.compile(r"^Verify \(")).click()
    page.get_by_role("heading", name=re.compile("Valid")).wait_for()
    assert f"{name}, MD" in page.locator("dl.facts").inner_text()
    shoot(page, "verify")
    assert_accessible(page, "verify")


def test_staff_journey_on_a_desktop(open_page, celery_worker):
    make_staff_user(first_name="Sofia", last_name="Reyes", email="sofia.reyes@example.org", password=PASSWORD)
    learners = [UserFactory(email="amara.okafor@example.org", first_name="Amara", last_name="Okafor"),
                UserFactory(email="li.wei@example.org", first_name="Wei", last_name="Li", degree="NP")]  # fmt: skip
    page = open_page(DESKTOP)
    day = today_in("America/New_York") + timedelta(days=1)

    log_in(page, "sofia.reyes@example.org", then="/staff/")
    create_activity(page)
    publish_after_seeing_what_is_missing(page, day)
    activity_url = page.url
    import_roster(page, learners, f"{day} 09:00", f"{day} 10:30")
    page.goto("/staff/claims/")
    shoot(page, "staff-claims")
    page.goto("/staff/")
    shoot(page, "staff-activity-list")
    assert_accessible(page, "staff activity list")

    # Last: the report's PDF is drawn by the reports app (reports.documents) in the worker.
    page.goto(activity_url)
    request_summary_report(page)
    assert not page.errors


def log_in(page, email: str, *, then: str):
    page.goto(f"/login/?next={then}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{then}")


def create_activity(page):
    page.get_by_role("link", name="New activity").click()
    fill_activity(page)
    shoot(page, "staff-activity-form")
    assert_accessible(page, "staff activity form")
    page.get_by_role("button", name="Save draft").click()


def publish_after_seeing_what_is_missing(page, day):
    page.get_by_role("button", name="Publish").click()
    summary = page.locator("#publish-errors")
    summary.wait_for()
    assert "Add at least one session." in summary.inner_text()
    assert "List the people in control of content" in summary.inner_text()
    shoot(page, "staff-publish-missing")

    for starts, ends in (("09:00", "10:00"), ("10:30", "11:30")):
        add_session(page, f"{day}T{starts}", f"{day}T{ends}")
    add_disclosure(page)
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("The activity is published").wait_for()
    assert_accessible(page, "staff activity page")
    shoot(page, "staff-activity")
    poster = page.request.get(page.get_by_role("link", name="Poster (PDF)").first.get_attribute("href"))
    assert poster.headers["content-type"] == "application/pdf" and poster.body().startswith(b"%PDF")


def fill_activity(page):
    page.get_by_label("Title").fill("Stroke update: thrombolysis and thrombectomy in 2026")
    page.get_by_label("Description").fill("Evidence and pathways for acute ischemic stroke care.")
    page.get_by_label("Activity type").select_option("course")
    page.get_by_label("Improve clinical decision making").check()
    page.get_by_label("Interpret new clinically relevant findings").check()
    page.get_by_label("Location").fill("Boston, MA — Simches auditorium")
    page.get_by_label("Maximum AMA PRA Category 1 Credit™").fill("2.00")
    page.get_by_label("Maximum Certificate of participation").fill("2.00")


def add_session(page, starts: str, ends: str):
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Starts").fill(starts)
    page.get_by_label("Ends").fill(ends)
    page.get_by_role("button", name="Add the session").click()
    page.get_by_text("The session is added.").wait_for()


def add_disclosure(page):
    page.get_by_role("link", name="Add a person and disclosure").click()
    page.get_by_label("Name (new person)").fill("Dr. Priya Raman")
    page.get_by_label("Degree (new person)").fill("MD")
    page.get_by_label("Role").select_option("faculty")
    page.get_by_label("Disclosure signed on").fill(str(timezone.localdate()))
    first = page.get_by_role("group", name=re.compile("Financial relationship 1"))
    first.get_by_label("Ineligible company").fill("Northwind Pharmaceuticals")
    first.get_by_label("Nature").select_option("consultant")
    first.get_by_label("Relevant to this activity").check()
    first.get_by_label("How it was mitigated").fill("Slides peer reviewed for fair balance")
    shoot(page, "staff-disclosure-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The person in control of content is recorded.").wait_for()


def import_roster(page, learners, first_start: str, second_start: str):
    page.get_by_role("link", name="Import roster CSV").click()
    bad = f"email,session\n{learners[0].email},{first_start}\nghost@example.org,{first_start}\n"
    page.get_by_label("Roster CSV").set_input_files(files=[csv_file(bad)])
    page.get_by_role("button", name="Check the file (dry run)").click()
    errors = page.locator(".errors-table")
    errors.wait_for()
    assert "No account has the email ghost@example.org" in errors.inner_text()
    assert re.search(r"^\s*3\s", errors.locator("tbody tr").first.inner_text())
    shoot(page, "staff-import-preview")
    assert_accessible(page, "staff import preview")

    good = f"email,session\n{learners[0].email},{first_start}\n{learners[1].email},{second_start}\n"
    page.get_by_label("Roster CSV").set_input_files(files=[csv_file(good)])
    page.get_by_role("button", name="Check the file (dry run)").click()
    page.get_by_role("button", name="Import 2 records").click()
    page.get_by_text("Imported: 2 new attendance record(s)").wait_for()
    roster = page.locator("table").inner_text()
    assert "Amara Okafor" in roster and "Wei Li" in roster
    shoot(page, "staff-roster")


def csv_file(content: str) -> dict:
    return {"name": "roster.csv", "mimeType": "text/csv", "buffer": content.encode()}


def request_summary_report(page):
    page.get_by_role("link", name="Activity summary report").click()
    page.get_by_role("button", name="Request the activity summary").click()
    page.get_by_text("Activity summary requested").wait_for()
    download = page.get_by_role("link", name="Download PDF")
    download.wait_for(timeout=WORKER_TIMEOUT_MS)
    shoot(page, "staff-reports")
    assert_accessible(page, "staff reports")
    assert "Stroke update" in downloaded_pdf(page, download)


def test_a_clinician_is_refused_the_staff_pages(open_page, celery_worker):
    UserFactory(email="maya.okafor@example.org", password=PASSWORD)
    page = open_page(PHONE)
    log_in(page, "maya.okafor@example.org", then="/my/credits/")
    assert page.get_by_role("link", name="CME office").count() == 0

    response = page.goto("/staff/")

    assert response.status == 403
    page.get_by_role("heading", name="You do not have access to this page").wait_for()
    shoot(page, "forbidden")
    assert page.goto("/staff/reports/").status == 403


def test_pages_obey_the_content_security_policy(open_page, celery_worker, catalog):
    """Without bypassing CSP: no refused inline script or style, and the stylesheet applies."""
    UserFactory(email="csp@example.org", password=PASSWORD)
    page = open_page(PHONE, bypass_csp=False)
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    log_in(page, "csp@example.org", then="/my/credits/")
    for url in ("/", "/activities/", f"/activities/{catalog.pk}/", "/checkin/", "/my/credits/", "/verify/"):
        page.goto(url)
        header = page.locator(".site-header").evaluate("element => getComputedStyle(element).backgroundColor")
        assert header == "rgb(11, 46, 89)", url
    assert not refused
    assert not page.errors
