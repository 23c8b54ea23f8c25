"""The permission matrix of the web pages (and the other non-API URLs), generated from the URLconf.

Each (route, method) is requested as anonymous, the clinician who owns the objects, another
clinician, cme_staff and accreditation (signed in by session). "ok" means the page let them in
(not 302-to-login, 403, 404 or 405); "login" means a redirect to the sign-in page.
"""

import re
from http import HTTPStatus

import pytest
from django.test import Client

from certificates import services as certificate_services
from reports.services import report_request
from tests.factories import accreditation_user, make_claim, staff_user
from tests.security.urlconf import served_patterns

pytestmark = pytest.mark.django_db

OK, LOGIN = "ok", "login"
ROLES = ("anon", "owner", "other", "staff", "accreditation")


def public():
    return dict.fromkeys(ROLES, OK)


def signed_in():
    return {"anon": LOGIN, "owner": OK, "other": OK, "staff": OK, "accreditation": OK}


def owner_only():
    # A learner's own certificate pages: anyone else (whatever the role) gets a 404.
    return {"anon": LOGIN, "owner": OK, "other": 404, "staff": 404, "accreditation": 404}


def office_reads():
    return {"anon": LOGIN, "owner": 403, "other": 403, "staff": OK, "accreditation": OK}


def office_writes():
    return {"anon": LOGIN, "owner": 403, "other": 403, "staff": OK, "accreditation": 403}


EXPECTED = {
    ("", "get"): public(),
    ("activities/", "get"): public(),
    ("activities/{activity}/", "get"): public(),
    ("verify/", "get"): public(),
    ("verify/{verification}/", "get"): public(),
    ("signup/", "get"): public(),
    ("login/", "get"): public(),
    ("logout/", "post"): public(),
    ("password-reset/", "get"): public(),
    ("password-reset/done/", "get"): public(),
    ("password-reset/complete/", "get"): public(),
    ("password-reset/{uidb64}/{token}/", "get"): public(),
    ("checkin/", "get"): signed_in(),
    ("checkin/{code}/", "get"): signed_in(),
    ("activities/{activity}/evaluate/", "get"): signed_in(),
    ("activities/{activity}/claim/", "get"): signed_in(),
    ("my/credits/", "get"): signed_in(),
    ("my/certificates/{certificate}/pdf/", "get"): owner_only(),
    ("my/certificates/{certificate}/status/", "get"): owner_only(),
    ("my/transcript.pdf", "get"): signed_in(),
    ("my/profile/", "get"): signed_in(),
    ("staff/", "get"): office_reads(),
    ("staff/activities/new/", "get"): office_writes(),
    ("staff/activities/{activity}/", "get"): office_reads(),
    ("staff/activities/{activity}/edit/", "get"): office_writes(),
    ("staff/activities/{activity}/publish/", "post"): office_writes(),
    ("staff/activities/{activity}/close/", "post"): office_writes(),
    ("staff/activities/{activity}/certificates/requeue/", "post"): office_writes(),
    ("staff/activities/{activity}/sessions/new/", "get"): office_writes(),
    ("staff/sessions/{session}/edit/", "get"): office_writes(),
    ("staff/sessions/{session}/poster.pdf", "get"): office_writes(),
    ("staff/activities/{activity}/disclosures/new/", "get"): office_writes(),
    ("staff/activities/{activity}/disclosures/{role}/mitigation/", "post"): office_writes(),
    ("staff/activities/{activity}/roster/", "get"): office_reads(),
    ("staff/activities/{activity}/import/", "get"): office_writes(),
    ("staff/claims/", "get"): office_reads(),
    ("staff/certificates/{certificate}/revoke/", "get"): office_writes(),
    ("staff/reports/", "get"): office_reads(),
    ("staff/reports/{report}/status/", "get"): office_reads(),
    ("staff/reports/{report}/pdf/", "get"): office_reads(),
    ("staff/reports/pars-activities.csv", "post"): office_reads(),
    ("healthz", "get"): public(),
    ("api/schema/", "get"): public(),
    ("api/docs/", "get"): public(),
}

# The name of a path parameter in the routes above, by the URL segment before it.
PARAMETERS = {"activities": "activity", "sessions": "session", "disclosures": "role", "certificates": "certificate",
              "reports": "report", "verify": "verification", "checkin": "code", "password-reset": "uidb64"}  # fmt: skip


def _normalise(route: str) -> str:
    parts = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route).split("/")
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = part[1:-1]
            parts[index] = "{" + (name if name in ("token", "role_id") else PARAMETERS[parts[index - 1]]) + "}"
    return "/".join(parts).replace("{role_id}", "{role}")


def served_pages() -> set[tuple[str, str]]:
    served = set()
    for route, pattern in served_patterns():
        if route.startswith(("api/v1/", "admin/")):
            continue
        served.add((_normalise(route), "post" if _posts_only(pattern) else "get"))
    return served


def _posts_only(pattern) -> bool:
    route = str(pattern.pattern)
    return route.endswith(("logout/", "publish/", "close/", "requeue/", "mitigation/", "pars-activities.csv"))


def test_every_page_has_a_row_and_every_row_is_served():
    served = served_pages()

    assert sorted(served - set(EXPECTED)) == [], "pages without a row in the matrix"
    assert sorted(set(EXPECTED) - served) == [], "rows for pages that are no longer served"


