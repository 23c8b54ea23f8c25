"""The clinician's path: check in (code box or the poster's QR link), evaluate, claim credit."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache

from activities.models import Activity
from activities.selectors import activities_visible_to
from attendance import services as attendance_services
from attendance.models import Attendance, Evaluation
from attendance.throttles import CheckinCodeThrottle
from claims.models import Claim, ClaimKind
from claims.services import attended_credit_hours, claim_submit
from cme.exceptions import Conflict
from web.access import clinician_page
from web.errors import form_add_service_error
from web.forms.learning import CheckInForm, ClaimForm, EvaluationForm

CHECKIN_THROTTLED = "Too many wrong codes. Please wait a few minutes, then try again."


def _check_in(request, form: CheckInForm, code: str):
    """Call the check-in service; success shows the done page, a refusal goes next to the code."""
    throttle = CheckinCodeThrottle()
    if not throttle.allow_request(request, None):
        return render(request, "web/learning/checkin.html", {"form": form, "page_error": CHECKIN_THROTTLED}, status=429)
    try:
        attendance, created = attendance_services.session_check_in(user=request.user, code=code)
    except attendance_services.UnknownCheckinCode as error:
        throttle.record_failure(request)
        form_add_service_error(form, error)
        return render(request, "web/learning/checkin.html", {"form": form}, status=404)
    except ValidationError as error:
        form_add_service_error(form, error)
        return render(request, "web/learning/checkin.html", {"form": form}, status=400)
    session = attendance.session
    context = {"attendance": attendance, "created": created, "session": session, "activity": session.activity}
    return render(request, "web/learning/checkin_done.html", context, status=201 if created else 200)


@clinician_page
def checkin(request):
    """The code box: type the poster's code and check in (a GET with ?code= opens the confirmation)."""
    typed = "".join(char for char in request.GET.get("code", "") if char.isalnum())[:32]
    if request.method == "GET" and typed:
        return redirect("web:checkin-code", code=typed.upper())
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _check_in(request, form, form.cleaned_data["code"])
    return render(request, "web/learning/checkin.html", {"form": form})


FIRST_PARTY_SITES = frozenset({"none", "same-origin"})


def first_party_navigation(request) -> bool:
    """A navigation the learner made: a scanned QR code, a typed address or our own redirect.

    Browsers say so in `Sec-Fetch-Site` (none, same-origin); a link on another site says
    cross-site, and prefetches say `Sec-Purpose`/`Purpose: prefetch`. Without the header (old
    browsers, scripts) nobody can tell, so the page asks for the one tap instead.
    """
    headers = request.headers
    if request.method != "GET":  # a HEAD (link checkers, previews) never checks in
        return False
    if headers.get("Sec-Fetch-Site") not in FIRST_PARTY_SITES or headers.get("Sec-Fetch-Mode") != "navigate":
        return False
    purpose = f"{headers.get('Sec-Purpose', '')} {headers.get('Purpose', '')}".lower()
    return "prefetch" not in purpose and "prerender" not in purpose


CONFIRM = "confirm"  # ?confirm=1: the one-tap page even on a first-party navigation


