"""Service refusals on pages: field errors next to their fields, the rest at the top of the form."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def _messages(errors) -> list[str]:
    return [str(message) for error in errors for message in error.messages]


def form_add_service_error(form: forms.Form, error: ValidationError, field_map: dict | None = None) -> None:
    """Show a service's ValidationError on the form.

    `message_dict` keys that name a form field go next to it; `field_map` renames service keys to
    form fields (None: the top of the form); anything else ("detail", rules about the activity or
    the evaluation) goes to the top.
    """
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.error_dict.items():
        target = field_map.get(key, key)
        if target not in form.fields or key == NON_FIELD_ERRORS:
            target = None
        for message in _messages(errors):
            form.add_error(target, message)


def service_messages(error: ValidationError) -> list[str]:
    """Every message of a refusal, in order (used where a refusal is a list, e.g. publishing)."""
    if hasattr(error, "error_dict"):
        return [message for errors in error.error_dict.values() for message in _messages(errors)]
    return [str(message) for message in error.messages]
