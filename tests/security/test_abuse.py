"""Throttles shared by every web process, and account lockout after repeated failed sign-ins."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time

import pytest
from django.db import connection

from cme.throttles import LoginThrottle
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.worker import ROOT, wait_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post_json(port: int, path: str, body: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json", "Connection": "close"})
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_login_throttle_is_shared_by_two_gunicorn_workers(tmp_path):
    db = connection.settings_dict
    port, access_log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "ALLOWED_HOSTS": "127.0.0.1", "AXES_ENABLED": "false"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cme.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s"],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(lambda: _listening(port), timeout=60, message="gunicorn")
        statuses = []
        for attempt in range(11):
            statuses.append(post_json(port, "/api/v1/auth/token/", {"email": f"x{attempt}@e.org", "password": "no"}))
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    served_by = {line.split()[0] for line in access_log.read_text().splitlines() if line.strip()}
    assert len(served_by) == 2, "both workers answered, so the count lives in the shared cache"


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.django_db
def test_account_locked_after_ten_failed_sign_ins(anon_client, monkeypatch):
    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {**LoginThrottle.THROTTLE_RATES, "login": "1000/min"})
    UserFactory(email="target@example.org")
    wrong = [anon_client.post("/api/v1/auth/token/", {"email": "target@example.org", "password": "guess"},
                              format="json").status_code for _ in range(10)]  # fmt: skip

    right = anon_client.post("/api/v1/auth/token/", {"email": "target@example.org", "password": DEFAULT_PASSWORD},
                             format="json")  # fmt: skip

    assert wrong[:9] == [400] * 9
    assert wrong[9] == 429
    assert right.status_code == 429


@pytest.mark.django_db
def test_a_token_sign_in_forgets_the_failed_attempts(anon_client, monkeypatch):
    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {**LoginThrottle.THROTTLE_RATES, "login": "1000/min"})
    user = UserFactory(email="target@example.org")
    for _ in range(9):
        anon_client.post("/api/v1/auth/token/", {"email": "target@example.org", "password": "guess"}, format="json")

    right = anon_client.post("/api/v1/auth/token/", {"email": "target@example.org", "password": DEFAULT_PASSWORD},
                             format="json")  # fmt: skip
    after = [anon_client.post("/api/v1/auth/token/", {"email": "target@example.org", "password": "guess"},
                              format="json").status_code for _ in range(9)]  # fmt: skip

    assert right.status_code == 200
    assert after == [400] * 9  # counted from zero again: nine more guesses before the lock
    user.refresh_from_db()
    assert user.last_login is not None
    assert "sessionid" not in right.cookies  # an API sign-in opens no session


@pytest.mark.django_db
def test_other_accounts_are_not_locked(anon_client, monkeypatch):
    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {**LoginThrottle.THROTTLE_RATES, "login": "1000/min"})
    UserFactory(email="target@example.org")
    UserFactory(email="bystander@example.org")
    for _ in range(10):
        anon_client.post("/api/v1/auth/token/", {"email": "target@example.org", "password": "guess"}, format="json")

    response = anon_client.post(
        "/api/v1/auth/token/", {"email": "bystander@example.org", "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 200


@pytest.mark.django_db
def test_api_lockout_answers_in_json(anon_client, monkeypatch):
    from accounts.lockout import LOCKED_OUT

    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {**LoginThrottle.THROTTLE_RATES, "login": "1000/min"})
    UserFactory(email="target@example.org")
    for _ in range(9):
        anon_client.post("/api/v1/auth/token/", {"email": "target@example.org", "password": "guess"}, format="json")

    locked = anon_client.post(
        "/api/v1/auth/token/", {"email": "target@example.org", "password": "guess"}, format="json"
    )

    assert locked.status_code == 429
    assert locked.json() == {"detail": LOCKED_OUT}


def _token_attempt(client, email: str, password: str, address: str):
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json",
                       REMOTE_ADDR=address)  # fmt: skip


@pytest.mark.django_db
def test_guesses_from_rotating_addresses_lock_the_account(anon_client, monkeypatch):
    from accounts.lockout import LOCKED_OUT

    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {**LoginThrottle.THROTTLE_RATES, "login": "1000/min"})
    UserFactory(email="target@example.org")
    addresses = ["198.51.100.7", "203.0.113.9"]
    # The case changes too: emails sign in case-insensitively, so they are counted that way.
    emails = ["target@example.org", "Target@Example.org"]
    wrong = [_token_attempt(anon_client, emails[i % 2], "guess", addresses[i % 2]) for i in range(10)]

    right = _token_attempt(anon_client, "target@example.org", DEFAULT_PASSWORD, "192.0.2.33")

    assert [response.status_code for response in wrong[:9]] == [400] * 9
    assert (wrong[9].status_code, wrong[9].json()) == (429, {"detail": LOCKED_OUT})
    assert (right.status_code, right.json()) == (429, {"detail": LOCKED_OUT})


@pytest.mark.django_db
def test_the_right_password_works_again_after_the_cool_off(anon_client, monkeypatch, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {**LoginThrottle.THROTTLE_RATES, "login": "1000/min"})
    UserFactory(email="target@example.org")
    for attempt in range(10):
        _token_attempt(anon_client, "target@example.org", "guess", f"198.51.100.{attempt + 1}")
    assert _token_attempt(anon_client, "target@example.org", DEFAULT_PASSWORD, "192.0.2.1").status_code == 429

    cool_off = timezone.timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timezone.timedelta(seconds=1))
    response = _token_attempt(anon_client, "target@example.org", DEFAULT_PASSWORD, "192.0.2.1")

    assert response.status_code == 200
    assert set(response.json()) == {"token"}


@pytest.mark.django_db
def test_the_per_address_login_throttle_still_counts_each_address(anon_client, monkeypatch):
    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {**LoginThrottle.THROTTLE_RATES, "login": "3/min"})

    first = [_token_attempt(anon_client, f"x{i}@e.org", "no", "198.51.100.7").status_code for i in range(4)]
    other = _token_attempt(anon_client, "y@e.org", "no", "203.0.113.9").status_code

    assert first == [400, 400, 400, 429]
    assert other == 400


def test_lockout_counts_accounts_not_addresses():
    from django.conf import settings

    from cme.throttles import login_username

    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert login_username(None, {"username": " Target@Example.ORG "}) == "target@example.org"
