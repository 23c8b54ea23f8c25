"""Certificates: issue, render, reissue (new version), revoke, re-queue, notify, export."""

import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from activities.services import provider_current
from certificates.models import Certificate, CertificateStatus, CertificateVersion
from certificates.snapshots import certificate_document, certificate_snapshot
from claims.models import Claim
from cme.exceptions import Conflict
from cme.jobs import enqueue, requeue_stuck, short_error, store_file

logger = logging.getLogger(__name__)
# Crockford's base32: no I, L, O or U. Sixteen characters carry 80 random bits.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VERIFICATION_CODE_LENGTH = 16
ALREADY_REVOKED = "This certificate is already revoked."
REVOKE_REASON_REQUIRED = "Give the reason for revoking the certificate."
NOT_READY = "The certificate is not ready yet."


def verification_code_generate() -> str:
    """Random, never derived from ids: 16 Crockford base32 characters (80 bits)."""
    return "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


def certificate_number_for(claim: Claim) -> str:
    return f"CME-{claim.pk:08d}"


def _render_task():
    from certificates.tasks import render_certificate

    return render_certificate


def _notify_task():
    from certificates.tasks import notify_certificate_ready

    return notify_certificate_ready


def _claim_for_snapshot(claim: Claim) -> Claim:
    return (
        Claim.objects.select_related("user", "activity__activity_type", "credit_type", "session")
        .prefetch_related("activity__objectives")
        .get(pk=claim.pk)
    )


@transaction.atomic
def certificate_issue(*, claim: Claim, requested_by=None) -> Certificate:
    """Create the claim's one certificate, `pending`, and have a worker render it after commit."""
    now = timezone.now()
    code = verification_code_generate()
    number = certificate_number_for(claim)
    certificate = Certificate(
        claim=claim,
        verification_code=code,
        number=number,
        issued_at=now,
        issue_requested_by=requested_by,
        snapshot=certificate_snapshot(
            claim=_claim_for_snapshot(claim), issued_at=now, number=number, code=code, version=1
        ),
        queued_at=now,
    )
    certificate._history_user = requested_by
    certificate.save()
    enqueue(_render_task(), certificate.pk, certificate.version)
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, reason: str, requested_by) -> Certificate:
    """Issue a new version with the same verification code; the current one is kept as history."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        return certificate
    CertificateVersion.objects.create(
        certificate=certificate,
        version=certificate.version,
        issued_at=certificate.issued_at,
        reason=certificate.issue_reason,
        requested_by=certificate.issue_requested_by,
        superseded_by=requested_by,
        supersede_reason=reason,
        snapshot=certificate.snapshot,
        pdf=certificate.pdf.name,
    )
    now = timezone.now()
    certificate.version += 1
    certificate.issued_at = now
    certificate.issue_reason = reason[:300]
    certificate.issue_requested_by = requested_by
    certificate.snapshot = certificate_snapshot(
        claim=_claim_for_snapshot(certificate.claim),
        issued_at=now,
        number=certificate.number,
        code=certificate.verification_code,
        version=certificate.version,
    )
    certificate.status = CertificateStatus.PENDING
    certificate.pdf = ""
    certificate.attempts = 0
    certificate.last_error = ""
    certificate.queued_at = now
    certificate._history_user = requested_by
    certificate._change_reason = reason[:100]
    certificate.save()
    enqueue(_render_task(), certificate.pk, certificate.version)
    return certificate


def certificates_reissue_for_name_change(*, user, requested_by) -> int:
    """A name correction issues a new version of each of the learner's certificates."""
    reason = f"Name corrected to {user.full_name}"
    certificates = Certificate.objects.filter(claim__user=user).exclude(status=CertificateStatus.REVOKED)
    count = 0
    for certificate in certificates:
        certificate_reissue(certificate=certificate, reason=reason, requested_by=requested_by)
        count += 1
    return count


