from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from training.models import TrainingCourse


def validate_certificate(upload):
    head = upload.read(8)
    upload.seek(0)
    if not (head.startswith(b"%PDF") or head[:3] == b"\xff\xd8\xff" or head == b"\x89PNG\r\n\x1a\n"):
        raise ValidationError("A certificate must be a PDF, JPEG or PNG file.")
    if upload.size > 10 * 1024 * 1024:
        raise ValidationError("A certificate must be under 10 MB.")


class TrainingRecordForm(forms.Form):
    member = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True))
    course = forms.ModelChoiceField(queryset=TrainingCourse.objects.filter(active=True))
    completed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    trainer = forms.CharField(max_length=200)
    passed = forms.BooleanField(required=False, initial=True)
    score = forms.IntegerField(required=False, min_value=0, max_value=100)
    certificate = forms.FileField(required=False, validators=[validate_certificate])


class TrainingImportForm(forms.Form):
    file = forms.FileField(label="Records from the learning-management system (CSV)")
