"""Retention pages: purge runs for the Coordinator, legal holds for whoever places and
approves them (RT-2, RT-3), the retention schedule edited by the ALPR Administrator (RT-4)."""

import logging
from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from accounts.mfa import reauthentication_response
from alpr.criteria import Criteria
from alpr.models import DataSource, LegalHold, PurgeRun, RetentionRule
from alpr.selectors.reads import reads_for_query
from alpr.selectors.retention import (
    OVERSIGHT,
    hold_sharing_requests,
    holds_visible_to,
    image_sweeps_recent,
    retention_authority,
    retention_days,
    schedule_rows,
)
from alpr.selectors.searches import search_for_user
from alpr.services import retention
from lib.errors import DomainError


def validate_instrument_copy(upload):
    """RT-2: a copy of the instrument is a PDF or a scan (JPEG, PNG), under 10 MB."""
    head = upload.read(8)
    upload.seek(0)
    if not (head.startswith(b"%PDF") or head[:3] == b"\xff\xd8\xff" or head == b"\x89PNG\r\n\x1a\n"):
        raise ValidationError("The instrument's copy must be a PDF, JPEG or PNG file.")
    if upload.size > 10 * 1024 * 1024:
        raise ValidationError("The instrument's copy must be under 10 MB.")

logger = logging.getLogger(__name__)


class HoldForm(forms.Form):
    case_number = forms.CharField(max_length=64)
    reason = forms.ChoiceField(choices=LegalHold.Reason.choices)
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    review_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Review on")
    sharing_request = forms.ModelChoiceField(queryset=None, required=False,
                                             help_text="Another agency's investigation: the request it came with")
    # RT-2 / SH-1: without a sharing request, the instrument that obliges the department to retain.
    instrument_kind = forms.ChoiceField(choices=[("", "—")] + LegalHold.Instrument.choices, required=False,
                                        label="Instrument",
                                        help_text="Another agency's investigation without a sharing request: "
                                                  "the subpoena, court order or warrant")
    instrument_number = forms.CharField(max_length=64, required=False, label="Instrument number")
    instrument_issued_by = forms.CharField(max_length=200, required=False, label="Issuing court or body")
    instrument_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                      label="Instrument date")
    instrument_file = forms.FileField(required=False, label="Copy of the instrument (optional)",
                                      validators=[validate_instrument_copy])
    plate = forms.CharField(max_length=10, required=False, help_text="With a window: every read of this plate in it")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sharing_request"].queryset = hold_sharing_requests(user)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def index(request):
    user = request.user
    if not (user.has_role(*OVERSIGHT, *retention.PLACERS)):
        raise Http404
    runs = PurgeRun.objects.all()[:30] if user.has_role(*OVERSIGHT) else []
    sweeps = image_sweeps_recent() if user.has_role(*OVERSIGHT) else []
    holds = holds_visible_to(user).select_related("placed_by")[:100]
    return render(request, "alpr/retention.html", {"runs": runs, "sweeps": sweeps, "holds": holds,
                                                   "can_place": user.has_role(*retention.PLACERS),
                                                   "retention_days": retention_days(RetentionRule.DataClass.READS),
                                                   "schedule": schedule_rows(),
                                                   "can_edit_schedule": user.has_role(roles.ADMINISTRATOR)})


class RetentionRuleForm(forms.Form):
    data_class = forms.ChoiceField(choices=RetentionRule.DataClass.choices, label="Data")
    source = forms.ModelChoiceField(queryset=DataSource.objects.all(), required=False,
                                    empty_label="Agency-wide", label="Source")
    days = forms.IntegerField(min_value=1, max_value=36500, help_text="Within the floor and cap shown")
    note = forms.CharField(max_length=255, required=False, help_text="Why: the policy section or decision")


