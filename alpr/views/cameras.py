"""CAM-1 (issue 20): the officer's start-of-shift equipment check of a mobile unit (001
Alameda §(b)4). Thin views: the form in, alpr.services.cameras records it (and the
access log), alpr.selectors.cameras says which units wait on a check."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from alpr.models import ShiftCheck
from alpr.selectors.cameras import (
    SHIFT_CHECKERS,
    latest_checks,
    mobile_unit_for_user,
    mobile_units_for,
    mobile_units_unchecked,
    shift_window,
)
from alpr.services.cameras import shift_check_record
from alpr.views import require_role
from lib.errors import DomainError

logger = logging.getLogger(__name__)


YES_NO = [("yes", "Yes"), ("no", "No")]


class ShiftCheckForm(forms.Form):
    """Each item answered Yes or No on purpose: an empty form records nothing (an
    unanswered item is not a confirmed fault either)."""

    camera_working = forms.TypedChoiceField(label=ShiftCheck._meta.get_field("camera_working").verbose_name,
                                            choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    aimed = forms.TypedChoiceField(label=ShiftCheck._meta.get_field("aimed").verbose_name,
                                   choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    lens_clean = forms.TypedChoiceField(label=ShiftCheck._meta.get_field("lens_clean").verbose_name,
                                        choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    time_synced = forms.TypedChoiceField(label=ShiftCheck._meta.get_field("time_synced").verbose_name,
                                         choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    note = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="What was wrong, or what you did about it.")


@login_required
def shift_checks(request):
    """The member's agency's mobile units, each with its latest check and whether this
    shift's check is still to do."""
    require_role(request.user, *SHIFT_CHECKERS)
    units = list(mobile_units_for(request.user).order_by("name"))
    unchecked = set(mobile_units_unchecked(request.user).values_list("pk", flat=True))
    latest = latest_checks(units)
    record_access(action=Action.CAMERA_SHIFT_CHECK, user=request.user, request=request, object_type="camera_list",
                  data_elements={"units": len(units), "unchecked": len(unchecked)}, detail="viewed the unit list")
    rows = [{"unit": unit, "latest": latest.get(unit.pk), "due": unit.pk in unchecked} for unit in units]
    return render(request, "alpr/shift_checks.html",
                  {"rows": rows, "shift_hours": int(shift_window().total_seconds() // 3600)})


@login_required
def shift_check_new(request, pk: int):
    camera = mobile_unit_for_user(request.user, pk)  # 404 to other agencies and other roles
    form = ShiftCheckForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                check = shift_check_record(camera=camera, by=request.user, request=request, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if check.passed:
                    messages.success(request, f"{camera.name}: start-of-shift check recorded; its reads are covered "
                                              f"until {timezone.localtime(check.checked_at + shift_window()):%H:%M}.")
                else:
                    messages.warning(request, f"{camera.name}: check recorded with problems "
                                              f"({', '.join(check.failed_items).lower()}). Its reads are flagged "
                                              "until a check passes; report the fault.")
                return redirect("alpr:shift_checks")
        else:
            logger.warning("shift check form refused camera=%s user=%s errors=%s", camera.pk, request.user.pk,
                           form.errors.as_json()[:500])
    return render(request, "alpr/shift_check_form.html", {"form": form, "camera": camera})
