"""Staff pages for an activity's content: sessions, posters, people in control of content."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from activities import services
from activities.models import ContentRole, Session
from activities.selectors import activities_visible_to
from activities.timezones import today_in, zone
from attendance.posters import poster_for_session
from cme.exceptions import Conflict
from web.access import staff_write_page
from web.errors import form_add_service_error
from web.forms.staff_activity import DisclosureForm, MitigationForm, RelationshipFormSet, SessionForm
from web.views.staff_activities import staff_activity

SESSION_FIELDS = ("title", "starts_at", "ends_at", "break_minutes", "credit_hours", "parallel_group")


def _valid_in_zone(form: SessionForm, zone_name: str) -> bool:
    """Typed times are read in the activity's time zone, whatever the server's."""
    with timezone.override(zone(zone_name)):
        return form.is_valid()


def _session_initial(session: Session) -> dict:
    local = zone(session.activity.time_zone)
    initial = {name: getattr(session, name) for name in SESSION_FIELDS}
    initial["starts_at"] = session.starts_at.astimezone(local).replace(tzinfo=None)
    initial["ends_at"] = session.ends_at.astimezone(local).replace(tzinfo=None)
    return initial


def _render_session_form(request, context: dict):
    status = 400 if context["form"].errors or context.get("page_error") else 200
    return render(request, "web/staff/session_form.html", context, status=status)


@staff_write_page
def session_create(request, pk: int):
    activity = staff_activity(request, pk)
    form = SessionForm(request.POST or None)
    context = {"form": form, "activity": activity, "session": None}
    if request.method == "POST" and _valid_in_zone(form, activity.time_zone):
        try:
            services.session_create(activity=activity, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        except Conflict as conflict:
            context["page_error"] = conflict.message
        else:
            messages.success(request, "The session is added.")
            return redirect("web:staff-activity", pk=activity.pk)
    return _render_session_form(request, context)


@staff_write_page
def session_edit(request, pk: int):
    session = get_object_or_404(
        Session.objects.filter(activity__in=activities_visible_to(request.user)).select_related(
            "activity__activity_type"
        ),
        pk=pk,
    )
    activity = session.activity
    form = SessionForm(request.POST or None, initial=_session_initial(session), editing=True)
    context = {"form": form, "activity": activity, "session": session}
    if request.method == "POST" and _valid_in_zone(form, activity.time_zone):
        try:
            services.session_update(session=session, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        except Conflict as conflict:
            context["page_error"] = conflict.message
        else:
            messages.success(request, "The session is saved.")
            return redirect("web:staff-activity", pk=activity.pk)
    return _render_session_form(request, context)


@staff_write_page
@require_GET
def session_poster(request, pk: int):
    """The same poster PDF as the API: activity, session time, the code and its QR link."""
    session = get_object_or_404(Session.objects.select_related("activity"), pk=pk)
    response = HttpResponse(poster_for_session(session), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"checkin-poster-{session.checkin_code}.pdf"
    )
    return response


def _disclosure_arguments(form: DisclosureForm, rows: RelationshipFormSet) -> dict:
    data = form.cleaned_data
    relationships = [row for row in rows.cleaned_data if row and row.get("company", "").strip()]
    arguments = {"role": data["role"], "person": data["person"], "name": data["name"], "email": data["email"],
                 "degree": data["degree"]}  # fmt: skip
    if data["signed_on"]:
        arguments["disclosure"] = {
            "signed_on": data["signed_on"],
            "relationships": [{"company": r["company"].strip(), "nature": r["nature"]} for r in relationships],
        }
    arguments["mitigations"] = [
        {"company": r["company"].strip(), "relevant": r["relevant"], "mitigation": r["mitigation"]}
        for r in relationships
    ]
    return arguments


@staff_write_page
def disclosure_create(request, pk: int):
    activity = staff_activity(request, pk)
    form = DisclosureForm(request.POST or None)
    rows = RelationshipFormSet(request.POST or None, prefix="relationship")
    context = {"form": form, "rows": rows, "activity": activity}
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        try:
            services.activity_disclosure_add(
                activity=activity,
                added_by=request.user,
                day=today_in(activity.time_zone),
                **_disclosure_arguments(form, rows),
            )
        except ValidationError as error:
            form_add_service_error(form, error, {"mitigations": None, "mitigation": None, "relationship": None})
        except Conflict as conflict:  # a closed activity keeps its people as they were
            form.add_error(None, conflict.message)
        else:
            messages.success(request, "The person in control of content is recorded.")
            return redirect("web:staff-activity", pk=activity.pk)
    status = 400 if form.errors or rows.total_error_count() else 200
    return render(request, "web/staff/disclosure_form.html", context, status=status)


@staff_write_page
@require_POST
def mitigation_record(request, pk: int, role_id: int):
    """Staff's decision on one relationship of someone's disclosure in force."""
    role = get_object_or_404(ContentRole.objects.select_related("activity", "person"), pk=role_id, activity_id=pk)
    form = MitigationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether the relationship is relevant.")
        return redirect("web:staff-activity", pk=pk)
    try:
        services.role_mitigations_record(
            role=role, mitigations=[form.cleaned_data], reviewed_by=request.user, day=today_in(role.activity.time_zone)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"The decision on {role.person.name}'s relationship is recorded.")
    return redirect("web:staff-activity", pk=pk)
