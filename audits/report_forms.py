"""Forms of the breach workflow (BR-1) and of the O.M.C. 9.64 sections (AU-6). Bad input
(a date that does not parse, a negative count, an over-long text) is refused here with a
message per field; the rules of the policy are the services'."""

from django import forms

from audits.models import AnnualReportContents

DATE = forms.DateInput(attrs={"type": "date"})


class BreachReportForm(forms.Form):
    summary = forms.CharField(max_length=300)
    occurred_on = forms.DateField(widget=DATE)
    discovered_on = forms.DateField(widget=DATE)
    records_affected = forms.IntegerField(min_value=0, initial=0)
    california_residents_affected = forms.IntegerField(
        min_value=0, initial=0, help_text="More than 500 means the Attorney General is notified too (1798.82(f)).")


class BreachStepForm(forms.Form):
    """One form for every step; each step reads the fields it needs (the service refuses
    what is missing)."""

    step = forms.ChoiceField(choices=[(s, s) for s in ("contain", "begin_notification", "notify_people",
                                                       "notify_attorney_general", "no_notice_due",
                                                       "notifications_complete", "close")])
    text = forms.CharField(max_length=5000, required=False)
    given_on = forms.DateField(required=False, widget=DATE)
    method = forms.CharField(max_length=200, required=False)
    california_residents_affected = forms.IntegerField(min_value=0, required=False)


class ReportContentsForm(forms.ModelForm):
    class Meta:
        model = AnnualReportContents
        fields = ["race_analysis", "race_waiver_granted_on", "race_waiver_findings", "cost_initial_purchase",
                  "cost_personnel", "cost_ongoing", "funding_sources", "hits", "recoveries", "arrests",
                  "cases_assisted", "effectiveness_notes", "public_records_requests", "public_records_notes",
                  "narrative"]
        widgets = {"race_waiver_granted_on": DATE}
        labels = {"race_analysis": "Race of each person subject to the technology's use (analysis)"}

