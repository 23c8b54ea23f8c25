"""Throttles counted in the shared cache (Redis in production), so every web process agrees."""

from rest_framework.throttling import SimpleRateThrottle


class AddressRateThrottle(SimpleRateThrottle):
    """Counts requests per client address for one scope, signed in or not."""

    scope = ""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginThrottle(AddressRateThrottle):
    scope = "login"


class RegisterThrottle(AddressRateThrottle):
    scope = "register"


class VerifyThrottle(AddressRateThrottle):
    scope = "verify"


class PasswordResetThrottle(AddressRateThrottle):
    scope = "password-reset"


def login_username(request, credentials=None) -> str | None:
    """The account a sign-in attempt is for, as django-axes counts it: the email, case-folded.

    Emails sign in case-insensitively, so `Target@Example.org` must count against the same account
    as `target@example.org` or a guesser could dodge the lockout by changing case.
    """
    submitted = credentials or getattr(request, "data", request.POST)
    username = submitted.get("username")
    if not isinstance(username, str):
        return username
    return username.strip().lower()
