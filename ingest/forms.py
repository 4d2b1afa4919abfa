from django import forms

from alpr.models import Camera
from ingest.upload_form import capture_time_defaults


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    camera = forms.ModelChoiceField(queryset=Camera.objects.none())
    captured_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"),
                                      label="Capture time")
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, help_text="Mobile units only")
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6)
    frames = MultipleFileField(label="Frames (JPEG or PNG)")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = Camera.objects.filter(agency_id=user.agency_id, active=True)
        capture_time_defaults(self.fields["captured_at"])
