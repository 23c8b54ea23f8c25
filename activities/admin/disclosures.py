"""Disclosures of the people in control of content, and staff's mitigation decisions (ACCME standard 3)."""

from django import forms
from django.contrib import admin
from django.utils import timezone

from activities import services
from activities.admin.base import AuditTrailAdmin, ServiceRefusalsMixin
from activities.models import (
    DISCLOSURE_VALID_MONTHS,
    ContentPerson,
    Disclosure,
    FinancialRelationship,
    Mitigation,
)
from activities.services.disclosures import MITIGATION_REQUIRED
from activities.timezones import add_months


def _set_expiry(disclosure: Disclosure) -> None:
    """As `disclosure_record` does: valid twelve months from signing."""
    disclosure.expires_on = add_months(disclosure.signed_on, DISCLOSURE_VALID_MONTHS)


class DisclosureInline(admin.TabularInline):
    model = Disclosure
    fields = ("signed_on", "expires_on")
    readonly_fields = ("expires_on",)
    show_change_link = True
    extra = 0


@admin.register(ContentPerson)
class ContentPersonAdmin(admin.ModelAdmin):
    list_display = ("name", "degree", "email", "user")
    search_fields = ("name", "email")
    raw_id_fields = ("user",)
    inlines = (DisclosureInline,)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Disclosure:
            return super().save_formset(request, form, formset, change)
        for disclosure in formset.save(commit=False):
            _set_expiry(disclosure)
            disclosure.save()
        for disclosure in formset.deleted_objects:
            disclosure.delete()
        return None


class FinancialRelationshipInline(admin.TabularInline):
    model = FinancialRelationship
    fields = ("company", "nature")
    extra = 0


@admin.register(Disclosure)
class DisclosureAdmin(AuditTrailAdmin):
    list_display = ("person", "signed_on", "expires_on")
    list_select_related = ("person",)
    list_filter = ("expires_on",)
    search_fields = ("person__name", "relationships__company")
    autocomplete_fields = ("person",)
    fields = ("person", "signed_on", "expires_on")
    readonly_fields = ("expires_on",)
    inlines = (FinancialRelationshipInline,)

    def save_model(self, request, obj, form, change):
        _set_expiry(obj)
        super().save_model(request, obj, form, change)


class MitigationAdminForm(forms.ModelForm):
    class Meta:
        model = Mitigation
        fields = ("activity", "relationship", "relevant", "mitigation")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("relevant") and not (cleaned.get("mitigation") or "").strip():
            self.add_error("mitigation", MITIGATION_REQUIRED)
        return cleaned


@admin.register(Mitigation)
class MitigationAdmin(ServiceRefusalsMixin, AuditTrailAdmin):
    form = MitigationAdminForm
    list_display = ("activity", "relationship_label", "relevant", "reviewed_by", "updated_at")
    list_select_related = ("activity", "relationship__disclosure__person", "reviewed_by")
    list_filter = ("relevant",)
    search_fields = ("activity__title", "relationship__company", "relationship__disclosure__person__name")
    autocomplete_fields = ("activity",)

    @admin.display(description="relationship")
    def relationship_label(self, mitigation: Mitigation) -> str:
        return f"{mitigation.relationship.disclosure.person}: {mitigation.relationship}"

    def get_readonly_fields(self, request, obj=None):
        return ("activity", "relationship", "reviewed_by") if obj else ("reviewed_by",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "relationship":
            kwargs["queryset"] = FinancialRelationship.objects.filter(
                disclosure__expires_on__gt=timezone.localdate()
            ).select_related("disclosure__person")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "relationship":
            field.label_from_instance = lambda relationship: f"{relationship.disclosure.person}: {relationship}"
        return field

    def save_model(self, request, obj, form, change):
        decision = services.mitigation_record(
            activity=obj.activity,
            relationship=obj.relationship,
            relevant=obj.relevant,
            mitigation=obj.mitigation,
            reviewed_by=request.user,
        )
        obj.pk, obj._state.adding, obj.reviewed_by = decision.pk, False, request.user
