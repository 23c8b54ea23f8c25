"""Filters of the claim lists, shared by the API and the staff pages."""

import django_filters
from django.utils import timezone

from activities.timezones import start_of_day, validate_date_in_range
from claims.models import Claim


class ClaimFilter(django_filters.FilterSet):
    created_after = django_filters.DateFilter(
        method="filter_created_after", help_text="Claimed on or after.", validators=[validate_date_in_range]
    )
    created_before = django_filters.DateFilter(
        method="filter_created_before", help_text="Claimed on or before.", validators=[validate_date_in_range]
    )

    class Meta:
        model = Claim
        fields = ["activity", "user", "credit_type", "kind", "created_after", "created_before"]

    def filter_created_after(self, queryset, name, value):
        return queryset.filter(created_at__gte=start_of_day(value, timezone.get_current_timezone_name()))

    def filter_created_before(self, queryset, name, value):
        end = start_of_day(value, timezone.get_current_timezone_name()) + timezone.timedelta(days=1)
        return queryset.filter(created_at__lt=end)