@login_required
def schedule_edit(request):
    """RT-4: the ALPR Administrator sets the retention of a class of data, agency-wide or for
    one source; a value outside the floor and cap is refused with the reason."""
    user = request.user
    if not user.has_role(roles.ADMINISTRATOR):
        raise Http404
    if (refusal := reauthentication_response(request)) is not None:
        return refusal  # issue 8: configuration changes are made with a recent authentication
    form = RetentionRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rule = retention.retention_rule_set(by=user, data_class=d["data_class"], source=d["source"],
                                                days=d["days"], note=d["note"], request=request)
        except DomainError as exc:
            logger.info("retention schedule change refused for user=%s: %s", user.pk, exc.message)
            form.add_error("days", exc.message)
        else:
            messages.success(request, f"Retention set: {rule}.")
            return redirect("alpr:retention")
    elif request.method == "POST":
        logger.info("retention schedule form invalid for user=%s: %s", user.pk, form.errors.as_json())
    return render(request, "alpr/retention_schedule_form.html", {"form": form, "schedule": schedule_rows()},
                  status=400 if form.errors else 200)


@login_required
def hold_new(request):
    user = request.user
    if not user.has_role(*retention.PLACERS):
        raise Http404
    if (refusal := reauthentication_response(request)) is not None:
        return refusal  # issue 8: holds are placed and released with a recent authentication
    search = None
    if request.GET.get("search") or request.POST.get("search"):
        search = search_for_user(user=user, pk=request.GET.get("search") or request.POST.get("search"))
    form = HoldForm(request.POST or None, request.FILES or None,
                    initial={"case_number": search.case_number if search else ""}, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        read_ids = None
        if search is not None:
            read_ids = list(reads_for_query(user=user, criteria=Criteria.from_json(search.criteria))
                            .values_list("pk", flat=True)[:100_000])
        tz = timezone.get_current_timezone()
        since = datetime.combine(d["since"], time.min, tz) if d["since"] else None
        until = datetime.combine(d["until"], time.max, tz) if d["until"] else None
        try:
            hold = retention.hold_place(by=user, case_number=d["case_number"], reason=d["reason"],
                                        justification=d["justification"], review_on=d["review_on"],
                                        read_ids=read_ids, plate=d["plate"], since=since, until=until,
                                        sharing_request=d["sharing_request"],
                                        instrument_kind=d["instrument_kind"], instrument_number=d["instrument_number"],
                                        instrument_issued_by=d["instrument_issued_by"],
                                        instrument_date=d["instrument_date"], instrument_file=d["instrument_file"],
                                        request=request)
        except DomainError as exc:
            logger.info("hold refused for user=%s: %s", user.pk, exc.message)
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Hold #{hold.pk} placed ({hold.get_status_display()}).")
            return redirect("alpr:hold_detail", pk=hold.pk)
    return render(request, "alpr/hold_form.html", {"form": form, "search": search},
                  status=400 if form.errors else 200)


@login_required
def hold_detail(request, pk: int):
    hold = holds_visible_to(request.user).filter(pk=pk).first()
    if hold is None:
        raise Http404
    record_access(action=Action.RETENTION_HOLD_VIEW, user=request.user, request=request, object_type="legal_hold",
                  object_id=hold.pk, case_number=hold.case_number)
    can_decide = hold.status == LegalHold.Status.REQUESTED and retention_authority(request.user) \
        and hold.placed_by_id != request.user.pk
    return render(request, "alpr/hold_detail.html", {
        "hold": hold, "history": hold.history.select_related("by"), "read_count": hold.reads.count(),
        "can_decide": can_decide, "can_release": hold.status == LegalHold.Status.ACTIVE})


@login_required
@require_POST
def hold_action(request, pk: int, action: str):
    hold = holds_visible_to(request.user).filter(pk=pk).first()
    if hold is None or action not in ("approve", "deny", "release"):
        raise Http404
    if (refusal := reauthentication_response(request)) is not None:
        return refusal  # issue 8: holds are placed and released with a recent authentication
    note = request.POST.get("note", "")[:2000]
    try:
        if action == "release":
            retention.hold_release(hold=hold, by=request.user, note=note, request=request)
        else:
            retention.hold_decide(hold=hold, by=request.user, approve=action == "approve", note=note,
                                  request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Recorded.")
    return redirect("alpr:hold_detail", pk=hold.pk)
