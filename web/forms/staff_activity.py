"""Staff forms for the catalog: activity, session, disclosure."""

import zoneinfo
from functools import lru_cache

from django import forms

from activities.credits import validate_credit_amount
from activities.models import (
    ActivityType,
    Competency,
    ContentPerson,
    ContentRoleKind,
    CreditType,
    Objective,
    RelationshipNature,
    RenewalTopic,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CREDIT_INPUT = forms.NumberInput(attrs={"step": "0.25", "min": "0", "inputmode": "decimal"})
PARS_FLAGS = (
    ("designed_to_change_competence", "Designed to change competence"),
    ("designed_to_change_performance", "Designed to change performance"),
    ("designed_to_change_patient_outcomes", "Designed to change patient outcomes"),
    ("evaluated_competence", "Evaluated changes in competence"),
    ("evaluated_performance", "Evaluated changes in performance"),
    ("evaluated_patient_outcomes", "Evaluated changes in patient outcomes"),
)
SIMPLE_FIELDS = (
    "title", "description", "location", "time_zone", "claim_deadline", "evaluation_required", "available_from",
    "available_until", "estimated_hours", "post_test_passing_score", *(name for name, _ in PARS_FLAGS),
    "competencies", "jointly_provided", "joint_provider_name", "provider_activity_id",
)  # fmt: skip


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


def credit_field_name(slug: str) -> str:
    return "credits_" + slug.replace("-", "_")


class ActivityForm(forms.Form):
    """Every field staff set on an activity; credits are one maximum per credit type (blank: not offered)."""

    title = forms.CharField(label="Title", max_length=300)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    activity_type = forms.ModelChoiceField(
        label="Activity type", queryset=ActivityType.objects.all(), to_field_name="code", empty_label=None,
        help_text="Courses, regularly scheduled series and internet live courses are live and have sessions.",
    )  # fmt: skip
    objectives = forms.ModelMultipleChoiceField(
        label="Learning objectives", queryset=Objective.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    location = forms.CharField(label="Location", max_length=200, required=False, help_text='A place, or "Internet".')
    time_zone = forms.ChoiceField(label="Time zone", choices=time_zone_choices)
    claim_deadline = forms.DateField(label="Claim deadline", required=False, widget=DATE_INPUT)
    evaluation_required = forms.BooleanField(label="An evaluation is required before claiming", required=False)
    available_from = forms.DateField(label="Available from (enduring)", required=False, widget=DATE_INPUT)
    available_until = forms.DateField(label="Available until (enduring)", required=False, widget=DATE_INPUT)
    estimated_hours = forms.DecimalField(
        label="Hours most physicians need to complete it (enduring)", required=False, max_digits=5,
        decimal_places=2, widget=CREDIT_INPUT,
    )  # fmt: skip
    post_test_passing_score = forms.IntegerField(
        label="Post-test passing score (enduring)", required=False, min_value=0, max_value=100
    )
    renewal_topics = forms.ModelMultipleChoiceField(
        label="License-renewal topics", queryset=RenewalTopic.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    competencies = forms.MultipleChoiceField(
        label="Competencies addressed (PARS)", choices=Competency.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    jointly_provided = forms.BooleanField(label="Jointly provided", required=False)
    joint_provider_name = forms.CharField(label="Joint provider's name", max_length=200, required=False)
    provider_activity_id = forms.CharField(
        label="Provider activity id", max_length=30, required=False,
        help_text="The id reported to PARS. Leave blank to number it automatically.",
    )  # fmt: skip

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in PARS_FLAGS:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.credit_types = list(CreditType.objects.all())
        for credit_type in self.credit_types:
            self.fields[credit_field_name(credit_type.slug)] = forms.DecimalField(
                label=f"Maximum {credit_type.name}", required=False, max_digits=5, decimal_places=2,
                widget=CREDIT_INPUT, help_text="Leave blank if the activity does not offer it.",
                validators=[validate_credit_amount],  # the designation's own rule, so the error names the field
            )  # fmt: skip
        if editing:
            # Numbered when created; the service keeps an id once given (PARS matches activities by it).
            self.fields["provider_activity_id"].required = True
            self.fields["provider_activity_id"].help_text = "The id reported to PARS."
            self.fields["correction_reason"] = forms.CharField(
                label="Reason for a correction", max_length=500, required=False,
                help_text="Needed to change credit once the activity has begun; kept in the history.",
            )  # fmt: skip

    @property
    def credit_fields(self):
        return [self[credit_field_name(ct.slug)] for ct in self.credit_types]

    @property
    def pars_fields(self):
        return [self[name] for name, _ in PARS_FLAGS]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {name: data[name] for name in SIMPLE_FIELDS if name in data}
        arguments["provider_activity_id"] = arguments["provider_activity_id"].strip()
        arguments.update(
            activity_type=data["activity_type"],
            objectives=list(data["objectives"]),
            renewal_topics=list(data["renewal_topics"]),
            credits=[
                {"credit_type": ct.slug, "max_credits": data[credit_field_name(ct.slug)]}
                for ct in self.credit_types
                if data.get(credit_field_name(ct.slug)) is not None
            ],
        )
        if "correction_reason" in data:
            arguments["correction_reason"] = data["correction_reason"]
        return arguments


def activity_initial(activity) -> dict:
    """An existing activity as the form's initial values."""
    initial = {name: getattr(activity, name) for name in SIMPLE_FIELDS}
    initial.update(
        activity_type=activity.activity_type,
        objectives=list(activity.objectives.all()),
        renewal_topics=list(activity.renewal_topics.all()),
    )
    for designation in activity.designations.all():
        initial[credit_field_name(designation.credit_type_id)] = designation.max_credits
    return initial


class SessionForm(forms.Form):
    """Times are typed in the activity's time zone (the view parses them there)."""

    title = forms.CharField(label="Session title", max_length=300, required=False)
    starts_at = forms.DateTimeField(label="Starts", widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label="Ends", widget=DATETIME_INPUT)
    break_minutes = forms.IntegerField(label="Breaks (minutes)", min_value=0, max_value=24 * 60, initial=0)
    credit_hours = forms.DecimalField(
        label="Credit hours", required=False, max_digits=5, decimal_places=2, widget=CREDIT_INPUT,
        help_text="Leave blank to use the instruction time (duration minus breaks) in quarter hours.",
    )  # fmt: skip
    parallel_group = forms.CharField(
        label="Parallel group", max_length=40, required=False,
        help_text="Sessions with the same label run in parallel and count once toward the maximum.",
    )  # fmt: skip

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["correction_reason"] = forms.CharField(
                label="Reason for a correction", max_length=500, required=False,
                help_text="Needed to change credit hours once the activity has begun.",
            )  # fmt: skip


class DisclosureForm(forms.Form):
    """A person in control of content: someone on file, or a new person with a signed disclosure."""

    person = forms.ModelChoiceField(
        label="Someone already on file", queryset=ContentPerson.objects.order_by("name"), required=False,
        empty_label="— a new person —",
    )  # fmt: skip
    name = forms.CharField(label="Name (new person)", max_length=200, required=False)
    email = forms.EmailField(label="Email (new person)", max_length=254, required=False)
    degree = forms.CharField(label="Degree (new person)", max_length=40, required=False)
    role = forms.ChoiceField(label="Role", choices=ContentRoleKind.choices)
    signed_on = forms.DateField(
        label="Disclosure signed on", required=False, widget=DATE_INPUT,
        help_text="Record a new signed disclosure (valid twelve months). Leave blank to reuse the one on file.",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("name", "").strip():
            self.add_error("name", "Give the person's name, or choose someone on file.")
        return data


class RelationshipForm(forms.Form):
    """One financial relationship of the disclosure, with staff's decision on it for this activity."""

    company = forms.CharField(label="Ineligible company", max_length=200, required=False)
    nature = forms.ChoiceField(label="Nature", choices=[("", "—"), *RelationshipNature.choices], required=False)
    relevant = forms.BooleanField(label="Relevant to this activity", required=False)
    mitigation = forms.CharField(label="How it was mitigated", max_length=5000, required=False)

    def clean(self):
        data = super().clean()
        if data.get("company", "").strip() and not data.get("nature"):
            self.add_error("nature", "Choose the nature of the relationship.")
        return data


RelationshipFormSet = forms.formset_factory(RelationshipForm, extra=3, max_num=20)


class MitigationForm(forms.Form):
    relationship = forms.IntegerField(widget=forms.HiddenInput)
    relevant = forms.TypedChoiceField(
        label="Relevant to this activity?", choices=[("yes", "Relevant"), ("no", "Not relevant")],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect,
    )  # fmt: skip
    mitigation = forms.CharField(label="How it was mitigated", max_length=5000, required=False)
