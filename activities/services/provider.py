"""The one provider of this deployment."""

from django.conf import settings
from django.core.cache import cache

from activities.models import Provider

DEFAULT_NAME = "Academic Medical Center CME Office"


CACHE_KEY = "provider:current"
CACHE_SECONDS = 300


def provider_current() -> Provider:
    """The provider row (cached; saving it clears the cache), created with defaults the first time."""
    provider = cache.get(CACHE_KEY)
    if provider is not None:
        return provider
    provider, _ = Provider.objects.get_or_create(
        pk=1,
        defaults={
            "name": DEFAULT_NAME,
            "accreditation_statement": (
                f"The {DEFAULT_NAME} is accredited by the Accreditation Council for Continuing Medical "
                "Education (ACCME) to provide continuing medical education for physicians."
            ),
            "director_name": "CME Director",
            "director_title": "Director, Continuing Medical Education",
            "public_base_url": settings.PUBLIC_BASE_URL,
            "time_zone": settings.TIME_ZONE,
        },
    )
    cache.set(CACHE_KEY, provider, CACHE_SECONDS)
    return provider


def provider_forget(**kwargs) -> None:
    """post_save/post_delete receiver: the next read loads the provider afresh."""
    cache.delete(CACHE_KEY)
