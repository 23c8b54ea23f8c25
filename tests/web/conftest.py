"""Page-test helpers: Django test clients signed in per role, and activities in useful states."""

import os
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.factories import attend, evaluate, make_published_activity  # noqa: F401 - the web tests import them here
from tests.web.browser import CHROMIUM_ARGS, chromium_or_skip

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def anon():
    return Client()


@pytest.fixture
def clinician_web(clinician):
    return signed_in(clinician)


@pytest.fixture
def other_web(other_clinician):
    return signed_in(other_clinician)


@pytest.fixture
def nurse_web(nurse):
    return signed_in(nurse)


@pytest.fixture
def staff_web(staff):
    return signed_in(staff)


@pytest.fixture
def accreditation_web(accreditor):
    return signed_in(accreditor)


@pytest.fixture
def live_activity(db):
    """Published, one 60-minute session starting in 15 minutes (check-in is open), in Chicago time."""
    return make_published_activity(
        starts_in_hours=0.25,
        minutes=60,
        title="Grand rounds: sepsis update",
        time_zone="America/Chicago",
        credits=(("ama-pra-1", "1.00"), ("participation", "1.00")),
    )


# --- the browser tests (Playwright and Chromium) ---------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls are safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def open_page(browser, live_server):
    """Opens pages in fresh browser contexts (own cookies), closed after the test.

    Closing matters: Chromium keeps HTTP connections alive, and each one holds a live-server thread
    with its own database connection, which would keep the test database from being dropped.
    axe-core is injected into the page, hence bypass_csp (one test checks the CSP without it).
    """
    contexts = []

    def open_one(viewport: dict, *, bypass_csp: bool = True):
        context = browser.new_context(
            viewport=viewport, base_url=live_server.url, bypass_csp=bypass_csp, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_one
    for context in contexts:
        context.close()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def page_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def page_title(html: str) -> str:
    parser = _Links()
    parser.feed(html)
    return " ".join(parser.title.split())


def text_of(response) -> str:
    """The page's text with tags removed and whitespace collapsed (for asserting messages)."""
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
