from http import HTTPStatus

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.validators import NPI_INVALID
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"
VALID_NPI = "1234567893"  # the CMS example NPI: Luhn-valid with the 80840 prefix


def registration(**overrides):
    body = {
        "email": "new.learner@example.org",
        "password": "a-long-unusual-passphrase",
        "first_name": "Zoë",
        "last_name": "Wójcik",
        "degree": "MD",
        "npi": VALID_NPI,
        "specialty": "Cardiology",
    }
    body.update(overrides)
    return body


def test_register_creates_clinician_and_returns_profile(anon_client):
    response = anon_client.post(REGISTER, registration(), format="json")

    assert response.status_code == HTTPStatus.CREATED
    user = User.objects.get()
    assert response.json() == {
        "id": user.id,
        "email": "new.learner@example.org",
        "first_name": "Zoë",
        "last_name": "Wójcik",
        "degree": "MD",
        "npi": VALID_NPI,
        "specialty": "Cardiology",
        "license_state": "",
        "license_expires": None,
        "roles": ["clinician"],
        "is_physician": True,
    }
    assert user.check_password("a-long-unusual-passphrase")


@pytest.mark.parametrize("degree, physician", [("MD", True), ("DO", True), ("MBBS", True), ("NP", False),
                                               ("PA", False), ("RN", False), ("PharmD", False), ("PhD", False),
                                               ("other", False)])  # fmt: skip
