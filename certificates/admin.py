from django.contrib import admin, messages

from certificates import services
from certificates.models import Certificate, CertificateExport, CertificateStatus, CertificateVersion
from cme.admin import RecordAdmin


class VersionInline(admin.TabularInline):
    model = CertificateVersion
    fields = ["version", "issued_at", "reason", "requested_by", "superseded_at", "supersede_reason", "pdf"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(RecordAdmin):
    list_display = ["number", "learner", "activity", "status", "version", "issued_at", "attempts"]
    list_filter = ["status", ("issued_at", admin.DateFieldListFilter)]
    search_fields = ["number", "verification_code", "claim__user__email", "claim__user__last_name",
                     "claim__activity__title"]  # fmt: skip
    list_select_related = ["claim__user", "claim__activity"]
    raw_id_fields = ["claim", "issue_requested_by", "revoked_by"]
    inlines = [VersionInline]
    actions = ["requeue_failed"]

    @admin.display(description="Learner", ordering="claim__user__last_name")
    def learner(self, certificate):
        return certificate.claim.user.full_name

    @admin.display(description="Activity", ordering="claim__activity__title")
    def activity(self, certificate):
        return certificate.claim.activity.title

    @admin.action(description="Re-queue the failed certificates of the selected certificates' activities")
    def requeue_failed(self, request, queryset):
        activities = {certificate.claim.activity for certificate in queryset.filter(status=CertificateStatus.FAILED)}
        for activity in activities:
            result = services.certificates_requeue_for_activity(activity=activity, requested_by=request.user)
            self.message_user(request, f"{activity}: {result['requeued']} re-queued", messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CertificateExport)
class CertificateExportAdmin(RecordAdmin):
    list_display = ["id", "activity", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["status"]
