"""Bad input to auth/token/ and PATCH me/: a 400 naming the field, nothing written, never a 5xx."""

from http import HTTPStatus

import pytest
from django.forms.models import model_to_dict
from rest_framework.authtoken.models import Token

from cme.throttles import LoginThrottle
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db
HUGE = "x" * 100_000


@pytest.fixture(autouse=True)
def _no_login_throttle(monkeypatch):
    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {**LoginThrottle.THROTTLE_RATES, "login": "1000/min"})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "ada@example.org"}, "password"),
        ({"password": DEFAULT_PASSWORD}, "email"),
        ({"email": 12345, "password": DEFAULT_PASSWORD}, "email"),
        ({"email": ["ada@example.org"], "password": DEFAULT_PASSWORD}, "email"),
        ({"email": {"$ne": ""}, "password": DEFAULT_PASSWORD}, "email"),
        ({"email": None, "password": DEFAULT_PASSWORD}, "email"),
        ({"email": "ada@example.org", "password": None}, "password"),
        ({"email": "ada@example.org", "password": ["a", "b"]}, "password"),
        ({"email": "ada@example.org", "password": {"x": 1}}, "password"),
        ({"email": HUGE + "@example.org", "password": DEFAULT_PASSWORD}, "email"),
        ({"email": "ada@example.org", "password": HUGE}, "password"),
        ({"email": "not-an-email", "password": DEFAULT_PASSWORD}, "email"),
    ],
)
def test_token_refuses_bad_fields_by_name(anon_client, clinician, body, field):
    response = anon_client.post("/api/v1/auth/token/", body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content[:200]
    assert field in response.json()
    assert not Token.objects.exists()


@pytest.mark.parametrize("raw", ["{", '{"email": "ada@example.org",', "[]", '"just a string"', "null", "\x00\xff"])
def test_token_refuses_malformed_json(anon_client, clinician, raw):
    response = anon_client.generic("POST", "/api/v1/auth/token/", raw.encode("utf-8", "surrogatepass"),
                                   content_type="application/json")  # fmt: skip

    assert HTTPStatus.BAD_REQUEST <= response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Token.objects.exists()


def _profile(user) -> dict:
    user.refresh_from_db()
    return model_to_dict(user, exclude=["password", "last_login", "groups", "user_permissions"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"first_name": None}, "first_name"),
        ({"first_name": 42}, None),  # a number is read as its text by DRF: allowed, not a 5xx
        ({"first_name": ["Ada"]}, "first_name"),
        ({"first_name": {"x": 1}}, "first_name"),
        ({"first_name": HUGE}, "first_name"),
        ({"last_name": HUGE}, "last_name"),
        ({"specialty": HUGE}, "specialty"),
        ({"degree": "WIZARD"}, "degree"),
        ({"degree": ["MD"]}, "degree"),
        ({"npi": "123"}, "npi"),
        ({"npi": 1234567890}, "npi"),
        ({"npi": HUGE}, "npi"),
        ({"license_state": HUGE}, "license_state"),
        ({"license_expires": "next tuesday"}, "license_expires"),
        ({"license_expires": 20270101}, "license_expires"),
    ],
)
def test_me_patch_refuses_bad_fields_by_name(clinician_client, clinician, body, field):
    before = _profile(clinician)

    response = clinician_client.patch("/api/v1/me/", body, format="json")

    if field is None:
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
        return
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content[:200]
    assert field in response.json()
    assert _profile(clinician) == before


@pytest.mark.parametrize("raw", ["{", '{"first_name": "Ada"', "[]", '"Ada"', "null", "\x00\xff"])
def test_me_patch_refuses_malformed_json(clinician_client, clinician, raw):
    before = _profile(clinician)

    response = clinician_client.generic("PATCH", "/api/v1/me/", raw.encode("utf-8", "surrogatepass"),
                                        content_type="application/json")  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content[:200]
    assert _profile(clinician) == before


def test_me_ignores_fields_that_are_not_self_editable(clinician_client, clinician):
    before = _profile(clinician)

    response = clinician_client.patch("/api/v1/me/", {"email": "evil@example.org", "roles": ["cme_staff"],
                                                      "id": 999, "is_physician": False}, format="json")  # fmt: skip

    assert response.status_code == HTTPStatus.OK
    assert _profile(clinician) == before
    assert response.json()["roles"] == ["clinician"]
