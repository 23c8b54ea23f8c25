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
