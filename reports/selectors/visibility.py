"""Who sees which report."""

from django.db.models import QuerySet

from accounts.permissions import user_has_role
from accounts.roles import Role
from reports.models import Report


def reports_visible_to(user) -> QuerySet[Report]:
    """Accreditation sees every report; staff only the reports they requested (others are 404)."""
    reports = Report.objects.all()
    if not user_has_role(user, Role.ACCREDITATION):
        reports = reports.filter(requested_by=user)
    return reports.order_by("-created_at", "-id")