def _foreign_links_confirm_after_login(view):
    """A signed-out learner who came by a link from another site signs in and lands on the one-tap
    page: our own redirect after login is first-party, the link that started it was not."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and request.method == "GET" and not first_party_navigation(request):
            return redirect_to_login(f"{request.path}?{CONFIRM}=1")
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@_foreign_links_confirm_after_login
@clinician_page
def checkin_code(request, code: str):
    """What the poster's QR code opens: scanned or typed, it checks in at once and says so.

    A check-in is idempotent, so a repeat says when the first one was recorded. A link from another
    site (or a browser that does not say where the navigation came from) gets the one-tap button
    instead, so no foreign page checks anyone in, even through the sign-in it leads to; a refusal is
    shown right away either way.
    """
    form = CheckInForm({"code": code})
    if request.method == "POST":
        return _check_in(request, form, code)
    if not CheckinCodeThrottle().allow_request(request, None):
        return render(request, "web/learning/checkin.html", {"form": form, "page_error": CHECKIN_THROTTLED}, status=429)
    try:
        session = attendance_services.session_for_code(code)
    except attendance_services.UnknownCheckinCode as error:
        CheckinCodeThrottle().record_failure(request)
        form.is_valid()
        form_add_service_error(form, error)
        return render(request, "web/learning/checkin.html", {"form": form}, status=404)
    settled = Attendance.objects.filter(user=request.user, session=session).exists()
    at_once = first_party_navigation(request) and not request.GET.get(CONFIRM)
    if settled or at_once or attendance_services.checkin_refusal(session) is not None:
        # Already checked in or refused: the service writes nothing and says which.
        response = _check_in(request, form, code)
    else:
        context = {"session": session, "activity": session.activity, "code": session.checkin_code}
        response = render(request, "web/learning/checkin_confirm.html", context)
    patch_vary_headers(response, ("Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Purpose", "Purpose"))
    return response


def _activity_for(request, pk: int) -> Activity:
    return get_object_or_404(
        activities_visible_to(request.user).select_related("activity_type").prefetch_related("objectives"), pk=pk
    )


@clinician_page
def evaluate(request, pk: int):
    activity = _activity_for(request, pk)
    existing = Evaluation.objects.filter(user=request.user, activity=activity).first()
    form = EvaluationForm(request.POST or None, objectives=activity.objectives.all())
    context = {"activity": activity, "form": form, "existing": existing}
    if request.method == "POST" and not existing and form.is_valid():
        try:
            attendance_services.evaluation_submit(user=request.user, activity=activity, **form.service_arguments())
        except ValidationError as error:
            form_add_service_error(form, error, field_map={"objectives_met": None})
        except Conflict as conflict:
            context["page_error"] = conflict.message
        else:
            messages.success(request, "Thank you: your evaluation is recorded.")
            return redirect("web:claim", pk=activity.pk)
    return render(request, "web/learning/evaluate.html", context, status=400 if form.errors else 200)


def _claim_context(request, activity: Activity) -> dict:
    """The maximum claimable, per credit type: the designation and, live, the hours attended."""
    designations = list(activity.designations.select_related("credit_type"))
    attended = attended_credit_hours(user=request.user, activity=activity) if activity.is_live else None
    options = [
        {
            "designation": d,
            "claimable": min(d.max_credits, attended) if attended is not None else d.max_credits,
        }
        for d in designations
    ]
    return {"activity": activity, "designations": designations, "options": options, "attended_hours": attended}


def _default_claim(request, options: list[dict]) -> dict:
    """Physicians default to AMA credit, everyone else to participation (the service has the last word)."""
    preferred = "ama-pra-1" if request.user.is_physician else "participation"
    chosen = next((o for o in options if o["designation"].credit_type_id == preferred), options[0] if options else None)
    if chosen is None:
        return {}
    return {"credit_type": chosen["designation"].credit_type_id, "credits": chosen["claimable"] or None}


@clinician_page
def claim(request, pk: int):
    activity = _activity_for(request, pk)
    context = _claim_context(request, activity)
    existing = (
        Claim.objects.filter(user=request.user, activity=activity, kind=ClaimKind.LEARNER)
        .select_related("certificate", "credit_type")
        .first()
    )
    form = ClaimForm(
        request.POST or None,
        initial=_default_claim(request, context["options"]),
        designations=context["designations"],
        enduring=not activity.is_live,
        passing_score=activity.post_test_passing_score,
    )
    context.update(form=form, existing=existing)
    if request.method == "POST" and not existing and form.is_valid():
        try:
            claim_submit(user=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
            context["evaluation_missing"] = "evaluation" in getattr(error, "error_dict", {})
        except Conflict as conflict:
            context["page_error"] = conflict.message
        else:
            messages.success(request, "Your claim is accepted. Your certificate is being prepared.")
            return redirect(reverse("web:my-credits") + "#certificates")
    return render(request, "web/learning/claim.html", context, status=400 if form.errors else 200)
