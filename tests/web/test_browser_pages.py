"""Every main page in Chromium: a 375-px phone without sideways scrolling, axe-core, screenshots; the keyboard.

Screenshots land in test-artifacts/screenshots/ as `375-<page>.png` and `desktop-<page>.png`.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from attendance.models import Attendance
from certificates.services import certificate_render
from claims.models import Claim
from reports.services import report_request
from tests.factories import (
    UserFactory,
    accreditation_user,
    evaluate,
    make_activity,
    make_claim,
    make_enduring_activity,
    make_published_activity,
)
from tests.factories import staff_user as make_staff_user
from tests.web.browser import DESKTOP, PHONE, assert_accessible, shoot
from tests.web.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PASSWORD = "a-long-passphrase-42"
FITS_THE_SCREEN = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# What sticks out (for the failure message), skipping what scrolls inside an allowed `.table-wrap`.
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !(e.parentElement && e.parentElement.closest('.table-wrap')))
  .slice(0, 8).map(e => `${e.tagName}.${e.className}#${e.id} right=${Math.round(e.getBoundingClientRect().right)}`)"""


@pytest.fixture
def office(db):
    """A small office: activities coming up, running now, past and enduring; a learner with a certificate."""
    rounds = make_published_activity(
        title="Medicine grand rounds: sepsis in the emergency department", starts_in_hours=0.25, minutes=60,
        time_zone="America/New_York", objectives=("clinical-decision-making", "patient-management"),
        credits=(("ama-pra-1", "1.00"), ("participation", "1.00")),
    )  # fmt: skip
    coming = make_published_activity(title="Opioid stewardship for prescribers", starts_in_hours=24 * 20,
                                     minutes=90, objectives=("health-policy",))  # fmt: skip
    past = make_published_activity(title="Last month's stroke update", starts_in_hours=-24 * 30, minutes=60)
    make_enduring_activity(title="Heart failure: what the 2026 guideline changes", objectives=("new-findings",))
    draft = make_activity(title="A draft workshop with a rather long title that must still wrap on a phone")
    learner = UserFactory(first_name="Ada", last_name="Lovelace-Okonkwo-Villanueva", email="ada@example.org",
                          password=PASSWORD)  # fmt: skip
    claim = make_claim(learner, activity=past, credit_type="ama-pra-1")
    certificate_render(certificate_id=claim.certificate.pk, version=claim.certificate.version)
    staff = make_staff_user(first_name="Sofia", last_name="Reyes", email="sofia@example.org", password=PASSWORD)
    report_request(kind="activity-summary", requested_by=staff, activity=past)
    return {"rounds": rounds, "coming": coming, "past": past, "draft": draft, "learner": learner,
            "certificate": claim.certificate, "staff": staff,
            "accreditor": accreditation_user(email="acc@example.org", password=PASSWORD)}  # fmt: skip


def sign_in(page, live_server, user) -> None:
    """The browser gets the session cookie of a signed-in test client (no login form, no throttle)."""
    cookie = signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def check_page(page, url: str, name: str, status: int = 200) -> None:
    """At 375 px: the status, no sideways scrolling of the page, axe-core; then a desktop screenshot."""
    page.set_viewport_size(PHONE)
    response = page.goto(url)
    assert response.status == status, f"{url}: {response.status}"
    scroll_width, width = page.evaluate(FITS_THE_SCREEN)
    wide = [] if scroll_width <= width else page.evaluate(TOO_WIDE)
    assert scroll_width <= width, f"{url} scrolls sideways at 375 px: {scroll_width} > {width}: {wide}"
    shoot(page, f"375-{name}")
    assert_accessible(page, name)
    page.set_viewport_size(DESKTOP)
    shoot(page, f"desktop-{name}")


