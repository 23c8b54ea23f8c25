"""Admin building blocks shared by the apps."""

from simple_history.admin import SimpleHistoryAdmin


class RecordAdmin(SimpleHistoryAdmin):
    """Learner records (attendance, claims, certificates): read in the admin, never deleted there.

    They are kept at least six years (ACCME retention) and change only through the services, which
    enforce the rules and record who and why; the history shows every change.
    """

    history_list_display = ["history_change_reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
