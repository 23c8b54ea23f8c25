"""The learner's records: certificates, transcript (page and PDF), profile."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts.services import user_profile_update
from activities.models import CreditType, Objective
from certificates.exports import certificate_download_name
from certificates.selectors import certificate_download, certificates_of_learner, transcript_for_learner
from certificates.transcripts import transcript_pdf
from web.access import signed_in_page
from web.errors import form_add_service_error
from web.forms.accounts import ProfileForm
from web.forms.learning import TranscriptRangeForm

CERTIFICATE_LABELS = {"pending": "Being prepared", "ready": "Ready", "failed": "Delayed", "revoked": "Revoked"}
PROFILE_FIELDS = ("first_name", "last_name", "degree", "npi", "specialty", "license_state", "license_expires")


def own_certificates(user):
    """The learner's own certificates (staff see everyone's through the API, not here)."""
    return certificates_of_learner(user)


def _range(form: TranscriptRangeForm) -> tuple:
    if form.is_bound and form.is_valid():
        return form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return None, None


def _named(totals: dict[str, str], names: dict[str, str]) -> list[tuple[str, str]]:
    return [(names.get(slug, slug), amount) for slug, amount in totals.items()]


@signed_in_page
@require_GET
def my_credits(request):
    form = TranscriptRangeForm(request.GET or None)
    date_from, date_to = _range(form)
    transcript = transcript_for_learner(user=request.user, date_from=date_from, date_to=date_to)
    totals = transcript["totals"]
    context = {
        "certificates": own_certificates(request.user),
        "form": form,
        "transcript": transcript,
        "by_credit_type": _named(totals["by_credit_type"], dict(CreditType.objects.values_list("slug", "name"))),
        "by_objective": _named(totals["by_objective"], dict(Objective.objects.values_list("slug", "name"))),
        "credit_names": dict(CreditType.objects.values_list("slug", "name")),
        "pdf_query": request.GET.urlencode() if form.is_bound and form.is_valid() else "",
    }
    return render(request, "web/credits/my_credits.html", context)


@signed_in_page
@require_GET
def certificate_pdf(request, pk: int):
    """The owner's PDF, opened inline: the newest rendered version (the previous one while a correction
    renders, as the API serves). Someone else's certificate is a 404; none rendered yet, or revoked, a
    friendly 409."""
    certificate = get_object_or_404(own_certificates(request.user), pk=pk)
    shown = certificate_download(certificate)
    if shown is None:
        return render(request, "web/credits/not_ready.html", {"certificate": certificate}, status=409)
    return FileResponse(
        shown.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=certificate_download_name(certificate, snapshot=shown.snapshot),
    )


@signed_in_page
@require_GET
def certificate_status(request, pk: int):
    """A tiny status document the page polls until the worker has rendered the certificate."""
    certificate = get_object_or_404(own_certificates(request.user), pk=pk)
    links = []
    if certificate_download(certificate) is not None:
        code = certificate.verification_code
        links = [
            {"href": reverse("web:certificate-pdf", args=[certificate.pk]), "text": "Download PDF", "download": True},
            {"href": reverse("web:verify", args=[code]), "text": f"Verify ({code})"},
        ]
    return JsonResponse({"status": certificate.status, "label": CERTIFICATE_LABELS[certificate.status], "links": links})


@signed_in_page
@require_GET
def transcript_download(request):
    form = TranscriptRangeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return redirect(reverse("web:my-credits") + "?" + request.GET.urlencode())
    date_from, date_to = _range(form)
    content = transcript_pdf(user=request.user, date_from=date_from, date_to=date_to)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"transcript-{slugify(request.user.last_name) or 'learner'}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@signed_in_page
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={name: getattr(user, name) for name in PROFILE_FIELDS})
    if request.method == "POST" and form.is_valid():
        old_name = user.full_name
        try:
            user = user_profile_update(user=user, changed_by=user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            saved = "Your profile is saved."
            if user.full_name != old_name:
                saved += " Your certificates are being reissued with your corrected name."
            messages.success(request, saved)
            return redirect("web:profile")
    return render(request, "web/credits/profile.html", {"form": form}, status=400 if form.errors else 200)
