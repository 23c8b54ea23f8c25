"""Staff pages for records: roster and manual marking, CSV import, claims, certificate revocation."""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from activities.models import Activity
from attendance.imports import MAX_BYTES, TOO_LARGE, attendance_import
from attendance.selectors import roster_for_activity
from attendance.services import attendance_mark
from certificates.models import CertificateStatus
from certificates.selectors import certificates_visible_to
from certificates.services import certificate_revoke
from claims.selectors import claims_visible_to
from cme.exceptions import Conflict
from web.access import can_write_staff, staff_page, staff_write_page
from web.display import session_when
from web.errors import form_add_service_error
from web.forms.staff_records import ClaimListFilter, RevokeForm, RosterImportForm, RosterMarkForm
from web.views.staff_activities import staff_activity

ROSTER_PAGE_SIZE = 100
CLAIMS_PAGE_SIZE = 50
# A checked file waits this long for the "Import" click (kept in the shared cache, not the session).
IMPORT_HOLD_SECONDS = 30 * 60
IMPORT_EXPIRED = "The checked file is no longer available. Choose it again and check it."


def _mark_form(request, activity: Activity) -> RosterMarkForm:
    return RosterMarkForm(
        request.POST or None, sessions=activity.sessions.order_by("starts_at", "id"), session_label=session_when
    )


def _roster_page(request, activity: Activity):
    return Paginator(roster_for_activity(activity), ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))


@staff_page
def roster(request, pk: int):
    """Who attended which session; staff mark a learner by hand."""
    activity = staff_activity(request, pk)
    form = _mark_form(request, activity)
    context = {"activity": activity, "form": form, "can_write": can_write_staff(request.user)}
    if request.method == "POST" and form.is_valid():
        try:
            _, created = attendance_mark(
                session=form.cleaned_data["session"], user=form.learner, recorded_by=request.user
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        except Conflict as conflict:
            context["page_error"] = conflict.message
        else:
            name = form.learner.full_name
            messages.success(request, f"{name} is marked as attended." if created else f"{name} was already marked.")
            return redirect("web:staff-roster", pk=activity.pk)
    context["page_obj"] = _roster_page(request, activity)
    status = 400 if form.errors or "page_error" in context else 200
    return render(request, "web/staff/roster.html", context, status=status)


def _hold_key(token: str) -> str:
    return f"web:roster-import:{token}"


def _hold(request, activity: Activity, content: bytes, name: str) -> str:
    token = secrets.token_urlsafe(16)
    cache.set(_hold_key(token), {"user": request.user.pk, "activity": activity.pk, "content": content, "name": name},
              IMPORT_HOLD_SECONDS)  # fmt: skip
    return token


def _held(request, activity: Activity) -> dict | None:
    held = cache.get(_hold_key(request.POST.get("token", "")))
    if held and held["user"] == request.user.pk and held["activity"] == activity.pk:
        return held
    return None


def _run_import(request, activity: Activity, *, content: bytes, name: str, dry_run: bool) -> dict:
    report = attendance_import(activity=activity, content=content, recorded_by=request.user, dry_run=dry_run)
    result = {"report": report, "file_name": name, "dry_run": dry_run}
    if dry_run and not report.errors:
        result["token"] = _hold(request, activity, content, name)
    return result


def _import_step(request, activity: Activity, form: RosterImportForm) -> dict:
    """Check the uploaded file (dry run), or import the checked one; refusals land on the form."""
    if request.POST.get("action") == "import":
        held = _held(request, activity)
        if held is None:
            return {"page_error": IMPORT_EXPIRED}
        cache.delete(_hold_key(request.POST["token"]))
        return _run_import(request, activity, content=held["content"], name=held["name"], dry_run=False)
    if not form.is_valid():
        return {}
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:
        form.add_error("file", TOO_LARGE)
        return {}
    return _run_import(request, activity, content=upload.read(), name=upload.name, dry_run=True)


@staff_write_page
def roster_import(request, pk: int):
    """Upload a CSV, see every bad row (a dry run writes nothing), then import the checked file."""
    activity = staff_activity(request, pk)
    is_upload = request.method == "POST" and request.POST.get("action") != "import"
    form = RosterImportForm(request.POST or None, request.FILES or None) if is_upload else RosterImportForm()
    context = {"activity": activity, "form": form, "sessions": list(activity.sessions.all())}
    if request.method == "POST":
        try:
            context.update(_import_step(request, activity, form))
        except ValidationError as error:
            form_add_service_error(form, error)
        except Conflict as conflict:
            context["page_error"] = conflict.message
        report = context.get("report")
        if report and not context["dry_run"] and not report.errors:
            messages.success(
                request, f"Imported: {report.created} new attendance record(s), {report.unchanged} unchanged."
            )
            return redirect("web:staff-roster", pk=activity.pk)
    failed = form.errors or context.get("page_error") or (context.get("report") and context["report"].errors)
    return render(request, "web/staff/import.html", context, status=400 if failed else 200)


@staff_page
@require_GET
def claims(request):
    """Every claim, filtered by activity, learner, credit type, kind, certificate status and date."""
    queryset = claims_visible_to(request.user)
    filterset = ClaimListFilter(request.GET or None, queryset=queryset)
    shown = filterset.qs if filterset.is_bound else queryset
    page = Paginator(shown, CLAIMS_PAGE_SIZE).get_page(request.GET.get("page"))
    activity_id = request.GET.get("activity", "")
    activity = Activity.objects.filter(pk=activity_id).first() if activity_id.isdigit() else None
    context = {
        "form": filterset.form,
        "page_obj": page,
        "activity": activity,
        "can_write": can_write_staff(request.user),
    }
    return render(request, "web/staff/claims.html", context)


@staff_write_page
def certificate_revoke_page(request, pk: int):
    certificate = get_object_or_404(certificates_visible_to(request.user).select_related("claim__credit_type"), pk=pk)
    form = RevokeForm(request.POST or None)
    context = {"certificate": certificate, "form": form}
    if certificate.status == CertificateStatus.REVOKED and request.method == "GET":
        context["page_error"] = "This certificate is already revoked."
    if request.method == "POST" and form.is_valid():
        try:
            certificate_revoke(certificate=certificate, reason=form.cleaned_data["reason"], revoked_by=request.user)
        except ValidationError as error:
            form_add_service_error(form, error)
        except Conflict as conflict:
            context["page_error"] = conflict.message
        else:
            messages.success(request, f"Certificate {certificate.number} is revoked.")
            return redirect(reverse("web:staff-claims") + f"?activity={certificate.claim.activity_id}")
    status = 400 if form.errors or (request.method == "POST" and "page_error" in context) else 200
    return render(request, "web/staff/revoke.html", context, status=status)
