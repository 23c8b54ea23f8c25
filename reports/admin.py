from django.contrib import admin

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Report jobs, read-only: they are requested through the API and rendered by a worker."""

    list_display = ["id", "kind", "activity", "date_from", "date_to", "status", "requested_by", "created_at",
                    "finished_at", "attempts"]  # fmt: skip
    list_filter = ["kind", "status"]
    list_select_related = ["activity", "requested_by"]
    search_fields = ["activity__title", "activity__provider_activity_id", "requested_by__email"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
