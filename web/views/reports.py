"""Reports for accreditation: request one, watch it become ready (the page polls), download it."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from activities.selectors import activities_visible_to
from activities.services import provider_current
from cme.models import RenderStatus
from reports import pars
from reports.models import ReportKind
from reports.selectors import reports_visible_to
from reports.services import report_request
from reports.views import report_download_name
from web.access import report_page
from web.forms.staff_records import ActivitySummaryReportForm, AnnualReportForm

REPORTS_PAGE_SIZE = 25
# The activity picker lists activities of the last eighteen months and anything not yet started.
PICKER_DAYS = 548


def _picker_activities(request, chosen: str):
    """Recent and coming activities, plus the one the page was opened for (or the one posted)."""
    since = timezone.now() - timedelta(days=PICKER_DAYS)
    shown = Q(starts_at__gte=since) | Q(starts_at__isnull=True)
    if chosen.isdigit():
        shown |= Q(pk=int(chosen))
    return activities_visible_to(request.user).filter(shown).order_by(F("starts_at").desc(nulls_first=True), "-id")


def _last_year() -> dict:
    year = timezone.localdate().year - 1
    return {"date_from": date(year, 1, 1), "date_to": date(year, 12, 31)}


def _requested(request, summary_form, annual_form):
    """The report the POST asks for, or None when its form is invalid."""
    kind = request.POST.get("kind")
    if kind == ReportKind.ACTIVITY_SUMMARY and summary_form.is_valid():
        return report_request(kind=kind, requested_by=request.user, activity=summary_form.cleaned_data["activity"])
    if kind == ReportKind.ANNUAL and annual_form.is_valid():
        return report_request(kind=kind, requested_by=request.user, **annual_form.cleaned_data)
    return None


def _reports_page(request, summary_form, annual_form, pars_form=None):
    listed = reports_visible_to(request.user).select_related("activity", "requested_by")
    page = Paginator(listed, REPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    pars_form = pars_form or AnnualReportForm(initial=_last_year(), prefix="pars")
    context = {"summary_form": summary_form, "annual_form": annual_form, "pars_form": pars_form, "page_obj": page,
               "zone_name": provider_current().time_zone}  # fmt: skip
    status = 400 if summary_form.errors or annual_form.errors or pars_form.errors else 200
    return render(request, "web/staff/reports.html", context, status=status)


def _blank_forms(request) -> tuple:
    summary_form = ActivitySummaryReportForm(
        initial={"activity": request.GET.get("activity") or None},
        activities=_picker_activities(request, request.GET.get("activity", "")),
        prefix="summary",
    )
    return summary_form, AnnualReportForm(initial=_last_year(), prefix="annual")


@report_page
def reports(request):
    kind = request.POST.get("kind") if request.method == "POST" else None
    chosen = request.POST.get("summary-activity") or request.GET.get("activity") or ""
    summary_form = ActivitySummaryReportForm(
        request.POST if kind == ReportKind.ACTIVITY_SUMMARY else None,
        initial={"activity": chosen or None},
        activities=_picker_activities(request, chosen),
        prefix="summary",
    )
    annual_form = AnnualReportForm(request.POST if kind == ReportKind.ANNUAL else None, initial=_last_year(),
                                   prefix="annual")  # fmt: skip
    if kind:
        report = _requested(request, summary_form, annual_form)
        if report is not None:
            messages.success(request, f"{report.get_kind_display()} requested. It appears below when ready.")
            return redirect("web:staff-reports")
    return _reports_page(request, summary_form, annual_form)


@report_page
@require_POST
def pars_csv(request):
    """The PARS activity export, the API's CSV (reports.pars): streamed, and the period marked exported.

    A POST with the CSRF token, not a link: downloading marks activities exported for good, which a
    page on another site must not be able to make a signed-in member of staff do.
    """
    form = AnnualReportForm(request.POST, prefix="pars")
    if not form.is_valid():
        return _reports_page(request, *_blank_forms(request), pars_form=form)
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return pars.pars_activities_response(date_from=date_from, date_to=date_to, exported_by=request.user)


@report_page
@require_GET
def report_status(request, pk: int):
    """What the page polls every two seconds: the status and, once ready, where to download."""
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    links = []
    if report.status == RenderStatus.READY:
        links = [{"href": reverse("web:staff-report-pdf", args=[pk]), "text": "Download PDF", "download": True}]
    return JsonResponse({"status": report.status, "label": report.get_status_display(), "links": links})


@report_page
@require_GET
def report_pdf(request, pk: int):
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if report.status != RenderStatus.READY:
        return render(request, "web/staff/report_not_ready.html", {"report": report}, status=409)
    return FileResponse(
        report.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=report_download_name(report),
    )
