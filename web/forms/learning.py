"""The clinician's forms: check-in code, evaluation, credit claim, transcript range."""

from django import forms

from activities.timezones import validate_date_in_range

YES_NO = [("yes", "Yes"), ("no", "No")]
RATINGS = [
    ("5", "5 – Excellent"),
    ("4", "4 – Good"),
    ("3", "3 – Fair"),
    ("2", "2 – Poor"),
    ("1", "1 – Very poor"),
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _yes_no(label: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda value: value == "yes", widget=forms.RadioSelect, **kwargs
    )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label="Check-in code",
        max_length=32,
        help_text="The six characters on the poster at the session.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "class": "code-input"}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper().replace(" ", "")


class EvaluationForm(forms.Form):
    """Overall rating, each of the activity's objectives met or not, practice change, bias, comments."""

    overall_rating = forms.TypedChoiceField(
        label="Overall, how would you rate this activity?", choices=RATINGS, coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        for objective in self.objectives:
            self.fields[self.objective_field(objective.slug)] = _yes_no(f"Was this objective met? {objective.name}")
        self.fields["practice_change"] = forms.CharField(
            label="What will you change in your practice?",
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.fields["commercial_bias"] = _yes_no("Did you perceive commercial bias in the content?")
        self.fields["comments"] = forms.CharField(
            label="Comments", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
        )

    @staticmethod
    def objective_field(slug: str) -> str:
        return "objective_" + slug.replace("-", "_")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "overall_rating": data["overall_rating"],
            "objectives_met": {o.slug: data[self.objective_field(o.slug)] for o in self.objectives},
            "commercial_bias": data["commercial_bias"],
            "practice_change": data["practice_change"],
            "comments": data["comments"],
        }


class ClaimForm(forms.Form):
    credit_type = forms.ChoiceField(label="Credit type", widget=forms.RadioSelect)
    credits = forms.DecimalField(
        label="Credits to claim",
        max_digits=5,
        decimal_places=2,
        help_text="In steps of 0.25. Claim only the credit that matches the extent of your participation.",
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "inputmode": "decimal"}),
    )

    def __init__(self, *args, designations, enduring: bool, passing_score, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_type"].choices = [(d.credit_type_id, d.credit_type.name) for d in designations]
        if enduring:
            self.fields["attest_completed"] = forms.BooleanField(
                label="I attest that I completed this activity.", required=False
            )
        if passing_score is not None:
            self.fields["post_test_score"] = forms.IntegerField(
                label="Your post-test score (%)",
                min_value=0,
                max_value=100,
                required=False,
                help_text=f"A score of at least {passing_score} is needed.",
            )


class TranscriptRangeForm(forms.Form):
    date_from = forms.DateField(label="From", required=False, widget=DATE_INPUT, validators=[validate_date_in_range])
    date_to = forms.DateField(label="To", required=False, widget=DATE_INPUT, validators=[validate_date_in_range])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end of the range is before its start.")
        return data