def test_is_physician_follows_degree(anon_client, degree, physician):
    response = anon_client.post(REGISTER, registration(degree=degree, npi=""), format="json")

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["is_physician"] is physician


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"npi": "1234567890"}, "npi"),
        ({"npi": "12345"}, "npi"),
        ({"npi": "12345678A3"}, "npi"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "password123"}, "password"),
        ({"password": "12345678901234"}, "password"),
        ({"first_name": ""}, "first_name"),
        ({"last_name": "x" * 100_000}, "last_name"),
        ({"degree": "Wizard"}, "degree"),
        ({"degree": ["MD"]}, "degree"),
        ({"first_name": {"nested": True}}, "first_name"),
        ({"specialty": "s" * 100_000}, "specialty"),
        ({"email": "a" * 100_000 + "@example.org"}, "email"),
    ],
)
def test_register_rejects_bad_input_naming_the_field(anon_client, overrides, field):
    response = anon_client.post(REGISTER, registration(**overrides), format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()
    assert not User.objects.exists()


def test_register_invalid_npi_message(anon_client):
    response = anon_client.post(REGISTER, registration(npi="1234567890"), format="json")

    assert response.json() == {"npi": [NPI_INVALID]}


@pytest.mark.parametrize("missing", ["email", "password", "first_name", "last_name", "degree"])
def test_register_requires_fields(anon_client, missing):
    body = registration()
    del body[missing]

    response = anon_client.post(REGISTER, body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {missing: ["This field is required."]}
    assert not User.objects.exists()


def test_register_duplicate_email_in_other_case(anon_client):
    UserFactory(email="Taken@Example.org")

    response = anon_client.post(REGISTER, registration(email="taken@EXAMPLE.org"), format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"email": ["An account with this email address already exists."]}
    assert User.objects.count() == 1


def test_register_malformed_json(anon_client):
    response = anon_client.post(REGISTER, '{"email": ', content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "detail" in response.json()
    assert not User.objects.exists()


def test_register_non_object_json(anon_client):
    response = anon_client.post(REGISTER, "[1, 2, 3]", content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not User.objects.exists()


def test_register_is_throttled(anon_client):
    statuses = [
        anon_client.post(REGISTER, registration(email=f"n{i}@example.org"), format="json").status_code
        for i in range(11)
    ]

    assert statuses[:10] == [HTTPStatus.CREATED] * 10
    assert statuses[10] == HTTPStatus.TOO_MANY_REQUESTS
    assert User.objects.count() == 10


def test_token_for_valid_credentials_case_insensitive_email(anon_client):
    user = UserFactory(email="Ada@Example.org")

    response = anon_client.post(TOKEN, {"email": "ada@example.ORG", "password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"token": Token.objects.get(user=user).key}


@pytest.mark.parametrize(
    "body",
    [
        {"email": "ada@example.org", "password": "wrong-password"},
        {"email": "nobody@example.org", "password": DEFAULT_PASSWORD},
    ],
)
def test_token_wrong_credentials_400(anon_client, body):
    UserFactory(email="ada@example.org")

    response = anon_client.post(TOKEN, body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"detail": "Unable to sign in with the email and password given."}
    assert not Token.objects.exists()


def test_token_missing_fields(anon_client):
    response = anon_client.post(TOKEN, {}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"email": ["This field is required."], "password": ["This field is required."]}


def test_token_inactive_user_refused(anon_client):
    UserFactory(email="gone@example.org", is_active=False)

    response = anon_client.post(TOKEN, {"email": "gone@example.org", "password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_token_is_throttled(anon_client):
    UserFactory(email="ada@example.org")
    statuses = [
        anon_client.post(TOKEN, {"email": f"x{i}@example.org", "password": "nope-nope"}, format="json").status_code
        for i in range(11)
    ]

    assert statuses[:10] == [HTTPStatus.BAD_REQUEST] * 10
    assert statuses[10] == HTTPStatus.TOO_MANY_REQUESTS


def test_logout_revokes_token(clinician_client, clinician):
    assert clinician_client.get(ME).status_code == HTTPStatus.OK

    response = clinician_client.post(LOGOUT)

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Token.objects.filter(user=clinician).exists()
    assert clinician_client.get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_me_requires_credentials(anon_client):
    response = anon_client.get(ME)

    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_me_with_bogus_token(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert anon_client.get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_me_shows_roles(staff_client, staff):
    response = staff_client.get(ME)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["roles"] == ["clinician", "cme_staff"]


def test_superuser_holds_all_roles(db):
    admin = User.objects.create_superuser(email="root@example.org", password="x", first_name="R", last_name="T")

    assert admin.roles == {"clinician", "cme_staff", "accreditation"}


def test_me_patch_updates_profile_but_not_roles_or_email(clinician_client, clinician):
    response = clinician_client.patch(
        ME,
        {"specialty": "Oncology", "license_state": "ma", "license_expires": "2027-06-30", "roles": ["cme_staff"],
         "email": "evil@example.org", "npi": VALID_NPI},
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["specialty"] == "Oncology"
    assert body["license_state"] == "MA"
    assert body["license_expires"] == "2027-06-30"
    assert body["roles"] == ["clinician"]
    assert body["email"] == "ada@example.org"
    clinician.refresh_from_db()
    assert clinician.email == "ada@example.org"
    assert clinician.roles == {"clinician"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"npi": "0000000001"}, "npi"),
        ({"degree": "Shaman"}, "degree"),
        ({"license_expires": "next tuesday"}, "license_expires"),
        ({"license_state": "Massachusetts"}, "license_state"),
        ({"first_name": ""}, "first_name"),
        ({"last_name": "x" * 151}, "last_name"),
    ],
)
def test_me_patch_bad_input(clinician_client, clinician, body, field):
    response = clinician_client.patch(ME, body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()
    clinician.refresh_from_db()
    assert clinician.first_name == "Ada"
    assert clinician.npi == ""


def test_me_put_not_allowed(clinician_client):
    response = clinician_client.put(ME, {}, format="json")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_cached_sign_in_follows_role_changes_and_deactivation(staff_client, staff):
    from accounts.services import role_revoke

    assert staff_client.get("/api/v1/people/").status_code == HTTPStatus.OK
    role_revoke(user=staff, role="cme_staff")
    assert staff_client.get("/api/v1/people/").status_code == HTTPStatus.FORBIDDEN

    staff.is_active = False
    staff.save()
    assert staff_client.get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_cached_sign_in_saves_the_token_and_role_queries(clinician_client, django_assert_num_queries):
    clinician_client.get(ME)

    with django_assert_num_queries(0):
        response = clinician_client.get(ME)

    assert response.json()["roles"] == ["clinician"]
