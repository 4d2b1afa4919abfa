"""AU-6: the ALPR Coordinator's page for the O.M.C. 9.64 sections of the annual report.
Auditors read them; only the Coordinator enters, finalises or reopens. Thin: the rules are
audits/services/report_contents.py and audits/report_sections.py."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from audits.models import AnnualReportContents
from audits.report_forms import ReportContentsForm
from audits.report_sections import missing_sections, system_counts, waiver_recorded
from audits.services import report_contents as service
from lib.errors import DomainError

logger = logging.getLogger(__name__)


def _may_see(user) -> bool:
    return user.is_authenticated and user.has_role(roles.COORDINATOR, roles.AUDITOR)


def _contents_for_user(user, year: int) -> AnnualReportContents:
    if not _may_see(user):
        raise Http404
    contents = AnnualReportContents.objects.filter(year=year).first()
    if contents is None:
        raise Http404
    return contents


@login_required
def contents_index(request):
    if not _may_see(request.user):
        raise Http404
    this_year = timezone.localdate().year
    return render(request, "audits/report_contents_index.html", {
        "years": AnnualReportContents.objects.all(), "choices": list(range(this_year, this_year - 6, -1)),
        "is_coordinator": request.user.has_role(roles.COORDINATOR)})


@login_required
@require_POST
def contents_open(request):
    if not request.user.has_role(roles.COORDINATOR):
        raise Http404
    try:
        contents = service.contents_start(by=request.user, year=int(request.POST.get("year", "")), request=request)
    except ValueError:
        messages.error(request, "Choose a year.")
        return redirect("audits:report_contents_index")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("audits:report_contents_index")
    return redirect("audits:report_contents", year=contents.year)


@login_required
def contents_edit(request, year: int):
    contents = _contents_for_user(request.user, year)
    editable = request.user.has_role(roles.COORDINATOR) and contents.status == AnnualReportContents.Status.DRAFT
    form = ReportContentsForm(request.POST or None, instance=contents)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form.Meta.fields}
            try:
                contents = service.contents_save(by=request.user, contents=contents, data=data,
                                                 version=request.POST.get("version", ""), request=request)
            except DomainError as exc:
                logger.warning("report sections %s not saved for %s: %s", year, request.user.username, exc.message)
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Sections saved.")
                return redirect("audits:report_contents", year=year)
    else:
        record_access(action=Action.ANNUAL_REPORT_CONTENTS_VIEW, user=request.user, request=request,
                      object_type="annual_report_contents", object_id=contents.pk, data_elements={"year": year})
    return render(request, "audits/report_contents.html", {
        "contents": contents, "form": form, "version": service.version_of(contents), "editable": editable,
        "missing": missing_sections(contents),
        "counted": system_counts(year), "waiver": waiver_recorded(contents),
        "is_coordinator": request.user.has_role(roles.COORDINATOR),
        "history": contents.history.select_related("by")}, status=400 if form.errors else 200)


@login_required
@require_POST
def contents_finalise(request, year: int):
    contents = _contents_for_user(request.user, year)
    if not request.user.has_role(roles.COORDINATOR):
        raise Http404
    try:
        service.contents_finalise(by=request.user, contents=contents, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The {year} sections are finalised; generate the report to publish them.")
    return redirect("audits:report_contents", year=year)


@login_required
@require_POST
def contents_reopen(request, year: int):
    contents = _contents_for_user(request.user, year)
    if not request.user.has_role(roles.COORDINATOR):
        raise Http404
    try:
        service.contents_reopen(by=request.user, contents=contents, reason=request.POST.get("reason", ""),
                                request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Sections reopened for correction.")
    return redirect("audits:report_contents", year=year)
