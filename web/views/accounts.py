"""Sign up, log in and out, reset a forgotten password (Django's views, our templates)."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from accounts.services import user_register
from cme.throttles import LoginThrottle, PasswordResetThrottle, RegisterThrottle
from web.errors import form_add_service_error
from web.forms.accounts import EmailLoginForm, ResetRequestForm, SignupForm

LOCKED_OUT = (
    "Too many failed sign-ins for this account. For your security it is locked for a while: "
    "try again in 30 minutes, or reset your password."
)
THROTTLED = "Too many requests from your address. Please wait a while and try again."
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(request, fallback: str = "web:my-credits") -> str:
    """The `next` page if it is on this site, else the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(fallback)


@sensitive_post_parameters("password")
@csrf_protect
def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignupForm(request.POST or None)
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    if request.method == "POST":
        if not RegisterThrottle().allow_request(request, None):
            return render(request, "web/accounts/signup.html", {**context, "page_error": THROTTLED}, status=429)
        if form.is_valid():
            try:
                user = user_register(**form.cleaned_data)
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                login(request, user, backend=SESSION_BACKEND)
                return redirect(safe_next(request))
    return render(request, "web/accounts/signup.html", context)


def _account_locked(request) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": request.POST.get("username")})


class LoginView(auth_views.LoginView):
    template_name = "web/accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # The API's token view counts the same scope per address: guessing is slow on either door.
        # A locked account still gets the lockout page (it says more than "too many requests").
        if not LoginThrottle().allow_request(request, None) and not _account_locked(request):
            context = self.get_context_data(form=self.get_form(), page_error=THROTTLED)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # This page is the lockout response (accounts.lockout keeps a view's own 429).
            context = self.get_context_data(form=form, page_error=LOCKED_OUT)
            return self.render_to_response(context, status=429)
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Email a reset link (through Django's email backend); the POST is throttled per address."""

    template_name = "web/accounts/password_reset_form.html"
    email_template_name = "web/accounts/password_reset_email.txt"
    subject_template_name = "web/accounts/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("web:password-reset-done")

    def post(self, request, *args, **kwargs):
        if not PasswordResetThrottle().allow_request(request, None):
            context = self.get_context_data(form=self.get_form(), page_error=THROTTLED)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("web:password-reset-complete")


password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="web/accounts/password_reset_done.html")
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/accounts/password_reset_complete.html"
)
logout = auth_views.LogoutView.as_view()
