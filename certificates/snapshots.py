"""Gather every value a certificate prints, once, when a version is issued (then it never changes)."""

import hashlib
import logging
import posixpath
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from activities.models import AMA_PRA_1, Provider
from activities.services import provider_current
from activities.timezones import local_date
from claims.models import Claim, ClaimKind

logger = logging.getLogger(__name__)
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


SIGNATURES_FOLDER = "signatures"
SIGNATURE_MISMATCH = "The frozen signature image {name} no longer matches its SHA-256."


def signature_freeze(provider: Provider) -> tuple[str, str]:
    """Copy the director's signature image into content-addressed storage: (storage name, sha256).

    `signatures/<sha256>.<ext>` is written once and never replaced, so a provider who uploads a new
    image later changes new versions only; every version issued before keeps drawing the old one.
    """
    if not provider.director_signature:
        return "", ""
    try:
        with provider.director_signature.open("rb") as image:
            content = image.read()
    except OSError:  # the uploaded file is gone: a claim is never refused for it; a line is drawn instead
        logger.warning("director signature %s cannot be read", provider.director_signature.name, exc_info=True)
        return "", ""
    digest = hashlib.sha256(content).hexdigest()
    extension = posixpath.splitext(provider.director_signature.name)[1].lower() or ".png"
    name = f"{SIGNATURES_FOLDER}/{digest}{extension}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # another issue raced us to the same bytes: keep the first copy
            default_storage.delete(saved)
    return name, digest


def _local_path(name: str) -> str:
    if not name:
        return ""
    try:
        return default_storage.path(name)
    except NotImplementedError:  # a remote storage: the renderer draws a signature line instead
        return ""


def certificate_document(snapshot: dict):
    """The renderer's input for a snapshot, the frozen signature resolved to a local file.

    Snapshots older than frozen signatures carry only `director_signature_path` and keep it. A frozen
    image whose bytes no longer match the stored hash fails the render rather than print another one;
    one gone from storage (a restore without media, say) is logged and the version gets a signature
    line, so a correction is never stuck behind a file nobody can bring back.
    """
    from certificates.pdf import CertificateDocument

    values = dict(snapshot)
    name, digest = snapshot.get("director_signature", ""), snapshot.get("director_signature_sha256", "")
    if name:
        try:
            with default_storage.open(name, "rb") as image:
                content = image.read()
        except FileNotFoundError:
            logger.warning("Frozen signature %s is missing from storage: rendering a signature line", name)
            values["director_signature_path"] = ""
        else:
            if hashlib.sha256(content).hexdigest() != digest:
                raise ValueError(SIGNATURE_MISMATCH.format(name=name))
            values["director_signature_path"] = _local_path(name)
    return CertificateDocument.from_dict(values)


def certificate_snapshot(*, claim: Claim, issued_at: datetime, number: str, code: str, version: int) -> dict:
    """The frozen content of one certificate version: the fields of certificates.pdf.CertificateDocument,
    the surname (for file names) and the signature image copied where it is never replaced."""
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
    signature, signature_sha256 = signature_freeze(provider)
    return {
        "provider_name": provider.name,
        "accreditation_statement": provider.accreditation_statement if is_ama else "",
        "director_name": provider.director_name,
        "director_title": provider.director_title,
        "director_signature": signature,
        "director_signature_sha256": signature_sha256,
        "director_signature_path": _local_path(signature),
        "learner_name": claim.user.full_name,
        "learner_last_name": claim.user.last_name,
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
