"""django-axes' lockout answer: keep the view's own 429 (the API's JSON, the login page's words)."""

from django.http import HttpResponse, JsonResponse

LOCKED_OUT = "Too many failed sign-ins: this account is locked for a while. Try again later."


def lockout_response(request, original_response=None, credentials=None):
    if original_response is not None and original_response.status_code == 429:
        return original_response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_OUT}, status=429)
    return HttpResponse(LOCKED_OUT, status=429, content_type="text/plain; charset=utf-8")
