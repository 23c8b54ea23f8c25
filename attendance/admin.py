from django.contrib import admin

from attendance.models import Attendance, Evaluation
from cme.admin import RecordAdmin


@admin.register(Attendance)
class AttendanceAdmin(RecordAdmin):
    list_display = ["user", "session", "method", "checked_in_at", "recorded_by"]
    list_filter = ["method", "session__activity__activity_type", ("checked_in_at", admin.DateFieldListFilter)]
    search_fields = ["user__email", "user__last_name", "session__activity__title", "session__checkin_code"]
    list_select_related = ["user", "session__activity", "recorded_by"]
    raw_id_fields = ["user", "session", "recorded_by"]
    date_hierarchy = "checked_in_at"


@admin.register(Evaluation)
class EvaluationAdmin(RecordAdmin):
    list_display = ["activity", "user", "overall_rating", "commercial_bias", "created_at"]
    list_filter = ["overall_rating", "commercial_bias"]
    search_fields = ["activity__title", "user__email", "practice_change", "comments"]
    list_select_related = ["activity", "user"]
    raw_id_fields = ["user", "activity"]
