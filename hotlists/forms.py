from django import forms

from accounts import roles
from hotlists.models import Hotlist


class EntryRequestForm(forms.Form):
    hotlist = forms.ModelChoiceField(queryset=Hotlist.objects.none(), label="List (alert or covert)")
    case_number = forms.CharField(max_length=64, label="Investigation case / report number")
    plate = forms.CharField(max_length=14, required=False, label="Plate")
    pattern = forms.CharField(max_length=14, required=False, label="…or partial plate (* any, ? one character)")
    major_crime = forms.CharField(max_length=200, required=False, label="Major crime (required for a partial plate)")
    state = forms.CharField(max_length=2, label="State of issue")
    vehicle_description = forms.CharField(max_length=200, label="Vehicle description")
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                                    label="Explanation / justification")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        lists = Hotlist.objects.filter(is_external=False, active=True)
        if not user.has_role(roles.INVESTIGATOR, roles.ADMINISTRATOR):
            lists = lists.filter(kind=Hotlist.Kind.ALERT)
        self.fields["hotlist"].queryset = lists.order_by("name")


class DecisionForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000,
                           label="Reason / note")


class FeedUploadForm(forms.Form):
    hotlist = forms.ModelChoiceField(queryset=Hotlist.objects.filter(is_external=True, active=True),
                                     label="Downloaded list")
    file = forms.FileField(label="List file (CSV)")
    force = forms.BooleanField(required=False, label="Apply even if most of the list would be removed")
