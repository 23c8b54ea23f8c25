"""Server-rendered pages. They call the same services and selectors as the API."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from certificates.selectors import certificate_for_verification
from certificates.serializers import verification_body
from cme.throttles import VerifyThrottle


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
