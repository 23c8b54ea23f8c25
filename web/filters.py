"""The catalog filters of the API (activities.views.ActivityFilter), with labels and widgets for pages."""

import django_filters
from django import forms

from activities.filters import ActivityFilter, ObjectiveSlugFilter
from activities.models import ActivityStatus, ActivityType, Objective
from activities.timezones import validate_date_in_range

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CatalogFilter(ActivityFilter):
    """Same filtering code as the API; only the labels and widgets are the page's."""

    search = django_filters.CharFilter(
        method="filter_search", max_length=200, label="Search titles and descriptions",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )  # fmt: skip
    objective = ObjectiveSlugFilter(
        choices=lambda: [(o.slug, o.name) for o in Objective.objects.all()],
        method="filter_objective",
        label="Learning objective",
        widget=forms.CheckboxSelectMultiple,
    )
    activity_type = django_filters.ModelChoiceFilter(
        queryset=ActivityType.objects.all(), to_field_name="code", label="Activity type", empty_label="Any type"
    )
    starts_after = django_filters.DateFilter(
        method="filter_starts_after",
        label="Starting on or after",
        widget=DATE_INPUT,
        validators=[validate_date_in_range],
    )
    starts_before = django_filters.DateFilter(
        method="filter_starts_before", label="Starting by", widget=DATE_INPUT, validators=[validate_date_in_range]
    )
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label="Status", empty_label="Any status")

    class Meta(ActivityFilter.Meta):
        fields = ["search", "objective", "activity_type", "starts_after", "starts_before", "status"]
