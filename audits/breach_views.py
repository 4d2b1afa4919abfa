"""BR-1: the breach pages: the list with due dates and overdue notices, reporting a
breach, and one breach's page with its steps and history. Thin: selectors read
(audits.breach_selectors), services write (audits.services.breaches)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.services import record_access
from audits import breach_deadlines
from audits.breach_selectors import breach_for_user, breaches_visible_to, may_see_breaches
from audits.report_forms import BreachReportForm, BreachStepForm
from audits.services import breaches as service
from lib.errors import DomainError


@login_required
def breach_list(request):
    if not may_see_breaches(request.user):
        raise Http404
    today = timezone.localdate()
    rows = [(b, breach_deadlines.deadlines(b), breach_deadlines.overdue(b, today))
            for b in breaches_visible_to(request.user)]
    record_access(action=Action.BREACH_VIEW, user=request.user, request=request, object_type="breach",
                  data_elements={"list": True})
    return render(request, "audits/breach_list.html", {
        "rows": rows, "today": today, "may_act": service.may_act_on_breaches(request.user)})


@login_required
def breach_new(request):
    if not service.may_act_on_breaches(request.user):
        raise Http404
    form = BreachReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breach = service.breach_report(by=request.user, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Breach #{breach.pk} reported; notification deadlines run from "
                                      f"{breach.discovered_on}.")
            return redirect("audits:breach_detail", pk=breach.pk)
    return render(request, "audits/breach_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def breach_detail(request, pk: int):
    breach = breach_for_user(user=request.user, pk=pk)
    record_access(action=Action.BREACH_VIEW, user=request.user, request=request, object_type="breach",
                  object_id=breach.pk)
    today = timezone.localdate()
    may_act = service.may_act_on_breaches(request.user)
    return render(request, "audits/breach_detail.html", {
        "breach": breach, "deadlines": breach_deadlines.deadlines(breach), "today": today,
        "overdue": breach_deadlines.overdue(breach, today), "may_act": may_act,
        "steps": {t.name for t in service.WORKFLOW.available(breach.status)} if may_act else set(),
        "ag_required": breach_deadlines.attorney_general_required(breach),
        "history": breach.history.select_related("by")})


@login_required
@require_POST
def breach_step(request, pk: int):
    breach = breach_for_user(user=request.user, pk=pk)
    if not service.may_act_on_breaches(request.user):
        raise Http404
    form = BreachStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not recorded: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("audits:breach_detail", pk=pk)
    data, by = form.cleaned_data, request.user
    step = data["step"]
    try:
        if step == "contain":
            service.breach_contain(breach=breach, by=by, containment=data["text"], request=request)
        elif step == "begin_notification":
            service.breach_begin_notification(breach=breach, by=by, request=request,
                                              california_residents_affected=data["california_residents_affected"])
        elif step in ("notify_people", "notify_attorney_general"):
            service.breach_record_notice(breach=breach, by=by, recipient=step.removeprefix("notify_"),
                                         given_on=data["given_on"], method=data["method"], request=request)
        elif step == "no_notice_due":
            service.breach_no_notice_due(breach=breach, by=by, reason=data["text"], request=request)
        elif step == "notifications_complete":
            service.breach_notifications_complete(breach=breach, by=by, request=request)
        else:
            service.breach_close(breach=breach, by=by, actions_taken=data["text"], request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Recorded.")
    return redirect("audits:breach_detail", pk=pk)
