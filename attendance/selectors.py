"""Reads of attendance shared by the API and the pages."""

from django.db.models import QuerySet

from activities.models import Activity
from attendance.models import Attendance


def roster_for_activity(activity: Activity) -> QuerySet[Attendance]:
    """Who attended which session, in session order then by name, joined for display."""
    return (
        Attendance.objects.filter(session__activity=activity)
        .select_related("user", "session__activity", "recorded_by")
        .order_by("session__starts_at", "user__last_name", "user__first_name", "id")
    )
