"""Staff forms for records: roster marking, CSV import, claim filters, revocation, reports."""

import django_filters
from django import forms
from django.db.models import Q

from accounts.models import User
from activities.models import CreditType
from activities.timezones import validate_date_in_range
from certificates.models import CertificateStatus
from claims.filters import ClaimFilter
from claims.models import ClaimKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_ACCOUNT = "No account has this email address; ask the learner to register first."


class RosterMarkForm(forms.Form):
    email = forms.EmailField(
        label="Learner's email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    session = forms.ModelChoiceField(label="Session", queryset=None, empty_label=None)

    def __init__(self, *args, sessions, session_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = session_label

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise forms.ValidationError(NO_ACCOUNT)
        self.learner = user
        return self.cleaned_data["email"]


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label="Roster CSV",
        help_text=(
            "A header row with the columns email and session (or start time, or join time), comma, semicolon"
            " or tab separated, then one row per attendance."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ClaimListFilter(ClaimFilter):
    """The API's claim filters with page labels, plus certificate status and a learner search."""

    activity = django_filters.NumberFilter(field_name="activity", label="Activity id")
    learner = django_filters.CharFilter(method="filter_learner", label="Learner name or email", max_length=200)
    credit_type = django_filters.ModelChoiceFilter(
        queryset=CreditType.objects.all(), label="Credit type", empty_label="Any credit type"
    )
    kind = django_filters.ChoiceFilter(choices=ClaimKind.choices, label="Kind", empty_label="Any kind")
    certificate_status = django_filters.ChoiceFilter(
        field_name="certificate__status", choices=CertificateStatus.choices, label="Certificate",
        empty_label="Any status",
    )  # fmt: skip
    created_after = django_filters.DateFilter(
        method="filter_created_after", label="Claimed from", widget=DATE_INPUT, validators=[validate_date_in_range]
    )
    created_before = django_filters.DateFilter(
        method="filter_created_before", label="Claimed to", widget=DATE_INPUT, validators=[validate_date_in_range]
    )

    class Meta(ClaimFilter.Meta):
        fields = ["learner", "activity", "credit_type", "kind", "certificate_status", "created_after", "created_before"]

    def filter_learner(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(user__email__icontains=word)
                | Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
            )
        return queryset


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the certificate's history; the verification page will say revoked.",
    )  # fmt: skip


class ActivitySummaryReportForm(forms.Form):
    activity = forms.ModelChoiceField(label="Activity", queryset=None, empty_label=None)

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: f"{a.title} ({a.provider_activity_id})"


class AnnualReportForm(forms.Form):
    date_from = forms.DateField(label="From", widget=DATE_INPUT, validators=[validate_date_in_range])
    date_to = forms.DateField(label="To", widget=DATE_INPUT, validators=[validate_date_in_range])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end of the range is before its start.")
        return data
