from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import PROFILE_FIELDS, user_profile_update


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "degree", "npi", "is_staff", "is_active"]
    list_filter = ["degree", "groups", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name", "npi"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("first_name", "last_name", "degree", "npi", "specialty")}),
        (_("License"), {"fields": ("license_state", "license_expires")}),
        (_("Roles and access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
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

    def save_model(self, request, obj, form, change):
        """Profile fields go through `user_profile_update`, so a name corrected here issues new
        certificate versions as it does on /me/; the admin's own fields are then saved as usual."""
        profile = {name: form.cleaned_data[name] for name in form.changed_data if name in PROFILE_FIELDS}
        if change and profile:
            user_profile_update(user=obj, changed_by=request.user, **profile)
        super().save_model(request, obj, form, change)
