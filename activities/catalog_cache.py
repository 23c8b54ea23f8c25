"""The public catalog, cached briefly: every anonymous visitor and clinician sees the same pages.

A busy catalog (grand rounds announcements, the home page) repeats the same few queries; each page
is kept for CATALOG_CACHE_SECONDS under a version number that any change to an activity, session,
designation or objective bumps, so an edit shows at once. Staff and accreditation (who see drafts)
are never served from it.
"""

from django.core.cache import cache

CATALOG_CACHE_SECONDS = 60
VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def catalog_changed(**kwargs) -> None:
    """Signal receiver: the next request builds fresh pages."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value makes old keys unreachable
        cache.set(VERSION_KEY, 2, None)


def catalog_page_key(full_path: str) -> str:
    return f"catalog:{catalog_version()}:{full_path}"


def cached_catalog_page(full_path: str, build):
    """The JSON body of a public catalog page, from the cache or built by `build()`."""
    key = catalog_page_key(full_path)
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, CATALOG_CACHE_SECONDS)
    return body
