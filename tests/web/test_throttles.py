"""The pages' throttles: a throttled request gets 429 and a page that says what happened, and writes nothing."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from attendance.models import Attendance
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.web.conftest import signed_in, text_of
from web.views.accounts import THROTTLED
from web.views.learning import CHECKIN_THROTTLED

pytestmark = pytest.mark.django_db
LOGIN_LIMIT = 10  # THROTTLE_LOGIN, per minute and address, shared with the API's token view
SIGNUP_LIMIT = 10  # THROTTLE_REGISTER, per hour
CHECKIN_LIMIT = 10  # THROTTLE_CHECKIN: wrong codes per minute, per learner and per address
VERIFY_LIMIT = 60  # THROTTLE_VERIFY, per minute
SCANNED = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"}


def signup_data(number: int) -> dict:
    return {"first_name": "Zoë", "last_name": "Adeyemi", "email": f"zoe{number}@example.org",
            "password": "a-long-passphrase-42", "degree": "MD", "npi": "", "specialty": ""}  # fmt: skip


def test_signup_is_throttled_per_address(anon):
    # A fresh browser each time: a signed-in visitor is sent on without signing up again.
    statuses = [Client().post("/signup/", signup_data(n)).status_code for n in range(SIGNUP_LIMIT)]

    response = anon.post("/signup/", signup_data(99))

    assert statuses == [HTTPStatus.FOUND] * SIGNUP_LIMIT
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert f"This could not be done {THROTTLED}" in text_of(response)
    assert '<label for="id_email">' in response.content.decode()
    assert not get_user_model().objects.filter(email="zoe99@example.org").exists()


def test_login_is_throttled_per_address_even_with_the_right_password(anon):
    UserFactory(email="ada@example.org")
    statuses = [
        anon.post("/login/", {"username": f"x{n}@example.org", "password": "nope"}).status_code
        for n in range(LOGIN_LIMIT)
    ]

    response = anon.post("/login/", {"username": "ada@example.org", "password": DEFAULT_PASSWORD})

    assert statuses == [HTTPStatus.OK] * LOGIN_LIMIT
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert f"This could not be done {THROTTLED}" in text_of(response)
    assert '<label for="id_username">Email</label>' in response.content.decode()
    assert "_auth_user_id" not in anon.session
    assert anon.get("/login/").status_code == HTTPStatus.OK  # reading the page is not counted


def test_the_web_login_and_the_api_token_share_one_count(anon):
    UserFactory(email="ada@example.org")
    api = APIClient()
    for n in range(LOGIN_LIMIT):
        api.post("/api/v1/auth/token/", {"email": f"x{n}@example.org", "password": "nope-nope"}, format="json")

    response = anon.post("/login/", {"username": "ada@example.org", "password": DEFAULT_PASSWORD})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_wrong_codes_throttle_both_check_in_pages(clinician_web, clinician, live_activity):
    code = live_activity.sessions.get().checkin_code
    wrong = [clinician_web.get(f"/checkin/ZZZZZ{n}/", headers=SCANNED).status_code for n in range(CHECKIN_LIMIT)]

    scanned = clinician_web.get(f"/checkin/{code}/", headers=SCANNED)
    tapped = clinician_web.post(f"/checkin/{code}/")
    typed = clinician_web.post("/checkin/", {"code": code})

    assert wrong == [HTTPStatus.NOT_FOUND] * CHECKIN_LIMIT
    for response in (scanned, tapped, typed):
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert f"This could not be done {CHECKIN_THROTTLED}" in text_of(response)
    assert not Attendance.objects.exists()
    # Counted per learner: someone else behind another address checks in.
    other = signed_in(UserFactory())
    assert other.get(f"/checkin/{code}/", headers=SCANNED, REMOTE_ADDR="10.0.0.9").status_code == HTTPStatus.CREATED


def test_wrong_codes_typed_in_the_box_count_too(clinician_web, live_activity):
    for n in range(CHECKIN_LIMIT):
        assert clinician_web.post("/checkin/", {"code": f"ZZZZZ{n}"}).status_code == HTTPStatus.NOT_FOUND

    response = clinician_web.get(f"/checkin/{live_activity.sessions.get().checkin_code}/", headers=SCANNED)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not Attendance.objects.exists()


def test_verify_page_is_throttled_per_address(anon):
    statuses = {anon.get(f"/verify/{n:016d}/").status_code for n in range(VERIFY_LIMIT)}

    response = anon.get("/verify/0000000000000000/")

    assert statuses == {HTTPStatus.NOT_FOUND}
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many lookups Too many lookups from your address. Please wait a minute." in text_of(response)
    assert '<label for="id_code">Verification code</label>' in response.content.decode()
