"""No Docker engine runs here, so the production stack's definition is checked as data."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services_with_health_checks():
    services = load_compose()["services"]

    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert name in services, name
        assert "healthcheck" in services[name], name
        assert services[name]["healthcheck"]["test"], name


def test_compose_commands():
    services = load_compose()["services"]

    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "cme", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "cme", "beat"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_compose_app_services_share_postgres_and_redis():
    services = load_compose()["services"]

    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://"), name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:"), name
        assert environment["CACHE_URL"].startswith("redis://redis:"), name
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_named_volumes_and_no_secrets():
    compose = load_compose()
    text = (ROOT / "docker-compose.yml").read_text()

    assert set(compose["volumes"]) == {"postgres-data", "redis-data", "media"}
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert "${POSTGRES_PASSWORD:?" in text
    assert compose["services"]["web"]["env_file"] == ".env"


def test_env_example_lists_the_settings_and_no_secret_values():
    lines = (ROOT / ".env.example").read_text().splitlines()
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))

    assert values["SECRET_KEY"] == ""
    assert values["POSTGRES_PASSWORD"] == ""
    for name in ("DEBUG", "ALLOWED_HOSTS", "PUBLIC_BASE_URL", "EMAIL_URL"):
        assert name in values


def test_web_health_check_asks_healthz_over_plain_http_and_fails_on_an_error_status():
    test = load_compose()["services"]["web"]["healthcheck"]["test"]

    assert test[:2] == ["CMD", "curl"]
    assert "-f" in test[2] or "--fail" in test, "curl must fail on a 503"
    assert test[-1] == "http://127.0.0.1:8000/healthz"
    assert "-L" not in test and "--location" not in test, "a redirect must not count as healthy"


def test_beat_health_check_looks_at_the_schedule_file_age():
    from django.conf import settings

    test = load_compose()["services"]["beat"]["healthcheck"]["test"]
    command = load_compose()["services"]["beat"]["command"]

    assert test[0] == "CMD-SHELL"
    assert "celerybeat-schedule" in test[1] and "-mmin -2" in test[1]
    assert command[command.index("--schedule") + 1] == "/tmp/celerybeat-schedule"
    # The file is rewritten after each sent task, and the sweep is due far more often than 2 minutes.
    assert settings.CELERY_BEAT_SYNC_EVERY == 1
    assert settings.CELERY_BEAT_SCHEDULE["requeue-stuck-work"]["schedule"] < 120
