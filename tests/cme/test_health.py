import json
import os
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.db import connection

from tests.worker import ROOT

pytestmark = pytest.mark.django_db


def healthz_in_another_process(**environment) -> tuple[int, dict]:
    """Ask /healthz from a process whose settings point somewhere else (a closed port)."""
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='localhost').get('/healthz'); print(r.status_code, json.dumps(r.json()))"
    )
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cme.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        **environment,
    }
    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    return int(status), json.loads(body)


def test_healthz_ok(client):
    response = client.get("/healthz", HTTP_HOST="localhost")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_names_the_broker_when_it_is_down():
    status, body = healthz_in_another_process(CELERY_BROKER_URL="redis://127.0.0.1:1/0")

    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    assert body == {"database": "ok", "broker": "down"}


def test_healthz_names_the_database_when_it_is_down():
    status, body = healthz_in_another_process(DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere")

    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    assert body == {"database": "down", "broker": "ok"}


def test_healthz_ok_on_the_embedded_default(tmp_path):
    status, body = healthz_in_another_process(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="filesystem://",
        CELERY_BROKER_DIR=str(tmp_path / "broker"),
    )

    assert (status, body) == (HTTPStatus.OK, {"database": "ok", "broker": "ok"})


def test_response_carries_a_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef123456")

    assert response["X-Request-ID"] == "abcdef123456"
    assert len(client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"]) == 32


PROBE = """
import django, json
django.setup()
from django.test import Client
answers = []
for host, path in [("127.0.0.1", "/healthz"), ("127.0.0.1", "/api/v1/objectives/"),
                   ("cme.example.org", "/api/v1/objectives/"), ("cme.example.org", "/healthz")]:
    response = Client(HTTP_HOST=host).get(path)
    body = response.json() if response.get("Content-Type") == "application/json" else None
    answers.append([host, path, response.status_code, body, response.get("Location")])
print(json.dumps(answers))
"""


def probe_with_production_settings(**overrides) -> dict:
    """As the container's health check asks: plain HTTP to 127.0.0.1, with .env.example's values."""
    from tests.security.test_production import production_environment

    env = {**production_environment(), "DJANGO_SETTINGS_MODULE": "cme.settings", **overrides}
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {(host, path): (status, body, location) for host, path, status, body, location in
            json.loads(result.stdout.strip().splitlines()[-1])}  # fmt: skip


def test_healthz_answers_the_local_probe_under_production_settings():
    answers = probe_with_production_settings()

    assert answers["127.0.0.1", "/healthz"] == (HTTPStatus.OK, {"database": "ok", "broker": "ok"}, None)
    assert answers["cme.example.org", "/healthz"] == (HTTPStatus.OK, {"database": "ok", "broker": "ok"}, None)
    # Every other path keeps the host check and the HTTPS redirect.
    assert answers["127.0.0.1", "/api/v1/objectives/"][0] == HTTPStatus.BAD_REQUEST
    assert answers["cme.example.org", "/api/v1/objectives/"] == (
        HTTPStatus.MOVED_PERMANENTLY,
        None,
        "https://cme.example.org/api/v1/objectives/",
    )


def test_healthz_reports_a_database_outage_to_the_local_probe_under_production_settings():
    answers = probe_with_production_settings(DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere")

    assert answers["127.0.0.1", "/healthz"] == (
        HTTPStatus.SERVICE_UNAVAILABLE,
        {"database": "down", "broker": "ok"},
        None,
    )


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == HTTPStatus.METHOD_NOT_ALLOWED
