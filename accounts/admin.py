from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


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
