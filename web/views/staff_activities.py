"""The CME office's activity pages: list, create, edit, the activity's staff page, publish, close."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from activities import services
from activities.models import Activity, ActivityStatus
from activities.selectors import activities_for_catalog, disclosure_listing
from activities.timezones import today_in
from certificates.services import certificates_requeue_for_activity
from cme.exceptions import Conflict
from web.access import can_write_staff, staff_page, staff_write_page
from web.errors import form_add_service_error, service_messages
from web.filters import CatalogFilter
from web.forms.staff_activity import ActivityForm, activity_initial

STAFF_PAGE_SIZE = 25
# Service keys that are not form fields: shown at the top of the form.
ACTIVITY_FIELD_MAP = {"credits": None, "availability": "available_from", "max_credits": None}


def staff_activity(request, pk: int) -> Activity:
    return get_object_or_404(activities_for_catalog(request.user), pk=pk)


@staff_page
@require_GET
def activity_list(request):
    activities = activities_for_catalog(request.user).order_by("-created_at", "-id")
    filterset = CatalogFilter(request.GET or None, queryset=activities)
    shown = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(shown, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/staff/activity_list.html", {"form": filterset.form, "page_obj": page})


@staff_write_page
def activity_create(request):
    provider = services.provider_current()
    initial = {"time_zone": provider.time_zone, "evaluation_required": True, "designed_to_change_competence": True,
               "evaluated_competence": True}  # fmt: skip
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(created_by=request.user, **form.service_arguments())
        except ValidationError as error:
            form_add_service_error(form, error, ACTIVITY_FIELD_MAP)
        else:
            messages.success(request, "The activity is saved as a draft. Add its sessions and disclosures.")
            return redirect("web:staff-activity", pk=activity.pk)
    status = 400 if form.errors else 200
    return render(request, "web/staff/activity_form.html", {"form": form, "activity": None}, status=status)


@staff_write_page
def activity_edit(request, pk: int):
    activity = staff_activity(request, pk)
    form = ActivityForm(request.POST or None, initial=activity_initial(activity), editing=True)
    context = {"form": form, "activity": activity}
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(activity=activity, changed_by=request.user, **form.service_arguments())
        except ValidationError as error:
            form_add_service_error(form, error, ACTIVITY_FIELD_MAP)
        except Conflict as conflict:
            context["page_error"] = conflict.message
        else:
            messages.success(request, "The activity is saved.")
            return redirect("web:staff-activity", pk=activity.pk)
    status = 400 if form.errors or "page_error" in context else 200
    return render(request, "web/staff/activity_form.html", context, status=status)


def activity_page_context(request, activity: Activity) -> dict:
    day = today_in(activity.time_zone)
    is_draft = activity.status == ActivityStatus.DRAFT
    return {
        "activity": activity,
        "sessions": list(activity.sessions.all()),
        "disclosures": disclosure_listing(activity=activity, day=day, for_staff=True),
        "support": list(activity.commercial_support.all()),
        "problems": services.activity_publication_problems(activity) if is_draft else {},
        "can_write": can_write_staff(request.user),
        "show_codes": can_write_staff(request.user),
    }


@staff_page
@require_GET
def activity_detail(request, pk: int):
    activity = staff_activity(request, pk)
    return render(request, "web/staff/activity_detail.html", activity_page_context(request, activity))


@staff_page
@require_POST
def activity_publish(request, pk: int):
    """Publish; a refusal lists every missing piece on the activity's page."""
    activity = staff_activity(request, pk)
    try:
        services.activity_publish(activity=activity, published_by=request.user)
    except ValidationError as error:
        context = activity_page_context(request, activity)
        context["publish_errors"] = service_messages(error)
        return render(request, "web/staff/activity_detail.html", context, status=400)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, "The activity is published: learners can see it, check in and claim credit.")
    return redirect("web:staff-activity", pk=activity.pk)


@staff_page
@require_POST
def activity_close(request, pk: int):
    activity = staff_activity(request, pk)
    try:
        services.activity_close(activity=activity, closed_by=request.user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, "The activity is closed: no more check-ins; claims stay open until the deadline.")
    return redirect("web:staff-activity", pk=activity.pk)


@staff_page
@require_POST
def certificates_requeue(request, pk: int):
    """Issue missing certificates and re-queue failed ones for the whole activity."""
    activity = staff_activity(request, pk)
    result = certificates_requeue_for_activity(activity=activity, requested_by=request.user)
    messages.success(
        request, f"{result['issued']} certificate(s) issued and {result['requeued']} failed one(s) re-queued."
    )
    return redirect("web:staff-activity", pk=activity.pk)
