from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from accounts.mfa import reauthentication_response
from lib import csvsafe
from lib.errors import DomainError
from sharing.forms import DecisionForm, SharingRequestForm, StepOneForm
from sharing.models import MOU, SharingRequest
from sharing.selectors import deciders, processor_authority, requests_visible_to, sharing_report
from sharing.services import packages, requests


def _request_for_user(user, pk) -> SharingRequest:
    req = requests_visible_to(user).select_related("agency", "logged_by", "decided_by", "mou").filter(pk=pk).first()
    if req is None:
        raise Http404
    return req


@login_required
def index(request):
    """SH-4: the secure folder of sharing requests."""
    user = request.user
    if not (user.has_role(roles.ADMINISTRATOR, roles.AUDITOR) or requests.may_log(user)):
        raise Http404
    record_access(action=Action.SHARING_FOLDER_VIEW, user=user, request=request, object_type="sharing_request")
    return render(request, "sharing/index.html", {
        "rows": requests_visible_to(user).select_related("agency")[:200], "mous": MOU.objects.select_related("agency"),
        "can_log": requests.may_log(user)})


@login_required
def request_new(request):
    if not requests.may_log(request.user):  # records staff too (issue 20 §3)
        raise Http404
    form = SharingRequestForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cameras = data.pop("cameras")
        try:
            req = requests.request_receive(logged_by=request.user, cameras=cameras, request=request, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if req.status == SharingRequest.Status.REFUSED:
                messages.error(request, f"Refused by law: {req.get_refusal_rule_display()}.")
            else:
                messages.success(request, f"Request #{req.pk} logged: {req.get_status_display()}.")
            return redirect("sharing:request_detail", pk=req.pk)
    return render(request, "sharing/request_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def request_detail(request, pk: int):
    req = _request_for_user(request.user, pk)
    record_access(action=Action.SHARING_REQUEST_VIEW, user=request.user, request=request, object_type="sharing_request",
                  object_id=req.pk, case_number=req.case_number)
    return render(request, "sharing/request_detail.html", {
        "req": req, "history": req.history.select_related("by"), "step_one": StepOneForm(),
        "decision": DecisionForm(), "may_process": processor_authority(request.user) is not None,
        "deciders": deciders(req), "open": req.status in requests.OPEN,
        "may_decide": processor_authority(request.user) is not None and req.logged_by_id != request.user.pk,
        "package": getattr(req, "package", None)})


@login_required
@require_POST
def request_action(request, pk: int, action: str):
    req = _request_for_user(request.user, pk)
    if action in ("honour", "deny") and (refusal := reauthentication_response(request)) is not None:
        return refusal  # issue 8: decisions need an authentication from the last 15 minutes
    try:
        if action == "step1":
            form = StepOneForm(request.POST, case_number=req.case_number)
            if not form.is_valid():
                raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
            requests.document_right_and_need(req=req, by=request.user, request=request, **form.cleaned_data)
        elif action == "package":
            packages.package_build(req=req, by=request.user, request=request)
        elif action in ("honour", "deny"):
            requests.decide(req=req, by=request.user, honour=action == "honour",
                            reason=request.POST.get("reason", "")[:2000], request=request)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Recorded.")
    return redirect("sharing:request_detail", pk=req.pk)


@login_required
def package_download(request, pk: int):
    req = _request_for_user(request.user, pk)
    package = getattr(req, "package", None)
    if package is None:
        raise Http404
    try:
        packages.package_for_download(package=package, by=request.user, request=request)
    except DomainError as exc:
        raise Http404(exc.message) from None
    return FileResponse(package.file.open("rb"), as_attachment=True, filename=f"alpr-sharing-{req.pk}.zip",
                        content_type="application/zip")


@login_required
def report(request):
    """SH-4 / AU-4: requests by agency, basis and outcome, refusals by rule, packages."""
    if not request.user.has_role(roles.ADMINISTRATOR, roles.AUDITOR, roles.COORDINATOR):
        raise Http404
    year = int(request.GET.get("year") or timezone.localdate().year)
    tz = timezone.get_current_timezone()
    since = datetime.combine(datetime(year, 1, 1).date(), time.min, tz)
    until = datetime.combine(datetime(year + 1, 1, 1).date(), time.min, tz)
    data = sharing_report(since=since, until=until)
    record_access(action=Action.SHARING_REPORT, user=request.user, request=request, object_type="sharing_report",
                  data_elements={"year": year, "csv": bool(request.GET.get("csv"))})
    if request.GET.get("csv"):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="sharing-{year}.csv"'
        writer = csvsafe.writer(response)
        writer.writerow(["request", "received_on", "agency", "basis", "status", "refusal_rule", "decision_reason",
                         "package"])
        for r in data["rows"]:
            writer.writerow([r.pk, r.received_on, r.agency.name, r.basis, r.status, r.refusal_rule,
                             r.decision_reason, "yes" if hasattr(r, "package") else ""])
        return response
    return render(request, "sharing/report.html", {"data": data, "year": year})


DOCUMENTS = {"instrument": "instrument_copy", "confirmation": "confirmation_document"}


@login_required
def document(request, pk: int, kind: str):
    """Uploaded documents live outside any public path; the secure folder's members open
    them here, and each opening is logged (SH-4)."""
    req = _request_for_user(request.user, pk)
    field = getattr(req, DOCUMENTS.get(kind, ""), None)
    if not field:
        raise Http404
    record_access(action=Action.SHARING_DOCUMENT_VIEW, user=request.user, request=request,
                  object_type="sharing_request",
                  object_id=req.pk, data_elements={"document": kind}, case_number=req.case_number)
    extension = field.name.rsplit(".", 1)[-1].lower()
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"request-{req.pk}-{kind}.{extension}")
