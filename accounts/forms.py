from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.models import Agency, Designation, Position, User

LOGIN_BANNER = (
    "This is a restricted law-enforcement information system. Only authorized, trained "
    "members may use it, solely for the purposes permitted by DGO I-12 and Civil Code "
    "§ 1798.90.5 et seq. Every sign-in, search, view, export and change is recorded and "
    "audited. Unauthorized access or misuse is subject to discipline and to criminal "
    "and civil penalties (Penal Code § 502; Civil Code § 1798.90.54)."
)


class BannerAuthenticationForm(AuthenticationForm):
    acknowledge = forms.BooleanField(
        required=True,
        label="I have read the notice above and accept that my use is monitored and audited.",
        error_messages={"required": "You must acknowledge the notice to sign in."},
    )


class DesignationForm(forms.ModelForm):
    class Meta:
        model = Designation
        fields = ["designee", "position", "scope", "written_authority", "document", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "written_authority": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, administrator: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["designee"].queryset = User.objects.filter(
            is_active=True, agency=administrator.agency
        ).exclude(pk=administrator.pk)
        self.fields["designee"].required = False
        # ID-3 (issue 20 §4): or a departmental position, whoever holds it.
        self.fields["position"].queryset = Position.objects.all()
        self.fields["position"].required = False

    def clean(self):
        data = super().clean()
        if bool(data.get("designee")) == bool(data.get("position")):
            raise forms.ValidationError("Name either a person or a position (ID-3).")
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label="Code", max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class ReauthenticateForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                 "autofocus": True}))
    token = forms.CharField(
        label="Code", max_length=32, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="From your authenticator app, or a recovery code.",
    )


class AgencyClassificationForm(forms.Form):
    """Issue 20 §2: an agency's kind and state decide what the law lets it receive (SH-3)."""

    kind = forms.ChoiceField(choices=Agency.Kind.choices)
    state = forms.CharField(max_length=2, help_text="Two-letter state code, e.g. CA.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                             help_text="Why the record was wrong: the source that shows the agency's kind and state.")

    def clean_state(self):
        value = self.cleaned_data["state"].strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise forms.ValidationError("Use the two-letter state code.")
        return value
