"""Reads: certificates visible to a caller, verification, and the learner's transcript."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from accounts.permissions import sees_everything
from activities.models import AMA_PRA_1, CreditType, Objective
from certificates.models import Certificate, CertificateStatus
from certificates.renewal import renewal_cycle, renewal_progress
from claims.models import Claim

ZERO = Decimal("0.00")


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """Staff and accreditation see every certificate; a learner only their own (others are 404)."""
    certificates = Certificate.objects.select_related("claim__user", "claim__activity").prefetch_related("versions")
    if not sees_everything(user):
        certificates = certificates.filter(claim__user=user)
    return certificates.order_by("-issued_at", "-id")


def certificates_of_learner(user) -> QuerySet[Certificate]:
    """The learner's own certificates, whatever their role (the "My credits" view)."""
    return (
        Certificate.objects.filter(claim__user=user)
        .select_related("claim__user", "claim__activity", "claim__credit_type")
        .prefetch_related("versions")
        .order_by("-issued_at", "-id")
    )


@dataclass(frozen=True)
class RenderedVersion:
    """One version of a certificate whose PDF exists: what verification shows and a download serves."""

    version: int
    issued_at: datetime
    snapshot: dict
    pdf: FieldFile


def certificate_rendered_version(certificate: Certificate) -> RenderedVersion | None:
    """The newest version that has a PDF: the current one once rendered, else the last one before it.

    While a reissued version renders (or after its render failed) the previous version stays the one
    the learner downloads and the public verifies, so an issued certificate never disappears. Uses
    the prefetched `versions` when the caller's queryset has them.
    """
    if certificate.pdf:
        return RenderedVersion(certificate.version, certificate.issued_at, certificate.snapshot, certificate.pdf)
    earlier = [version for version in certificate.versions.all() if version.pdf]
    if not earlier:
        return None
    last = max(earlier, key=lambda version: version.version)
    return RenderedVersion(last.version, last.issued_at, last.snapshot, last.pdf)


def certificate_download(certificate: Certificate) -> RenderedVersion | None:
    """The version a download serves: the newest rendered one; none for a revoked certificate."""
    if certificate.status == CertificateStatus.REVOKED:
        return None
    return certificate_rendered_version(certificate)


def certificate_for_verification(code: str) -> Certificate | None:
    """A certificate by its verification code, once any version of it was rendered; revoked ones too.

    A certificate never rendered (its first version pending or failed) is unknown to the public. Earlier
    versions are read only while the current one has no PDF (a reissue), so the usual case costs one query.
    """
    normalized = (code or "").strip().upper()
    if not normalized.isalnum() or len(normalized) != 16:
        return None
    certificate = Certificate.objects.filter(verification_code=normalized).select_related("claim__activity").first()
    if certificate is None:
        return None
    if certificate.status == CertificateStatus.REVOKED or certificate_rendered_version(certificate):
        return certificate
    return None


def _credited_claims(user, date_from: date | None, date_to: date | None) -> QuerySet[Claim]:
    claims = Claim.objects.filter(user=user, certificate__isnull=False).exclude(
        certificate__status=CertificateStatus.REVOKED
    )
    if date_from:
        claims = claims.filter(credit_date__gte=date_from)
    if date_to:
        claims = claims.filter(credit_date__lte=date_to)
    return claims


def _sum_by(claims: QuerySet[Claim], field: str) -> dict[str, Decimal]:
    rows = claims.values(field).annotate(total=Sum("credits")).order_by(field)
    return {row[field]: row["total"] for row in rows if row[field] is not None}


def _renewal(user) -> dict | None:
    """Credits after the cycle's first day up to the expiry day; one-time topics over the whole record."""
    if not user.license_expires:
        return None
    today = timezone.localdate()
    start, end = renewal_cycle(user.license_expires, today=today)
    counted = Claim.objects.filter(user=user, certificate__isnull=False).exclude(
        certificate__status=CertificateStatus.REVOKED
    )
    if user.is_physician:  # a physician's renewal counts Category 1 credit
        counted = counted.filter(credit_type_id=AMA_PRA_1)
    in_cycle = counted.filter(credit_date__gt=start, credit_date__lte=end)
    cycle = _sum_by(in_cycle, "activity__renewal_topics__slug")
    cycle["total"] = in_cycle.aggregate(total=Sum("credits"))["total"] or ZERO
    career = _sum_by(counted, "activity__renewal_topics__slug")
    return renewal_progress(
        license_state=user.license_state,
        license_expires=user.license_expires,
        today=today,
        cycle_credits=cycle,
        career_credits=career,
    )


def _amounts(slugs, totals: dict[str, Decimal]) -> dict[str, str]:
    return {slug: f"{totals.get(slug, ZERO):.2f}" for slug in slugs}


def transcript_for_learner(*, user, date_from: date | None = None, date_to: date | None = None) -> dict:
    """Certificates in the range with totals by credit type and objective, and renewal progress."""
    claims = _credited_claims(user, date_from, date_to)
    entries = [
        {
            "date": claim.credit_date,
            "activity": claim.activity_id,
            "activity_title": claim.activity.title,
            "credit_type": claim.credit_type_id,
            "credits": f"{claim.credits:.2f}",
            "kind": claim.kind,
            "certificate": claim.certificate.pk,
            "certificate_number": claim.certificate.number,
            "status": claim.certificate.status,
            "objectives": [objective.slug for objective in claim.activity.objectives.all()],
        }
        for claim in claims.select_related("activity", "certificate")
        .prefetch_related("activity__objectives")
        .order_by("credit_date", "id")
    ]
    by_type = _sum_by(claims, "credit_type_id")
    by_objective = _sum_by(claims, "activity__objectives__slug")
    return {
        "from": date_from,
        "to": date_to,
        "entries": entries,
        "totals": {
            "by_credit_type": {
                slug: f"{by_type.get(slug, ZERO):.2f}" for slug in CreditType.objects.values_list("slug", flat=True)
            },
            "by_objective": {
                slug: f"{by_objective.get(slug, ZERO):.2f}" for slug in Objective.objects.values_list("slug", flat=True)
            },
        },
        "renewal": _renewal(user),
    }