def test_public_pages(open_page, live_server, office):
    page = open_page(PHONE)
    certificate, rounds = office["certificate"], office["rounds"]
    for url, name in [
        ("/", "home"),
        ("/activities/", "catalog"),
        (f"/activities/{rounds.pk}/", "activity"),
        (f"/activities/{office['past'].pk}/", "activity-past"),
        ("/verify/", "verify-box"),
        (f"/verify/{certificate.verification_code}/", "verify"),
        ("/login/", "login"),
        ("/signup/", "signup"),
        ("/password-reset/", "password-reset"),
    ]:
        check_page(page, url, name)
    check_page(page, "/verify/0000000000000000/", "verify-unknown", status=404)
    check_page(page, "/activities/999999/", "not-found", status=404)
    assert not page.errors


def test_clinician_pages(open_page, live_server, office):
    page = open_page(PHONE)
    learner, rounds, past = office["learner"], office["rounds"], office["past"]
    sign_in(page, live_server, learner)
    code = rounds.sessions.get().checkin_code
    for url, name in [
        ("/checkin/", "checkin-box"),
        (f"/activities/{past.pk}/evaluate/", "evaluate-done"),
        (f"/activities/{past.pk}/claim/", "claim-done"),
        ("/my/credits/", "my-credits"),
        ("/my/profile/", "profile"),
    ]:
        check_page(page, url, name)
    check_page(page, f"/checkin/{code}/", "checkin-done", status=201)  # scanned: checked in at once
    check_page(page, f"/checkin/{code}/", "checkin-again")
    check_page(page, "/checkin/ZZZZZZ/", "checkin-unknown", status=404)
    check_page(page, "/staff/", "forbidden", status=403)
    page.get_by_role("heading", name="You do not have access to this page").wait_for()
    check_page(page, f"/activities/{rounds.pk}/evaluate/", "evaluate")
    evaluate(learner, rounds)
    check_page(page, f"/activities/{rounds.pk}/claim/", "claim")
    assert not page.errors


def staff_pages(office, *, writes: bool) -> list[tuple[str, str]]:
    past, draft = office["past"], office["draft"]
    pages = [
        ("/staff/", "staff-activity-list"),
        (f"/staff/activities/{past.pk}/", "staff-activity-past"),
        (f"/staff/activities/{draft.pk}/", "staff-activity-draft"),
        (f"/staff/activities/{past.pk}/roster/", "staff-roster"),
        ("/staff/claims/", "staff-claims"),
        ("/staff/reports/", "staff-reports"),
    ]
    if writes:
        session = past.sessions.get()
        pages += [
            ("/staff/activities/new/", "staff-activity-new"),
            (f"/staff/activities/{past.pk}/edit/", "staff-activity-edit"),
            (f"/staff/activities/{draft.pk}/sessions/new/", "staff-session-new"),
            (f"/staff/sessions/{session.pk}/edit/", "staff-session-edit"),
            (f"/staff/activities/{draft.pk}/disclosures/new/", "staff-disclosure-new"),
            (f"/staff/activities/{past.pk}/import/", "staff-import"),
            (f"/staff/certificates/{office['certificate'].pk}/revoke/", "staff-revoke"),
        ]
    return pages


def test_staff_pages(open_page, live_server, office):
    page = open_page(PHONE)
    sign_in(page, live_server, office["staff"])
    for url, name in staff_pages(office, writes=True):
        check_page(page, url, name)
    assert not page.errors


def test_accreditation_pages(open_page, live_server, office):
    page = open_page(PHONE)
    sign_in(page, live_server, office["accreditor"])
    for url, name in staff_pages(office, writes=False):
        check_page(page, url, f"accreditation-{name.removeprefix('staff-')}")
    assert page.get_by_role("button", name="Request the activity summary").count() == 1
    check_page(page, "/staff/activities/new/", "accreditation-forbidden", status=403)
    assert not page.errors


