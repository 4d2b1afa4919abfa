from django import forms

from accounts.models import Agency
from alpr.models import Camera
from lib.documentation import need_to_know_problem, right_to_know_problem
from sharing.models import MOU, SharingRequest
from training.forms import validate_certificate as validate_document


class SharingRequestForm(forms.ModelForm):
    cameras = forms.ModelMultipleChoiceField(queryset=Camera.objects.none(), required=False)

    class Meta:
        model = SharingRequest
        fields = ["agency", "requester_name", "requester_title", "requester_contact", "purpose", "plates", "cameras",
                  "window_from", "window_to", "case_number", "basis", "instrument", "instrument_number",
                  "instrument_court", "instrument_date", "instrument_copy", "mou", "confirmation_statement",
                  "confirmation_document", "received_on", "received_via"]
        widgets = {
            "window_from": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "window_to": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "instrument_date": forms.DateInput(attrs={"type": "date"}),
            "received_on": forms.DateInput(attrs={"type": "date"}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "confirmation_statement": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Uploaded documents are judged by content: PDF, JPEG or PNG only, under 10 MB.
        self.fields["instrument_copy"].validators.append(validate_document)
        self.fields["confirmation_document"].validators.append(validate_document)
        self.fields["agency"].queryset = Agency.objects.exclude(is_home=True)
        self.fields["cameras"].queryset = Camera.objects.filter(agency_id=user.agency_id)
        self.fields["mou"].queryset = MOU.objects.all()


class StepOneForm(forms.Form):
    """SH-2 step 1 with substance (issue 20 §2): the rules are lib.documentation's, the same
    the service applies."""

    legal_authority = forms.CharField(
        max_length=200, label="Right to know: legal authority",
        help_text="The court order, warrant or subpoena and its number; the statute and section; the case and its "
                  "citation; or sworn status and what proves it (badge or serial number, or the statute).")
    need_to_know = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Need to know: compelling reason",
        help_text="The case or incident number the requester works, their part in it and why these reads help.")

    def __init__(self, *args, case_number: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.case_number = case_number

    def clean_legal_authority(self):
        value = self.cleaned_data["legal_authority"].strip()
        if problem := right_to_know_problem(value):
            raise forms.ValidationError(problem)
        return value

    def clean_need_to_know(self):
        value = self.cleaned_data["need_to_know"].strip()
        if problem := need_to_know_problem(value, case_number=self.case_number):
            raise forms.ValidationError(problem)
        return value


class DecisionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason")
