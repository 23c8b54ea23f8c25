from django.contrib import admin

from claims.models import Claim, LateClaimException
from cme.admin import RecordAdmin


@admin.register(Claim)
class ClaimAdmin(RecordAdmin):
    list_display = ["id", "user", "activity", "credit_type", "credits", "kind", "credit_date", "created_at"]
    list_filter = ["credit_type", "kind", ("credit_date", admin.DateFieldListFilter)]
    search_fields = ["user__email", "user__last_name", "activity__title", "activity__provider_activity_id"]
    list_select_related = ["user", "activity", "credit_type"]
    raw_id_fields = ["user", "activity", "session", "created_by"]
    date_hierarchy = "credit_date"


@admin.register(LateClaimException)
class LateClaimExceptionAdmin(RecordAdmin):
    list_display = ["activity", "user", "expires", "granted_by", "created_at"]
    search_fields = ["activity__title", "user__email", "reason"]
    list_select_related = ["activity", "user", "granted_by"]
    raw_id_fields = ["user", "activity", "granted_by"]
