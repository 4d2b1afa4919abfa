import json
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from alpr.models import Camera, DispositionCode, Hit, Search
from alpr.purpose import normalise_case_number, stated_purpose_problem
from alpr.services.hits import VERIFY_CHECKS


class SearchForm(forms.Form):
    purpose = forms.ChoiceField(choices=[("", "— choose the permitted purpose (Q-1) —"), *Search.Purpose.choices],
                                required=False)
    # Issue 19: every search names its offence category (settings.ALPR_OFFENCE_CATEGORIES).
    # Like the purpose, a missing one is refused by search_run, so the refusal is recorded.
    offence_category = forms.ChoiceField(choices=[], required=False, label="Offence category")
    case_number = forms.CharField(max_length=64, required=False, label="Case or incident number")
    justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000,
        label="Reason for this search", help_text="What you are investigating and why this search helps.",
    )
    attest = forms.BooleanField(
        required=False,
        label="I attest that this search rests on reasonable suspicion or greater and is not for any prohibited "
              "use (privacy invasion, harassment, a protected characteristic, personal use, First Amendment "
              "activity, immigration enforcement, reproductive health care).",
    )
    plate = forms.CharField(max_length=14, required=False, label="Plate (use * for any characters, ? for one)")
    captured_from = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                        label="From")
    captured_to = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="To")
    cameras = forms.ModelMultipleChoiceField(queryset=Camera.objects.none(), required=False)
    bbox = forms.CharField(required=False, label="Map area (south,west,north,east)",
                           widget=forms.TextInput(attrs={"placeholder": "37.79,-122.29,37.82,-122.25"}))
    # Issue 21 §1: a polygon drawn on the map (or typed): [[lat, lon], ...], closed; checked
    # in alpr/criteria.py (lib/geo.py) so the API and the page refuse the same input alike.
    polygon = forms.CharField(required=False, max_length=8000, label="Map polygon ([[lat, lon], ...], closed)",
                              widget=forms.TextInput(attrs={"placeholder": "[[37.80,-122.28],[37.81,-122.26],"
                                                                           "[37.79,-122.26],[37.80,-122.28]]"}))
    # Issue 21 §7: the colour names reads are stored under (alpr/colour.py), offered as a list.
    vehicle_color = forms.CharField(max_length=30, required=False, label="Colour",
                                    widget=forms.TextInput(attrs={"list": "colour-names"}))
    vehicle_make = forms.CharField(max_length=40, required=False, label="Make")
    vehicle_type = forms.CharField(max_length=30, required=False, label="Body type")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cameras"].queryset = Camera.objects.filter(agency_id=user.agency_id).order_by("name")
        self.fields["offence_category"].choices = [("", "— choose the offence category —"),
                                                   *settings.ALPR_OFFENCE_CATEGORIES]
        now = timezone.localtime()
        self.fields["captured_from"].initial = (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
        self.fields["captured_to"].initial = now.strftime("%Y-%m-%dT%H:%M")

    def clean_bbox(self):
        value = self.cleaned_data["bbox"].strip()
        if not value:
            return None
        parts = [p.strip() for p in value.split(",")]
        if len(parts) != 4:
            raise forms.ValidationError("Four numbers: south, west, north, east.")
        return parts

    def clean_polygon(self):
        value = self.cleaned_data["polygon"].strip()
        if not value:
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise forms.ValidationError("A polygon is JSON: [[latitude, longitude], ...], its last point its first.") \
                from None


class ReadAccessForm(forms.Form):
    """Q-5 / ID-5: opening a read outside a search states the same things a search does: a
    Q-1 purpose, the case or incident number and a reason of its own, judged by the one
    rule set in alpr.purpose (issue 20 §1)."""

    purpose = forms.ChoiceField(choices=[("", "— choose the permitted purpose (Q-1) —"), *Search.Purpose.choices],
                                required=False, label="Purpose (Q-1)")
    case_number = forms.CharField(max_length=64, required=False, label="Case or incident number")
    reason = forms.CharField(max_length=500, required=False, label="Reason for opening this read",
                             widget=forms.TextInput(attrs={"size": 60}))

    def clean(self):
        data = super().clean()
        data["case_number"] = normalise_case_number(data.get("case_number", ""))
        data["reason"] = (data.get("reason") or "").strip()
        problem = stated_purpose_problem(purpose=data.get("purpose") or "", case_number=data["case_number"],
                                         reason=data["reason"], what="read")
        if problem:
            raise forms.ValidationError(problem)
        return data


class VerifyForm(forms.Form):
    plate_matches = forms.BooleanField(required=False, label=VERIFY_CHECKS["plate_matches"])
    state_matches = forms.BooleanField(required=False, label=VERIFY_CHECKS["state_matches"])
    vehicle_matches = forms.BooleanField(required=False, label=VERIFY_CHECKS["vehicle_matches"])
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ValidateForm(forms.Form):
    clets_reference = forms.CharField(max_length=100, label="CLETS / dispatch confirmation reference")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(forms.Form):
    confirmed_by = forms.CharField(max_length=200, label="Confirmed by (name and agency)")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reject_reason = forms.ChoiceField(choices=Hit.RejectReason.choices, label="Reason")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StopReportForm(forms.Form):
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Justification for responding")
    case_number = forms.CharField(max_length=64, label="Related case number")
    disposition = forms.ModelChoiceField(queryset=DispositionCode.objects.filter(active=True),
                                         label="Disposition code")
    responded_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                       label="Date and time of response")
    next_steps = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Next steps / follow-up")


TRANSITION_FORMS = {"verify": VerifyForm, "validate": ValidateForm, "confirm": ConfirmForm, "reject": RejectForm}
