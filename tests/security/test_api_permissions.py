"""The permission matrix of the API, generated from the URL configuration.

Every (route, method) the URLconf serves under /api/v1/ must have a row in EXPECTED, and every
row is called as five people: anonymous, the clinician who owns the objects, another clinician,
cme_staff and accreditation. "ok" means the request got past authentication and permissions (any
status but 401, 403, 404 and 405); the other values are the exact status expected. A new endpoint
without a row fails the run.
"""

import re
from http import HTTPStatus

import pytest

from certificates import services as certificate_services
from certificates.exports import certificate_export_request
from reports.services import report_request
from tests.conftest import client_for
from tests.factories import accreditation_user, make_claim, staff_user
from tests.security.urlconf import served_patterns

pytestmark = pytest.mark.django_db

ROLES = ("anon", "owner", "other", "staff", "accreditation")
OK = "ok"
DENIED = (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED)


def everyone():
    return dict.fromkeys(ROLES, OK)


def signed_in():
    return {"anon": 401, "owner": OK, "other": OK, "staff": OK, "accreditation": OK}


def staff_only():
    return {"anon": 401, "owner": 403, "other": 403, "staff": OK, "accreditation": 403}


def staff_and_accreditation():
    return {"anon": 401, "owner": 403, "other": 403, "staff": OK, "accreditation": OK}


def owner_staff_accreditation():
    return {"anon": 401, "owner": OK, "other": 404, "staff": OK, "accreditation": OK}


EXPECTED = {
    ("api/v1/auth/register/", "post"): everyone(),
    ("api/v1/auth/token/", "post"): everyone(),
    ("api/v1/auth/logout/", "post"): signed_in(),
    ("api/v1/me/", "get"): signed_in(),
    ("api/v1/me/", "patch"): signed_in(),
    ("api/v1/objectives/", "get"): everyone(),
    ("api/v1/credit-types/", "get"): everyone(),
    ("api/v1/activity-types/", "get"): everyone(),
    ("api/v1/renewal-topics/", "get"): everyone(),
    ("api/v1/activities/", "get"): everyone(),
    ("api/v1/activities/", "post"): staff_only(),
    ("api/v1/activities/{activity}/", "get"): everyone(),
    ("api/v1/activities/{activity}/", "patch"): staff_only(),
    ("api/v1/activities/{activity}/", "delete"): staff_only(),
    ("api/v1/activities/{activity}/publish/", "post"): staff_only(),
    ("api/v1/activities/{activity}/close/", "post"): staff_only(),
    ("api/v1/activities/{activity}/rollover/", "post"): staff_only(),
    ("api/v1/activities/{activity}/sessions/", "get"): everyone(),
    ("api/v1/activities/{activity}/sessions/", "post"): staff_only(),
    ("api/v1/sessions/{session}/", "get"): everyone(),
    ("api/v1/sessions/{session}/", "patch"): staff_only(),
    ("api/v1/sessions/{session}/poster.pdf", "get"): staff_only(),
    ("api/v1/activities/{activity}/disclosures/", "get"): everyone(),
    ("api/v1/activities/{activity}/disclosures/", "post"): staff_only(),
    ("api/v1/activities/{activity}/disclosures/{role}/", "patch"): staff_only(),
    ("api/v1/activities/{activity}/disclosures/{role}/", "delete"): staff_only(),
    ("api/v1/activities/{activity}/commercial-support/", "get"): staff_and_accreditation(),
    ("api/v1/activities/{activity}/commercial-support/", "post"): staff_only(),
    ("api/v1/disclosures/expiring/", "get"): staff_only(),
    ("api/v1/people/", "get"): staff_only(),
    ("api/v1/people/", "post"): staff_only(),
    ("api/v1/people/{person}/", "get"): staff_only(),
    ("api/v1/people/{person}/disclosures/", "post"): staff_only(),
    ("api/v1/checkins/", "post"): signed_in(),
    ("api/v1/activities/{activity}/attendance/", "get"): staff_and_accreditation(),
    ("api/v1/activities/{activity}/attendance/", "post"): staff_only(),
    ("api/v1/activities/{activity}/attendance/import/", "post"): staff_only(),
    # Each learner reads their own evaluation; the others have none (404), whatever their role.
    ("api/v1/activities/{activity}/evaluation/", "get"): {
        "anon": 401,
        "owner": OK,
        "other": 404,
        "staff": 404,
        "accreditation": 404,
    },
    ("api/v1/activities/{activity}/evaluation/", "post"): signed_in(),
    ("api/v1/activities/{activity}/late-claims/", "post"): staff_only(),
    ("api/v1/activities/{activity}/faculty-credit/", "post"): staff_only(),
    ("api/v1/claims/", "get"): signed_in(),
    ("api/v1/claims/", "post"): signed_in(),
    ("api/v1/claims/{claim}/", "get"): owner_staff_accreditation(),
    ("api/v1/claims/{claim}/", "patch"): staff_only(),
    ("api/v1/certificates/", "get"): signed_in(),
    ("api/v1/certificates/{certificate}/", "get"): owner_staff_accreditation(),
    ("api/v1/certificates/{certificate}/pdf/", "get"): owner_staff_accreditation(),
    ("api/v1/certificates/{certificate}/revoke/", "post"): staff_only(),
    ("api/v1/activities/{activity}/certificates/issue/", "post"): staff_only(),
    ("api/v1/activities/{activity}/certificates/zip/", "post"): staff_and_accreditation(),
    ("api/v1/exports/{export}/", "get"): staff_and_accreditation(),
    ("api/v1/exports/{export}/file/", "get"): staff_and_accreditation(),
    ("api/v1/verify/{code}/", "get"): everyone(),
    ("api/v1/me/transcript/", "get"): signed_in(),
    ("api/v1/me/transcript.pdf", "get"): signed_in(),
    ("api/v1/reports/", "get"): staff_and_accreditation(),
    ("api/v1/reports/", "post"): staff_and_accreditation(),
    ("api/v1/reports/{report}/", "get"): staff_and_accreditation(),
    ("api/v1/reports/{report}/pdf/", "get"): staff_and_accreditation(),
    ("api/v1/reports/pars-activities.csv", "get"): staff_and_accreditation(),
}

