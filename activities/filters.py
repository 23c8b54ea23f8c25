"""Filters of the catalog, shared by the API and the pages."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from activities.models import Activity, ActivityStatus, ActivityType, Objective
from activities.selectors import activities_with_objectives
from activities.services.provider import provider_current
from activities.timezones import start_of_day, validate_date_in_range


@extend_schema_field(OpenApiTypes.STR)
class ObjectiveSlugFilter(django_filters.MultipleChoiceFilter):
    """An objective slug, repeatable; activities addressing any of them."""


class ActivityFilter(django_filters.FilterSet):
    objective = ObjectiveSlugFilter(
        choices=lambda: [(o.slug, o.name) for o in Objective.objects.all()],
        method="filter_objective",
        help_text="Objective slug; repeat for any-of.",
    )
    activity_type = django_filters.ModelChoiceFilter(queryset=ActivityType.objects.all(), to_field_name="code")
    starts_after = django_filters.DateFilter(
        method="filter_starts_after", help_text="On or after this date.", validators=[validate_date_in_range]
    )
    starts_before = django_filters.DateFilter(
        method="filter_starts_before", help_text="Before the end of this date.", validators=[validate_date_in_range]
    )
    search = django_filters.CharFilter(method="filter_search", max_length=200, help_text="Title or description.")
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices)

    class Meta:
        model = Activity
        fields = ["objective", "activity_type", "starts_after", "starts_before", "search", "status"]

    def filter_objective(self, queryset, name, value):
        return activities_with_objectives(queryset, value) if value else queryset

    def _day_start(self, day):
        # docs/api.md: calendar days in the provider's time zone (not the server's TIME_ZONE).
        return start_of_day(day, provider_current().time_zone)

    def filter_starts_after(self, queryset, name, value):
        return queryset.filter(starts_at__gte=self._day_start(value))

    def filter_starts_before(self, queryset, name, value):
        return queryset.filter(starts_at__lt=self._day_start(value) + timezone.timedelta(days=1))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
