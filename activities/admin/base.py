"""What every admin of this app shares: service refusals shown to staff, a read-only audit trail."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from cme.exceptions import Conflict


def refusal_messages(error: ValidationError | Conflict) -> list[str]:
    return [error.message] if isinstance(error, Conflict) else list(error.messages)


class ServiceRefusalsMixin:
    """A service refusing at save time rolls the whole save back and shows its reasons."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, Conflict) as error:
            for message in refusal_messages(error):
                self.message_user(request, message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, Conflict) as error:
            for message in refusal_messages(error):
                self.message_user(request, message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class AuditTrailAdmin(SimpleHistoryAdmin):
    """The history is shown; reverting through it would bypass the services, so it is off."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ViewOnlyAuditTrailAdmin(AuditTrailAdmin):
    """Rows edited on their activity's page; here only their history is read."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
