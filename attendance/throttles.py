"""Wrong check-in codes are counted per learner and per client address in the shared cache.

Only failures count, so a full lecture hall behind one NAT address checks in freely while someone
guessing the 31**6 code space is stopped after a handful of tries.
"""

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


class CheckinCodeThrottle(SimpleRateThrottle):
    scope = "checkin"

    def _keys(self, request) -> list[str]:
        keys = [f"throttle:checkin-fail:addr:{self.get_ident(request)}"]
        if request.user and request.user.is_authenticated:
            keys.append(f"throttle:checkin-fail:user:{request.user.pk}")
        return keys

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        counts = cache.get_many(self._keys(request))
        return all(count < self.num_requests for count in counts.values())

    def wait(self):
        return self.duration

    def record_failure(self, request) -> None:
        for key in self._keys(request):
            cache.add(key, 0, self.duration)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, self.duration)
