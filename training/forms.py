from django import forms

from accounts.models import User
from training.models import TrainingCourse


class TrainingRecordForm(forms.Form):
    member = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True))
    course = forms.ModelChoiceField(queryset=TrainingCourse.objects.filter(active=True))
    completed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    trainer = forms.CharField(max_length=200)
    passed = forms.BooleanField(required=False, initial=True)
    score = forms.IntegerField(required=False, min_value=0, max_value=100)
