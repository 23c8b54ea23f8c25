from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import ALL_ROLES, Role
from accounts.services import PROFILE_FIELDS, role_grant, role_revoke, user_profile_update

# What only a superuser may set: the rest of access follows the roles (`role_grant` sets is_staff).
SUPERUSER_FIELDS = ("is_staff", "is_superuser")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Usable by CME staff: they add people, correct clinicians' profiles, grant roles, deactivate
    accounts. They cannot delete anyone (records are kept six years), make a superuser, set a
    password, or change an account that opens the admin (another member of staff's)."""

    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "degree", "npi", "is_staff", "is_active"]
    list_filter = ["degree", "groups", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name", "npi"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("first_name", "last_name", "degree", "npi", "specialty")}),
        (_("License"), {"fields": ("license_state", "license_expires")}),
        (_("Roles and access"), {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "degree", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ("groups",)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, *SUPERUSER_FIELDS)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":  # the three roles, nothing else
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(name__in=ALL_ROLES).order_by("name")
            kwargs["help_text"] = _("Every person is a clinician; CME staff and accreditation also get this admin.")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        """Staff change clinicians' accounts; accounts that open this admin (staff, accreditation,
        superusers) only a superuser changes, so no member of staff can take over another's."""
        if obj is not None and not request.user.is_superuser and (obj.is_staff or obj.is_superuser):
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        """Passwords are set by their owners (the reset email) or by a superuser, never by staff."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        """Roles go through `role_grant`/`role_revoke`, which keep admin access in step; a user
        stays a clinician."""
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        chosen = {group.name for group in form.cleaned_data.get("groups", ())} | {Role.CLINICIAN}
        form.cleaned_data["groups"] = list(user.groups.all())  # unchanged here; set below, role by role
        super().save_related(request, form, formsets, change)
        for role in chosen - before:
            role_grant(user=user, role=role)
        for role in (before - chosen) & set(ALL_ROLES):
            role_revoke(user=user, role=role)

    def save_model(self, request, obj, form, change):
        """Profile fields go through `user_profile_update`, so a name corrected here issues new
        certificate versions as it does on /me/; the admin's own fields are then saved as usual."""
        profile = {name: form.cleaned_data[name] for name in form.changed_data if name in PROFILE_FIELDS}
        if change and profile:
            user_profile_update(user=obj, changed_by=request.user, **profile)
        super().save_model(request, obj, form, change)