def certificate_render(*, certificate_id: int, version: int) -> str:
    """The worker's job: draw the PDF of this version from its snapshot, store it, mark it ready.

    Safe to run twice: the row is locked, a version already rendered (or superseded, or revoked) is
    left alone, and the file name is fixed per version so a retry overwrites rather than adds.
    """
    from certificates.pdf import render_certificate

    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.version != version or certificate.status != CertificateStatus.PENDING:
            return "skipped"
        content = render_certificate(certificate_document(certificate.snapshot))
        name = store_file(f"certificates/{certificate.verification_code}/v{version}.pdf", content)
        certificate.pdf = name
        certificate.status = CertificateStatus.READY
        certificate.rendered_at = timezone.now()
        certificate.attempts += 1
        certificate.last_error = ""
        certificate.save(update_fields=["pdf", "status", "rendered_at", "attempts", "last_error", "updated_at"])
        # The email is its own task: a slow mail server never holds up rendering.
        enqueue(_notify_task(), certificate_id)
    return "ready"


def certificate_render_failed(*, certificate_id: int, version: int, error: BaseException, final: bool) -> None:
    """Count a failed attempt; after the last retry the certificate is `failed` until staff re-queue it."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id, version=version).first()
        if certificate is None or certificate.status != CertificateStatus.PENDING:
            return
        certificate.attempts += 1
        certificate.last_error = short_error(error)
        if final:
            certificate.status = CertificateStatus.FAILED
        certificate.save(update_fields=["attempts", "last_error", "status", "updated_at"])


def certificate_ready_notify(*, certificate_id: int) -> str:
    """Tell the learner their certificate is ready, with where to download it (once per version).

    The mail goes out while the row is locked and is marked sent in the same transaction; a mail
    server error rolls back the mark and the task retries.
    """
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("claim__user", "claim__activity")
            .get(pk=certificate_id)
        )
        if certificate.status != CertificateStatus.READY or certificate.notified_version >= certificate.version:
            return "skipped"
        _send_ready_email(certificate)
        Certificate.objects.filter(pk=certificate_id).update(notified_version=certificate.version)
    return "sent"


def _send_ready_email(certificate: Certificate) -> None:
    user, activity = certificate.claim.user, certificate.claim.activity
    base = provider_current().public_base_url.rstrip("/")
    download = reverse("web:certificate-pdf", args=[certificate.pk])
    send_mail(
        subject=f"Your certificate for {activity.title[:80]} is ready",
        message=(
            f"Dear {user.full_name},\n\n"
            f"Your certificate {certificate.number} for \u201c{activity.title}\u201d is ready.\n"
            f"Download the PDF (sign in first): {base}{download}\n"
            f"All your certificates are on your credits page: {base}/my/credits/\n"
            f"Anyone can verify it at {base}/verify/{certificate.verification_code}/\n\n"
            "Continuing Medical Education Office\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, revoked_by) -> Certificate:
    """Revoke (the claim stays on record); the verification page then says revoked."""
    if not reason.strip():
        raise ValidationError({"reason": REVOKE_REASON_REQUIRED})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(ALREADY_REVOKED)
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = revoked_by
    certificate.revoke_reason = reason.strip()
    certificate._history_user = revoked_by
    certificate._change_reason = reason.strip()[:100]
    certificate.save()
    return certificate


@transaction.atomic
def certificates_requeue_for_activity(*, activity, requested_by) -> dict:
    """Issue certificates for claims that lack one and re-queue every failed one of the activity."""
    missing = Claim.objects.filter(activity=activity, certificate__isnull=True)
    issued = [certificate_issue(claim=claim, requested_by=requested_by) for claim in missing]
    failed = list(
        Certificate.objects.select_for_update().filter(claim__activity=activity, status=CertificateStatus.FAILED)
    )
    now = timezone.now()
    for certificate in failed:
        certificate.status = CertificateStatus.PENDING
        certificate.attempts = 0
        certificate.queued_at = now
        certificate._history_user = requested_by
        certificate._change_reason = "Re-queued by staff"
        certificate.save()
        enqueue(_render_task(), certificate.pk, certificate.version)
    return {"issued": len(issued), "requeued": len(failed)}


def certificates_requeue_stuck() -> int:
    """Beat's sweep for certificates whose render message was lost."""
    return requeue_stuck(
        Certificate.objects.all(), _render_task(), args_for=lambda certificate: (certificate.pk, certificate.version)
    )