def test_catalog_date_filter_and_objectives(open_page, live_server, office):
    page = open_page(PHONE)
    page.goto("/activities/")
    titles = page.locator(".cards h3")
    assert "Last month's stroke update" not in titles.all_inner_texts()

    page.get_by_text("Filter by objective, type and date").click()
    page.get_by_label("Include past activities").check()
    page.get_by_label("Starting on or after").fill(str(timezone.localdate() - timedelta(days=40)))
    page.get_by_label("Starting by").fill(str(timezone.localdate() - timedelta(days=1)))
    page.get_by_role("button", name="Show activities").click()
    page.wait_for_url(re.compile(r"starts_after="))

    # Started in that range: last month's course, and the enduring material available since ten days ago.
    assert sorted(titles.all_inner_texts()) == ["Heart failure: what the 2026 guideline changes",
                                                "Last month's stroke update"]  # fmt: skip
    assert page.get_by_label("Starting by").input_value() == str(timezone.localdate() - timedelta(days=1))
    shoot(page, "375-catalog-filtered")

    page.get_by_role("link", name="Last month's stroke update").click()
    objectives = page.get_by_role("region", name="Learning objectives").get_by_role("listitem")
    assert objectives.all_inner_texts()[0].startswith("Improve clinical decision making")
    rounds = office["rounds"]
    page.goto(f"/activities/{rounds.pk}/")
    listed = page.get_by_role("region", name="Learning objectives").get_by_role("listitem").all_inner_texts()
    assert [text.split(":")[0] for text in listed] == [o.name for o in rounds.objectives.all()]


# --- the keyboard ---------------------------------------------------------------------------------


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def focus_ring(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
                   return {visible: e.matches(':focus-visible'), style: s.outlineStyle, width: s.outlineWidth}; }"""
    )


def test_keyboard_only_login_check_in_and_claim(open_page, live_server, office):
    learner, rounds = office["learner"], office["rounds"]
    code = rounds.sessions.get().checkin_code
    page = open_page(PHONE)
    page.goto("/login/?next=/checkin/")

    tab_to(page, "#id_username")
    ring = focus_ring(page)
    assert ring["visible"] and ring["style"] != "none" and ring["width"] != "0px", ring
    page.keyboard.type(learner.email)
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^https?://[^/]+/checkin/$"))

    tab_to(page, "#id_code")
    page.keyboard.type(code.lower())
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="You are checked in").wait_for()
    assert Attendance.objects.filter(user=learner, session__activity=rounds).exists()

    evaluate(learner, rounds)
    page.goto(f"/activities/{rounds.pk}/claim/")
    tab_to(page, "button[type=submit].primary")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Claim credit"
    ring = focus_ring(page)
    assert ring["visible"] and ring["style"] != "none", ring
    shoot(page, "375-claim-keyboard-focus")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"^https?://[^/]+/my/credits/"))
    assert Claim.objects.filter(user=learner, activity=rounds).exists()
    assert not page.errors


def test_a_check_in_link_on_another_site_asks_for_one_tap(open_page, live_server, office):
    """Chromium itself says `Sec-Fetch-Site: cross-site` for a link on another site: no check-in without the tap."""
    learner, rounds = office["learner"], office["rounds"]
    code = rounds.sessions.get().checkin_code
    page = open_page(PHONE)
    sign_in(page, live_server, learner)
    link = f'<!doctype html><title>Elsewhere</title><a href="{live_server.url}/checkin/{code}/">Check in</a>'
    page.route("http://elsewhere.example/", lambda route: route.fulfill(body=link, content_type="text/html"))
    page.goto("http://elsewhere.example/")

    page.get_by_role("link", name="Check in").click()
    button = page.get_by_role("button", name="Check in to this session")
    button.wait_for()

    assert button.evaluate("element => element === document.activeElement")
    assert not Attendance.objects.filter(user=learner, session__activity=rounds).exists()
    scroll_width, width = page.evaluate(FITS_THE_SCREEN)
    assert scroll_width <= width
    shoot(page, "375-checkin-confirm")
    assert_accessible(page, "checkin confirm")
    button.click()
    page.get_by_role("heading", name="You are checked in").wait_for()
    assert Attendance.objects.filter(user=learner, session__activity=rounds).count() == 1
