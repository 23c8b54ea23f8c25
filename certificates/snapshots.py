"""Gather every value a certificate prints, once, when a version is issued (then it never changes)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.files.storage import default_storage

from activities.models import AMA_PRA_1, Provider
from activities.services import provider_current
from activities.timezones import local_date
from claims.models import Claim, ClaimKind

LIVE, ENDURING = "live activity", "enduring material"


def format_day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def format_range(first: date, last: date) -> str:
    """'March 3, 2026', 'March 3 – 4, 2026', 'March 30 – April 2, 2026' or across years in full."""
    if first == last:
        return format_day(first)
    if first.year != last.year:
        return f"{format_day(first)} \u2013 {format_day(last)}"
    if first.month == last.month:
        return f"{first:%B} {first.day} \u2013 {last.day}, {first.year}"
    return f"{first:%B} {first.day} \u2013 {last:%B} {last.day}, {first.year}"


def credits_phrase(amount: Decimal, name: str = "AMA PRA Category 1 Credit") -> str:
    plural = "" if amount == 1 else "s"
    return f"{amount:.2f} {name}{plural}\u2122"


def designation_statement(*, provider_name: str, live: bool, maximum: Decimal) -> str:
    """The AMA designation statement, word for word (DOMAIN.md, Certificates)."""
    return (
        f"{provider_name} designates this {LIVE if live else ENDURING} for a maximum of "
        f"{credits_phrase(maximum)}. Physicians should claim only the credit commensurate with the extent "
        "of their participation in the activity."
    )


def participation_statement(*, maximum: Decimal | None) -> str:
    if maximum is None:
        return "This activity was not designated for AMA PRA Category 1 Credit\u2122."
    return f"This activity was designated for a maximum of {credits_phrase(maximum)}."


def _activity_days(claim: Claim) -> tuple[date, date]:
    activity, zone_name = claim.activity, claim.activity.time_zone
    if claim.kind == ClaimKind.FACULTY:
        day = local_date(claim.session.starts_at, zone_name)
        return day, day
    if not activity.activity_type.live:
        day = local_date(claim.created_at, zone_name)
        return day, day
    starts = sorted(
        activity.sessions.filter(attendances__user=claim.user).values_list("starts_at", flat=True)
    ) or sorted(activity.sessions.values_list("starts_at", flat=True))
    return local_date(starts[0], zone_name), local_date(starts[-1], zone_name)


def _signature_path(provider: Provider) -> str:
    if not provider.director_signature:
        return ""
    try:
        return default_storage.path(provider.director_signature.name)
    except NotImplementedError:  # a remote storage: the renderer draws a signature line instead
        return ""


def certificate_snapshot(*, claim: Claim, issued_at: datetime, number: str, code: str, version: int) -> dict:
    """The frozen content of one certificate version (the fields of certificates.pdf.CertificateDocument)."""
    provider = provider_current()
    activity = claim.activity
    ama = activity.designations.filter(credit_type_id=AMA_PRA_1).first()
    ama_maximum = ama.max_credits if ama else None
    is_ama = claim.credit_type_id == AMA_PRA_1
    if is_ama:
        statement = designation_statement(
            provider_name=provider.name, live=activity.activity_type.live, maximum=ama_maximum or claim.credits
        )
    else:
        statement = participation_statement(maximum=ama_maximum)
    first, last = _activity_days(claim)
    return {
        "provider_name": provider.name,
        "accreditation_statement": provider.accreditation_statement if is_ama else "",
        "director_name": provider.director_name,
        "director_title": provider.director_title,
        "director_signature_path": _signature_path(provider),
        "learner_name": claim.user.full_name,
        "learner_degree": claim.user.degree,
        "activity_title": activity.title,
        "activity_type": activity.activity_type.name,
        "activity_dates": format_range(first, last),
        "location": activity.location,
        "objectives": [objective.name for objective in activity.objectives.all()],
        "credit_type": claim.credit_type_id,
        "credit_type_name": claim.credit_type.name,
        "credits": f"{claim.credits:.2f}",
        "credit_statement": statement,
        "faculty": claim.kind == ClaimKind.FACULTY,
        "issue_date": format_day(local_date(issued_at, activity.time_zone)),
        "certificate_number": number,
        "verification_code": code,
        "verify_url": f"{provider.public_base_url.rstrip('/')}/verify/{code}/",
        "version": version,
    }
