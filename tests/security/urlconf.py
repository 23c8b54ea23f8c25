"""Every route the URL configuration serves, for the permission matrices."""

from django.urls import URLResolver, get_resolver


def served_patterns(patterns=None, prefix: str = ""):
    """(route, pattern) for every URL pattern, resolvers walked through."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from served_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern
