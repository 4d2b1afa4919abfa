from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from accounts.mfa import reauthentication_response
from accounts.models import Designation
from accounts.selectors import approval_authority
from hotlists import selectors
from hotlists.forms import DecisionForm, EntryRequestForm, FeedUploadForm
from hotlists.models import HotlistEntryRequest
from hotlists.services import entries, feeds
from lib.errors import DomainError

MEMBERS = (roles.OFFICER, roles.PST, roles.CRIME_ANALYST, roles.INVESTIGATOR, roles.ADMINISTRATOR, roles.AUDITOR)


def _is_approver(user):
    return approval_authority(user=user, scope=Designation.Scope.HOTLIST_APPROVAL) is not None


@login_required
def index(request):
    user = request.user
    if not user.has_role(*MEMBERS) or not user.is_home_member:
        raise Http404  # issue 18: another agency's member sees none of the department's lists
    context = {
        "lists": selectors.lists_overview(user),
        "is_approver": _is_approver(user),
        "queue_count": selectors.approval_queue().count(),
        "can_request": user.has_role(*entries.REQUESTERS),
        "can_import": user.has_role(roles.ADMINISTRATOR),
        "stale_hours": settings.ALPR_HOTLIST_STALE_HOURS,
    }
    return render(request, "hotlists/index.html", context)


@login_required
def request_new(request):
    user = request.user
    if not user.has_role(*entries.REQUESTERS) or not user.is_home_member:
        raise Http404  # the form names the department's lists (issue 18, defect 6)
    renews = None
    if request.GET.get("renews") or request.POST.get("renews"):
        renews = selectors.request_for_user(user=user, pk=request.GET.get("renews") or request.POST.get("renews"))
        if renews.requester_id != user.pk:
            raise Http404
    initial = {}
    if renews:
        initial = {k: getattr(renews, k) for k in ("hotlist", "case_number", "plate", "pattern", "major_crime",
                                                   "state", "vehicle_description", "justification")}
    form = EntryRequestForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            req = entries.request_submit(requester=user, renews=renews, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Request #{req.pk} submitted for approval.")
            return redirect("hotlists:request_detail", pk=req.pk)
    return render(request, "hotlists/request_form.html", {"form": form, "renews": renews},
                  status=400 if form.errors else 200)


@login_required
def my_requests(request):
    rows = HotlistEntryRequest.objects.filter(requester=request.user).select_related("hotlist")
    return render(request, "hotlists/my_requests.html", {"rows": rows})


@login_required
def queue(request):
    if not _is_approver(request.user):
        raise Http404
    rows = list(selectors.approval_queue())
    return render(request, "hotlists/queue.html", {
        "rows": rows, "alert_count": sum(1 for r in rows if not r.hotlist.is_covert),
        "covert_count": sum(1 for r in rows if r.hotlist.is_covert)})


@login_required
def request_detail(request, pk: int):
    user = request.user
    req = selectors.request_for_user(user=user, pk=pk)
    record_access(action=Action.HOTLIST_REQUEST_VIEW, user=user, request=request, object_type="hotlist_request",
                  object_id=req.pk, data_elements={"plate": req.plate or req.pattern}, case_number=req.case_number)
    actions = [t.name for t in entries.WORKFLOW.available(req.status)]
    is_approver = _is_approver(user) and req.requester_id != user.pk
    allowed = []
    if is_approver:
        allowed += [a for a in actions if a in ("approve", "disapprove", "confirm_removal")]
    if req.requester_id == user.pk:
        allowed += [a for a in actions if a == "ask_removal"]
    return render(request, "hotlists/request_detail.html", {
        "req": req, "history": req.history.select_related("by", "designation"), "actions": allowed,
        "form": DecisionForm(), "can_renew": req.requester_id == user.pk and "renew" in actions})


ACTIONS = {
    "approve": lambda req, by, note, request: entries.request_approve(req=req, by=by, note=note, request=request),
    "disapprove": lambda req, by, note, request: entries.request_disapprove(req=req, by=by, reason=note,
                                                                             request=request),
    "ask_removal": lambda req, by, note, request: entries.request_ask_removal(req=req, by=by, reason=note,
                                                                               request=request),
    "confirm_removal": lambda req, by, note, request: entries.request_confirm_removal(req=req, by=by, note=note,
                                                                                       request=request),
}


@login_required
@require_POST
def request_action(request, pk: int, action: str):
    req = selectors.request_for_user(user=request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    if (refusal := reauthentication_response(request)) is not None:
        return refusal  # issue 8: decisions need an authentication from the last 15 minutes
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        ACTIONS[action](req, request.user, note, request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Recorded.")
    return redirect("hotlists:request_detail", pk=req.pk)


@login_required
def import_upload(request):
    if not request.user.has_role(roles.ADMINISTRATOR):
        raise Http404
    form = FeedUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = feeds.import_feed(hotlist=form.cleaned_data["hotlist"], data=upload.read(), file_name=upload.name,
                                   by=request.user, force=form.cleaned_data["force"], request=request)
        if result.status == result.Status.APPLIED:
            messages.success(request, "List replaced.")
        else:
            messages.error(request, f"Nothing changed: {result.error}")
        return redirect("hotlists:import_detail", pk=result.pk)
    return render(request, "hotlists/import_form.html", {"form": form})


@login_required
def import_detail(request, pk: int):
    imp = selectors.import_for_user(user=request.user, pk=pk)
    record_access(action=Action.HOTLIST_IMPORT_VIEW, user=request.user, request=request, object_type="feed_import",
                  object_id=imp.pk, data_elements={"list": imp.hotlist.name, "dropped": imp.dropped_count})
    return render(request, "hotlists/import_detail.html", {"imp": imp})
