"""Loaded before Django (`-p tests.plugin`): point settings at the real test services.

Tests run against real PostgreSQL and Redis. Each pytest-xdist worker gets its own test
database (pytest-django adds the suffix), its own Celery queue and its own cache key prefix,
so parallel runs never consume each other's messages. CME_TEST_NAMESPACE separates two
checkouts testing on one machine.
"""

import os
import secrets

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    namespace = os.environ.get("CME_TEST_NAMESPACE", "main")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
    defaults = {
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/cme_{namespace}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "EMAIL_URL": "consolemail://",
        "PUBLIC_BASE_URL": "https://cme.example.org",
        "PENDING_REQUEUE_AFTER_SECONDS": "120",
        "LOG_LEVEL": "WARNING",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    # Per xdist worker, always: the controller's values are inherited by the workers' environment.
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = f"cme-test-{namespace}-{worker}"
    os.environ["CACHE_KEY_PREFIX"] = f"cme-test-{namespace}-{worker}"
