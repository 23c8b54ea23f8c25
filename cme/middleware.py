"""A request id on every request, echoed in the response and written on every log line."""

import contextvars
import logging
import re
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.log import log_response

NO_REQUEST_ID = "-"
_request_id = contextvars.ContextVar("request_id", default=NO_REQUEST_ID)
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    """The id of the request (or of the request that enqueued the running task), or "-"."""
    return _request_id.get()


def bind_request_id(request_id: str) -> contextvars.Token:
    """Log lines from here on carry `request_id`; hand the token to `unbind_request_id`."""
    return _request_id.set(request_id if _VALID_ID.match(request_id) else NO_REQUEST_ID)


def unbind_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


class RequestIdMiddleware:
    """Takes a sane `X-Request-ID` from the proxy or makes one, and returns it to the client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
            if response.status_code >= 400:
                # Django logs a 4xx/5xx answer after the middleware chain returns, when the id is
                # gone; logged here (same logger and words), Django's own call sees it done.
                log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


DATABASE_UNAVAILABLE = "The service is briefly unavailable (database). Please try again in a few seconds."
RETRY_AFTER_SECONDS = 2


class DatabaseUnavailableMiddleware:
    """A lost database connection (a restart, a failover) is a 503 with Retry-After, not a 500.

    Nothing half-written survives: the request's transaction, if any, was rolled back with the
    connection. Clients retry; check-ins and claims are idempotent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logging.getLogger(__name__).warning("database unavailable: %s", exception)
        if request.path.startswith("/api/") or request.path == "/healthz":
            response = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
        else:
            response = HttpResponse(DATABASE_UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