@pytest.fixture
def world(clinician, other_clinician):
    staff, accreditor = staff_user(), accreditation_user()
    claim = make_claim(clinician)
    certificate_services.certificate_render(certificate_id=claim.certificate.pk, version=1)
    activity = claim.activity
    return {
        "users": {"owner": clinician, "other": other_clinician, "staff": staff, "accreditation": accreditor},
        "ids": {
            "activity": activity.pk,
            "session": activity.sessions.first().pk,
            "role": activity.content_roles.first().pk,
            "certificate": claim.certificate.pk,
            "code": activity.sessions.first().checkin_code,
            "verification": claim.certificate.verification_code,
            "report": report_request(kind="activity-summary", activity=activity, requested_by=staff).pk,
            "uidb64": "MQ",
            "token": "set-password",
        },
    }


@pytest.mark.parametrize("route, method", sorted(EXPECTED))
def test_page_matrix(world, route, method):
    url = "/" + route.format(**world["ids"])
    for role, expected in EXPECTED[(route, method)].items():
        client = Client(HTTP_HOST="localhost")
        if role != "anon":
            client.force_login(world["users"][role])
        response = client.get(url) if method == "get" else client.post(url, {})
        status, location = response.status_code, response.get("Location", "")
        if expected == LOGIN:
            assert status == HTTPStatus.FOUND and location.startswith("/login/"), f"{role} {url}: {status} {location}"
        elif expected == OK:
            refused = status in (403, 404, 405) or (status == 302 and location.startswith("/login/"))
            assert not refused, f"{role} {method} {url}: {status} {location}"
        else:
            assert status == expected, f"{role} {method} {url}: {status}"


# --- POST to every page that takes a form -------------------------------------------------------------


def _accepts_post(world, url: str) -> bool:
    """The page handles POST (a form) rather than answering 405: asked as staff, who may use most forms."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(world["users"]["staff"])
    return client.post(url, {}).status_code != HTTPStatus.METHOD_NOT_ALLOWED


GET_ROUTES = sorted(route for route, method in EXPECTED if method == "get")
# Pages that accreditation may read but whose form writes (marking attendance).
POST_EXPECTED = {"staff/activities/{activity}/roster/": office_writes()}


@pytest.mark.parametrize("route", GET_ROUTES)
def test_page_matrix_for_posts(world, route):
    """The same access for a POST as for the GET (CSRF aside), and never a 5xx whatever the form holds."""
    url = "/" + route.format(**world["ids"])
    if not _accepts_post(world, url):  # a page that only shows: a POST changes nothing for anyone
        for role in EXPECTED[(route, "get")]:
            client = Client(HTTP_HOST="localhost")
            if role != "anon":
                client.force_login(world["users"][role])
            response = client.post(url, {"title": "x"})
            location = response.get("Location", "")
            assert response.status_code in (403, 404, 405) or location.startswith("/login/"), f"{role} POST {url}"
        return
    for role, expected in POST_EXPECTED.get(route, EXPECTED[(route, "get")]).items():
        client = Client(HTTP_HOST="localhost")  # CSRF checks off: the access rules are what is under test
        if role != "anon":
            client.force_login(world["users"][role])
        response = client.post(url, {"title": "x" * 10_000, "unexpected": "field"})
        status, location = response.status_code, response.get("Location", "")
        assert status < 500, f"{role} POST {url}: {status}"
        if expected == LOGIN:
            assert status == HTTPStatus.FOUND and location.startswith("/login/"), f"{role} {url}: {status} {location}"
        elif expected == OK:
            refused = status in (403, 404, 405) or (status == 302 and location.startswith("/login/"))
            assert not refused, f"{role} POST {url}: {status} {location}"
        else:
            assert status == expected, f"{role} POST {url}: {status}"


def test_forms_are_posted_somewhere():
    """The POST matrix above is not all skips: these pages take forms."""
    forms = {
        "signup/",
        "login/",
        "checkin/",
        "my/profile/",
        "staff/activities/new/",
        "staff/activities/{activity}/edit/",
    }
    assert forms <= set(GET_ROUTES)


# --- The Django admin: anonymous and clinicians are refused everywhere ---------------------------------


def admin_urls(world) -> list[str]:
    """Every model page the admin serves (list, add, change, delete, history), and its site-wide pages."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    urls = [reverse("admin:index"), reverse("admin:password_change"), reverse("admin:password_change_done")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse("admin:app_list", kwargs={"app_label": meta.app_label}))
        for view, args in (("changelist", ()), ("add", ()), ("change", (1,)), ("delete", (1,)), ("history", (1,))):
            try:
                urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args))
            except NoReverseMatch:  # an admin without that page (read-only history, no add)
                continue
    return sorted(set(urls))


@pytest.mark.parametrize("role", ["anon", "owner"])
def test_admin_refuses_anonymous_and_clinicians(world, role):
    urls = admin_urls(world)
    client = Client(HTTP_HOST="localhost")
    if role != "anon":
        client.force_login(world["users"][role])
    let_in = {}
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url, {})
            status, location = response.status_code, response.get("Location", "")
            if not (status == HTTPStatus.FOUND and location.startswith("/admin/login/")):
                let_in[f"{method.upper()} {url}"] = status

    assert len(urls) > 50
    assert let_in == {}
