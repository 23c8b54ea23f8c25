"""The one provider of this deployment."""

from django.conf import settings

from activities.models import Provider

DEFAULT_NAME = "Academic Medical Center CME Office"


def provider_current() -> Provider:
    """The provider row, created with defaults from settings the first time it is needed."""
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
    return provider
