"""Production settings: `check --deploy` clean, security headers, no debug pages, no secrets in the repo."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def database_url_of_this_run() -> str:
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_environment() -> dict:
    """The values of .env.example with the blanks filled, as an operator would."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "ENV_FILE": "/dev/null"}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            env[name] = value
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        POSTGRES_PASSWORD=secrets.token_urlsafe(16),
        DATABASE_URL=database_url_of_this_run(),
        CELERY_BROKER_URL=os.environ["CELERY_BROKER_URL"],
        CACHE_URL=os.environ["CACHE_URL"],
        EMAIL_URL="smtp+tls://user:password@smtp.example.org:587",
    )
    return env


@pytest.mark.django_db
def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_environment(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_settings_refuse_to_start_without_a_secret_key():
    env = production_environment()
    del env["SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cme.settings"}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/api/v1/objectives/", HTTP_HOST="localhost")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_no_debug_page_on_errors(client, settings):
    assert settings.DEBUG is False
    response = client.get("/no-such-page/", HTTP_HOST="localhost")

    assert response.status_code == 404
    assert b"Traceback" not in response.content
    assert b"URLconf" not in response.content


def test_no_secrets_in_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    pattern = re.compile(r"(SECRET_KEY|PASSWORD|API_KEY|TOKEN)\s*=\s*['\"]?([A-Za-z0-9_\-]{16,})")
    offenders = []
    for name in tracked.split():
        path = ROOT / name
        # Test fixtures' passwords are not secrets; everything else must take them from the environment.
        if name.startswith("tests/") or path.suffix in {".png", ".pdf", ".ttf", ".zip"} or not path.is_file():
            continue
        for match in pattern.finditer(path.read_text(errors="ignore")):
            offenders.append(f"{name}: {match.group(0)[:40]}")
    assert ".env" not in tracked.split()
    assert offenders == []
