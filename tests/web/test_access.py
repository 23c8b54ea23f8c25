"""Who may open which page, that every link on the main pages leads somewhere, and CSP hygiene."""

import re
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders

from claims.services import claim_submit
from tests.factories import UserFactory
from tests.web.conftest import attend, evaluate, page_links, page_title, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(clinician, live_activity):
    """A published activity the clinician attended, evaluated and claimed (certificate pending)."""
    attend(clinician, live_activity)
    evaluate(clinician, live_activity)
    claim = claim_submit(user=clinician, activity=live_activity, credit_type="ama-pra-1", credits=1)
    return {"activity": live_activity, "session": live_activity.sessions.get(), "certificate": claim.certificate}


def staff_urls(records) -> list[str]:
    activity, session, certificate = records["activity"], records["session"], records["certificate"]
    return [
        "/staff/", "/staff/activities/new/", f"/staff/activities/{activity.pk}/",
        f"/staff/activities/{activity.pk}/edit/",
        f"/staff/activities/{activity.pk}/sessions/new/", f"/staff/sessions/{session.pk}/edit/",
        f"/staff/sessions/{session.pk}/poster.pdf", f"/staff/activities/{activity.pk}/disclosures/new/",
        f"/staff/activities/{activity.pk}/roster/", f"/staff/activities/{activity.pk}/import/", "/staff/claims/",
        f"/staff/certificates/{certificate.pk}/revoke/", "/staff/reports/",
    ]  # fmt: skip


WRITE_ONLY = ("/new/", "/edit/", "/import/", "/revoke/", "poster.pdf", "/sessions/new/", "/disclosures/new/")


def test_clinicians_are_refused_every_staff_page(clinician_web, records):
    for url in staff_urls(records):
        response = clinician_web.get(url)
        assert response.status_code == HTTPStatus.FORBIDDEN, url
        assert "You do not have access to this page" in response.content.decode()
    assert clinician_web.post(f"/staff/activities/{records['activity'].pk}/close/").status_code == HTTPStatus.FORBIDDEN


def test_anonymous_visitors_are_sent_to_log_in(anon, records):
    for url in [*staff_urls(records), "/my/credits/", "/my/profile/", "/checkin/", "/my/transcript.pdf"]:
        response = anon.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith("/login/?next="), url


def test_staff_open_every_staff_page(staff_web, records):
    for url in staff_urls(records):
        assert staff_web.get(url).status_code == HTTPStatus.OK, url


def test_accreditation_reads_but_never_writes(accreditation_web, records):
    activity = records["activity"]
    for url in staff_urls(records):
        expected = HTTPStatus.FORBIDDEN if any(part in url for part in WRITE_ONLY) else HTTPStatus.OK
        assert accreditation_web.get(url).status_code == expected, url
    base = f"/staff/activities/{activity.pk}"
    for url in (f"{base}/close/", f"{base}/publish/", f"{base}/roster/", f"{base}/certificates/requeue/"):
        assert accreditation_web.post(url, {}).status_code == HTTPStatus.FORBIDDEN, url
    page = accreditation_web.get(f"/staff/activities/{activity.pk}/").content.decode()
    assert 'method="post"' not in page.replace('action="/logout/"', "").split("</header>", 1)[1]
    assert records["session"].checkin_code not in page


def test_accreditation_may_request_reports(accreditation_web, records):
    response = accreditation_web.post(
        "/staff/reports/", {"kind": "activity-summary", "summary-activity": records["activity"].pk}
    )

    assert response.status_code == HTTPStatus.FOUND


def main_pages(records) -> dict[str, list[str]]:
    activity = records["activity"]
    public = ["/", "/activities/", f"/activities/{activity.pk}/", "/verify/", "/login/", "/signup/", "/password-reset/"]
    clinician = [*public, "/checkin/", f"/activities/{activity.pk}/evaluate/", f"/activities/{activity.pk}/claim/",
                 "/my/credits/", "/my/profile/"]  # fmt: skip
    return {"anonymous": public, "clinician": clinician, "staff": [*clinician, *staff_urls(records)]}


def _fine(client, href: str) -> bool:
    if href.startswith("/static/"):
        return finders.find(href.removeprefix("/static/")) is not None
    return client.get(href).status_code in (HTTPStatus.OK, HTTPStatus.FOUND)


def test_no_broken_internal_links_on_the_main_pages(anon, records, clinician, staff):
    clients = {"anonymous": anon, "clinician": signed_in(clinician), "staff": signed_in(staff)}
    checked: dict[tuple[str, str], bool] = {}
    for role, urls in main_pages(records).items():
        client = clients[role]
        for url in urls:
            response = client.get(url)
            if not response["Content-Type"].startswith("text/html"):
                continue
            for href in page_links(response.content.decode()):
                if not href.startswith("/") or (role, href) in checked:
                    continue
                checked[(role, href)] = _fine(client, href)
    broken = [pair for pair, fine in checked.items() if not fine]
    assert not broken
    assert len(checked) > 40


INLINE = re.compile(r"<style|\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=", re.IGNORECASE)


def test_pages_carry_no_inline_script_or_style_and_have_distinct_titles(anon, records, clinician, staff):
    clients = {"anonymous": anon, "clinician": signed_in(clinician), "staff": signed_in(staff)}
    titles: dict[str, set[str]] = {}
    for role, urls in main_pages(records).items():
        for url in urls:
            response = clients[role].get(url)
            if response.status_code != HTTPStatus.OK or not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            assert not INLINE.search(html), (url, INLINE.search(html).group(0))
            titles.setdefault(page_title(html), set()).add(url)
    shared = {title: urls for title, urls in titles.items() if len(urls) > 1}
    assert not shared
    assert len(titles) >= 20


def test_csp_and_frame_headers(anon):
    response = anon.get("/")

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("count", [2, 12])
def test_list_pages_cost_the_same_few_queries_however_long(
    anon, staff_web, clinician, count, django_assert_max_num_queries
):
    from tests.factories import make_claim

    for index in range(count):
        make_claim(UserFactory(), title=f"Course {index}")
    make_claim(clinician)
    clinician_web = signed_in(clinician)
    for client, url, limit in ((anon, "/activities/?past=on", 12), (staff_web, "/staff/", 15),
                               (staff_web, "/staff/claims/", 15), (clinician_web, "/my/credits/", 20)):  # fmt: skip
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == HTTPStatus.OK
