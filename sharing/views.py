from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import roles
from audits.services import record_access
from lib.errors import DomainError
from sharing import services
from sharing.forms import DecisionForm, SharingRequestForm, StepOneForm
from sharing.models import MOU, SharingRequest


def _visible(user):
    if user.has_role(roles.ADMINISTRATOR, roles.AUDITOR) or services._processor_authority(user):
        return SharingRequest.objects.all()
    return SharingRequest.objects.filter(logged_by=user)


def _request_for_user(user, pk) -> SharingRequest:
    req = _visible(user).select_related("agency", "logged_by", "decided_by", "mou").filter(pk=pk).first()
    if req is None:
        raise Http404
    return req


@login_required
def index(request):
    """SH-4: the secure folder of sharing requests."""
    user = request.user
    if not (user.has_role(roles.ADMINISTRATOR, roles.AUDITOR) or services._processor_authority(user)):
        raise Http404
    record_access(action="sharing.folder_view", user=user, request=request, object_type="sharing_request")
    return render(request, "sharing/index.html", {
        "rows": _visible(user).select_related("agency")[:200], "mous": MOU.objects.select_related("agency"),
        "can_log": services._processor_authority(user) is not None})


@login_required
def request_new(request):
    if services._processor_authority(request.user) is None:
        raise Http404
    form = SharingRequestForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cameras = data.pop("cameras")
        try:
            req = services.request_receive(logged_by=request.user, cameras=cameras, request=request, **data)
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
    record_access(action="sharing.request_view", user=request.user, request=request, object_type="sharing_request",
                  object_id=req.pk, case_number=req.case_number)
    return render(request, "sharing/request_detail.html", {
        "req": req, "history": req.history.select_related("by"), "step_one": StepOneForm(),
        "decision": DecisionForm(), "may_process": services._processor_authority(request.user) is not None,
        "may_decide": services._processor_authority(request.user) is not None and req.logged_by_id != request.user.pk})


@login_required
@require_POST
def request_action(request, pk: int, action: str):
    req = _request_for_user(request.user, pk)
    try:
        if action == "step1":
            form = StepOneForm(request.POST)
            if not form.is_valid():
                raise DomainError("Document both the right to know and the need to know.")
            services.document_right_and_need(req=req, by=request.user, request=request, **form.cleaned_data)
        elif action in ("honour", "deny"):
            services.decide(req=req, by=request.user, honour=action == "honour",
                            reason=request.POST.get("reason", "")[:2000], request=request)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Recorded.")
    return redirect("sharing:request_detail", pk=req.pk)
