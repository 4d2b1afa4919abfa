
from django import forms

from accounts.models import User
from audits.models import Audit, AuditItem, AuditSchedule
from audits.periods import default_period


def _default_start():
    return default_period()[0]


def _default_end():
    # AU-2 (issue 20): the period ends on the last complete day, so its population does
    # not change after the audit is opened; the demo has searches on earlier days to sample.
    return default_period()[1]


class AuditOpenForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    period_start = forms.DateField(initial=_default_start, widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(initial=_default_end, widget=forms.DateInput(attrs={"type": "date"}))
    populations = forms.MultipleChoiceField(
        choices=[c for c in Audit.Population.choices
                 if c[0] not in (Audit.Population.SEARCHES, Audit.Population.DETECTION_VIEWS)],
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Investigative searches and detection-browsing inquiries (at least 10 from the last six months "
                  "of the period, AU-2) are always audited; add any of these.",
    )
    schedule = forms.ModelChoiceField(queryset=AuditSchedule.objects.filter(active=True), required=False,
                                      help_text="The scheduled audit this one answers (AU-5); it adds the "
                                                "schedule's populations.")
    shortfall_reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the detection-browsing population is short",
        help_text="Only if the six months before the period's end have fewer than 10 detection-browsing "
                  "inquiries; the memo records it.")
    confidence = forms.DecimalField(initial="0.95", min_value=0.5, max_value=0.999, decimal_places=3)
    margin = forms.DecimalField(label="Margin of error", initial="0.05", min_value=0.001, max_value=0.25,
                                decimal_places=3)
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**53,
                              help_text="Leave empty for a fresh random seed; it is recorded either way.")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            raise forms.ValidationError("The period ends before it starts.")
        last_day = default_period()[1]
        if end and end > last_day:
            # AU-2 (issue 20): the service refuses too; said here beside the field.
            self.add_error("period_end", f"End the period on or before {last_day}, the last complete day.")
        return data


TRISTATE = [("", "—"), ("yes", "Yes"), ("no", "No")]


class ItemReviewForm(forms.Form):
    purpose_permitted = forms.ChoiceField(choices=TRISTATE, required=False, label="Permitted purpose")
    case_number_plausible = forms.ChoiceField(choices=TRISTATE, required=False,
                                              label="Case number present and plausible")
    suspicion_attested = forms.ChoiceField(choices=TRISTATE, required=False, label="Reasonable-suspicion attestation")
    results_consistent = forms.ChoiceField(choices=TRISTATE, required=False,
                                           label="Results opened consistent with the purpose")
    prohibited_indicators = forms.ChoiceField(choices=TRISTATE, required=False, label="Prohibited-use indicators")
    data_errors = forms.ChoiceField(choices=TRISTATE, required=False, label="Data errors")
    finding = forms.ChoiceField(choices=[c for c in AuditItem.Finding.choices if c[0] != AuditItem.Finding.PENDING])
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)
    correction_description = forms.CharField(required=False, max_length=2000, label="Data error to correct")
    correction_owner = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True).order_by("username"),
                                              required=False, label="Who corrects it")

    def checklist(self) -> dict:
        return {key: {"yes": True, "no": False}.get(self.cleaned_data.get(key) or "")
                for key in ("purpose_permitted", "case_number_plausible", "suspicion_attested",
                            "results_consistent", "prohibited_indicators", "data_errors")}
