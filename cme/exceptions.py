"""Domain exceptions and the one DRF handler that turns refusals into API.md's error shape.

Services raise Django's `ValidationError` (a field error, or a plain message) for a broken rule
and `Conflict` when the request clashes with the current state. Views never catch them.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


class Conflict(Exception):
    """The request clashes with the current state (a duplicate, a locked record): HTTP 409."""

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def validation_error_body(exc: DjangoValidationError) -> dict:
    """`{"field": ["message", ...]}`, with messages not tied to a field under `detail`."""
    if hasattr(exc, "error_dict"):
        body = {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    else:
        body = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    if NON_FIELD_ERRORS in body:
        messages = body.pop(NON_FIELD_ERRORS)
        body["detail"] = messages[0] if len(messages) == 1 else " ".join(messages)
    return body


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_error_body(exc))
    elif isinstance(exc, Conflict):
        exc = ConflictError(detail=exc.message, code=exc.code)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        # DRF names serializer-level errors `non_field_errors`; API.md calls them `detail`.
        messages = response.data.pop("non_field_errors", None)
        if messages:
            response.data["detail"] = messages[0] if len(messages) == 1 else " ".join(map(str, messages))
    return response
