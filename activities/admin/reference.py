"""The provider (one row) and the reference data of the data migration."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from activities.models import (
    ActivityType,
    CreditType,
    Objective,
    Provider,
    RenewalTopic,
)


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    fieldsets = (
        (None, {"fields": ("name", "accreditation_statement", "public_base_url", "time_zone")}),
        ("CME director (signs certificates)", {"fields": ("director_name", "director_title", "director_signature")}),
        ("Record", {"fields": ("updated_at",)}),
    )
    readonly_fields = ("updated_at",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "public_base_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return not Provider.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One row per deployment: the list would hold a single line, so open it directly.
        provider = Provider.objects.first()
        if provider is not None and self.has_view_or_change_permission(request, provider):
            return HttpResponseRedirect(reverse("admin:activities_provider_change", args=[provider.pk]))
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        obj.pk = 1  # the singleton row (a check constraint)
        super().save_model(request, obj, form, change)


class ReferenceDataAdmin(admin.ModelAdmin):
    """Rows come from a data migration and rules key on them: only superusers add, delete or re-key."""

    key_field = "slug"
    rule_fields: tuple[str, ...] = ()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        keys = (self.key_field,) if obj is not None else ()
        return keys if request.user.is_superuser else (*keys, *self.rule_fields)


@admin.register(Objective)
class ObjectiveAdmin(ReferenceDataAdmin):
    list_display = ("slug", "name", "position")


@admin.register(ActivityType)
class ActivityTypeAdmin(ReferenceDataAdmin):
    key_field = "code"
    rule_fields = ("pars_code", "live")
    list_display = ("code", "name", "pars_code", "live", "position")


@admin.register(CreditType)
class CreditTypeAdmin(ReferenceDataAdmin):
    rule_fields = ("physicians_only",)
    list_display = ("slug", "name", "physicians_only", "position")


@admin.register(RenewalTopic)
class RenewalTopicAdmin(ReferenceDataAdmin):
    list_display = ("slug", "name", "position")
