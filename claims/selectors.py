"""Reads of claims shared by the API and the pages."""

from django.db.models import QuerySet

from accounts.permissions import sees_everything
from claims.models import Claim


def claims_visible_to(user) -> QuerySet[Claim]:
    """Staff and accreditation see every claim; a clinician only their own (others are 404)."""
    claims = Claim.objects.select_related("user", "activity", "credit_type", "certificate").order_by(
        "-created_at", "-id"
    )
    return claims if sees_everything(user) else claims.filter(user=user)
