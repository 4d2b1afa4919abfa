from django import forms

from accounts.models import Agency
from alpr.models import Camera
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
    legal_authority = forms.CharField(max_length=200, label="Right to know: legal authority")
    need_to_know = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Need to know: compelling reason")


class DecisionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason")