# Path parameters in the URLconf, by the route that follows them, mapped to the world's objects.
PARAMETER_NAMES = {
    "activities": "activity",
    "sessions": "session",
    "disclosures": "role",
    "people": "person",
    "claims": "claim",
    "certificates": "certificate",
    "exports": "export",
    "reports": "report",
    "verify": "code",
}


def _normalise(route: str) -> str:
    """`api/v1/^claims/(?P<pk>[^/.]+)/$` and `api/v1/claims/<int:pk>/` -> `api/v1/claims/{claim}/`."""
    route = re.sub(r"\(\?P<\w+>[^)]*\)|<[^>]+>", "<>", route.replace("^", "").replace("$", ""))
    parts = route.split("/")
    for index, part in enumerate(parts):
        if part == "<>":
            parts[index] = "{" + PARAMETER_NAMES[parts[index - 1]] + "}"
    return "/".join(parts)


def _methods(pattern) -> set[str]:
    callback = pattern.callback
    if getattr(callback, "actions", None):
        methods = set(callback.actions)
    else:
        view = callback.view_class
        methods = {m for m in view.http_method_names if hasattr(view, m)}
        allowed = getattr(view, "http_method_names", None)
        methods &= set(allowed)
    return methods - {"head", "options", "put"}


def served_routes() -> set[tuple[str, str]]:
    served = set()
    for route, pattern in served_patterns():
        if route.startswith("api/v1/"):
            served |= {(_normalise(route), method) for method in _methods(pattern)}
    return served


def test_every_served_endpoint_has_a_row_and_every_row_is_served():
    served = served_routes()

    assert sorted(served - set(EXPECTED)) == [], "endpoints without a row in the permission matrix"
    assert sorted(set(EXPECTED) - served) == [], "rows for endpoints that are no longer served"


@pytest.fixture
def world(clinician, other_clinician):
    staff, accreditor = staff_user(), accreditation_user()
    claim = make_claim(clinician)
    certificate_services.certificate_render(certificate_id=claim.certificate.pk, version=1)
    activity = claim.activity
    role = activity.content_roles.first()
    return {
        "users": {"owner": clinician, "other": other_clinician, "staff": staff, "accreditation": accreditor},
        "ids": {
            "activity": activity.pk,
            "session": activity.sessions.first().pk,
            "role": role.pk,
            "person": role.person_id,
            "claim": claim.pk,
            "certificate": claim.certificate.pk,
            "code": claim.certificate.verification_code,
            "export": certificate_export_request(activity=activity, requested_by=staff).pk,
            "report": report_request(kind="activity-summary", activity=activity, requested_by=staff).pk,
        },
    }


@pytest.mark.parametrize("route, method", sorted(EXPECTED))
def test_permission_matrix(world, route, method):
    url = "/" + route.format(**world["ids"])
    for role, expected in EXPECTED[(route, method)].items():
        user = world["users"].get(role)
        client = client_for(user) if user else client_for(None)
        response = getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)
        if expected == OK:
            assert response.status_code not in DENIED, f"{role} {method.upper()} {url}: {response.status_code}"
        else:
            assert response.status_code == expected, f"{role} {method.upper()} {url}: {response.status_code}"
