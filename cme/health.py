"""`/healthz`: is the database reachable, is the broker reachable."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cme.celery import app

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 2


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
            conn.default_channel  # noqa: B018 - opens a channel: the transport really answers
        return True
    except Exception:
        logger.exception("health check: broker unreachable")
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {
        "database": "ok" if _database_ok() else "down",
        "broker": "ok" if _broker_ok() else "down",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)


class HealthCheckMiddleware:
    """Answers `/healthz` before host validation and the HTTPS redirect.

    The container's probe asks `http://127.0.0.1:8000/healthz`: with production settings the
    host is not in ALLOWED_HOSTS (400) and plain HTTP is redirected (301, which curl counts as
    healthy). Served here, the probe gets the real status. Every other path still goes through
    SecurityMiddleware and CommonMiddleware, so their host check and redirect are untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
