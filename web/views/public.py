"""Pages for everyone: home, catalog, activity page, certificate verification."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from activities.credits import credit_hours_counting_parallel_once
from activities.models import ActivityStatus
from activities.selectors import activities_for_catalog, disclosure_listing
from activities.timezones import today_in
from attendance.models import Attendance, Evaluation
from certificates.selectors import certificate_for_verification
from certificates.serializers import verification_body
from claims.models import Claim, ClaimKind
from cme.throttles import VerifyThrottle
from web.filters import CatalogFilter
from web.forms.learning import CheckInForm

UPCOMING_ON_HOME = 6
CATALOG_PAGE_SIZE = 20


@require_GET
def home(request):
    upcoming = (
        activities_for_catalog(request.user)
        .filter(status=ActivityStatus.PUBLISHED, ends_at__gte=timezone.now())
        .order_by("starts_at", "id")[:UPCOMING_ON_HOME]
    )
    return render(request, "web/home.html", {"upcoming": upcoming, "checkin_form": CheckInForm()})


def _current_unless_asked(request, activities):
    """Without dates or "include past", the catalog lists what has not ended yet."""
    asks_for_past = request.GET.get("past") or request.GET.get("starts_after") or request.GET.get("starts_before")
    if asks_for_past:
        return activities
    return activities.filter(Q(ends_at__gte=timezone.now()) | Q(ends_at__isnull=True))


@require_GET
def catalog(request):
    activities = _current_unless_asked(request, activities_for_catalog(request.user))
    filterset = CatalogFilter(request.GET or None, queryset=activities)
    activities = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(activities, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(value for name, value in request.GET.items() if name != "page")
    return render(
        request,
        "web/catalog.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "filtered": filtered,
            "include_past": bool(request.GET.get("past")),
        },
    )


def _learner_progress(user, activity) -> dict | None:
    """What this learner has done so far: sessions attended, evaluation, claim and certificate."""
    if not user.is_authenticated:
        return None
    claim = (
        Claim.objects.filter(user=user, activity=activity, kind=ClaimKind.LEARNER).select_related("certificate").first()
    )
    return {
        "attended": set(
            Attendance.objects.filter(user=user, session__activity=activity).values_list("session_id", flat=True)
        ),
        "evaluated": Evaluation.objects.filter(user=user, activity=activity).exists(),
        "claim": claim,
    }


@require_GET
def activity_detail(request, pk: int):
    activity = get_object_or_404(activities_for_catalog(request.user), pk=pk)
    sessions = list(activity.sessions.all())
    context = {
        "activity": activity,
        "sessions": sessions,
        "total_hours": credit_hours_counting_parallel_once(sessions),
        "disclosures": disclosure_listing(activity=activity, day=today_in(activity.time_zone), for_staff=False),
        "progress": _learner_progress(request.user, activity),
    }
    return render(request, "web/activity.html", context)


def _throttled(request) -> bool:
    return not VerifyThrottle().allow_request(request, None)


@require_GET
def verify(request, code: str):
    """The page a certificate's QR code opens: valid or revoked, and nothing else about the person."""
    if _throttled(request):
        return render(request, "web/verify.html", {"code": code, "throttled": True}, status=429)
    certificate = certificate_for_verification(code)
    context = {"code": code, "result": verification_body(certificate) if certificate else None}
    return render(request, "web/verify.html", context, status=200 if certificate else 404)


@require_GET
def verify_lookup(request):
    code = request.GET.get("code", "").strip().upper().replace(" ", "").replace("-", "")
    if not code:
        return render(request, "web/verify.html", {"code": ""})
    return redirect("web:verify", code=code[:32])
