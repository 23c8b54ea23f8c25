"""Sign-up, login, password reset and profile forms."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from accounts.models import Degree

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EmailLoginForm(AuthenticationForm):
    """Django's login form; the username is the email (axes counts failures on `username`)."""

    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True, "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class _PersonFields(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    degree = forms.ChoiceField(
        label="Degree",
        choices=Degree.choices,
        help_text="AMA PRA Category 1 Credit™ is for physicians (MD, DO or an equivalent degree); "
        "everyone else receives a certificate of participation.",
    )
    npi = forms.CharField(
        label="NPI",
        max_length=10,
        required=False,
        help_text="Your 10-digit National Provider Identifier.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    specialty = forms.CharField(label="Specialty", max_length=120, required=False)


class SignupForm(_PersonFields):
    field_order = ["first_name", "last_name", "email", "password", "degree", "npi", "specialty"]

    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=128,
        help_text="At least 10 characters; not a common password and not all digits.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ProfileForm(_PersonFields):
    license_state = forms.CharField(
        label="License state",
        max_length=2,
        required=False,
        help_text="Two-letter code of the state that licenses you, e.g. MA.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 3}),
    )
    license_expires = forms.DateField(
        label="License expires",
        required=False,
        help_text="With this date your credits page shows progress toward the next renewal.",
        widget=DATE_INPUT,
    )

    def clean_license_state(self):
        value = self.cleaned_data["license_state"].strip()
        if value and not (len(value) == 2 and value.isascii() and value.isalpha()):
            raise forms.ValidationError("Enter a two-letter state code, e.g. MA.")
        return value.upper()
