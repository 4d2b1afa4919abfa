"""Live alerts (HT-1, HT-4) and the hit pages (HT-2, HT-3). Thin views: forms in,
services and selectors do the work, every access is logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import parse_etags
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from accounts.middleware import background_poll
from alpr.forms import TRANSITION_FORMS, StopReportForm
from alpr.models import Hit
from alpr.selectors.hits import alerts_feed_version, covert_hits_for, hit_for_user, live_alerts, served_read
from alpr.services import hits as hit_service
from alpr.views import require_role
from lib.errors import DomainError

# --- Live alerts (HT-1, HT-4) ----------------------------------------------------------------

@login_required
def index(request):
    return redirect("alpr:alerts" if request.user.has_role(*roles.ALERT_ROLES) else "alpr:search")


@login_required
def alerts(request):
    require_role(request.user, *roles.ALERT_ROLES, roles.INVESTIGATOR)
    return render(request, "alpr/alerts.html", _alerts_context(request))


@background_poll
@login_required
def alerts_feed(request):
    """Polled by the alerts page (htmx) every 3 s. Issue 23 item 2: the answer carries an
    ETag (a fingerprint of what it shows); a poll that sends it back (static/js/alerts.js)
    and finds nothing new gets 304 with no body and no rendering. The response is still
    never stored by the browser (NoStoreMiddleware, ID-6): the page keeps the tag itself."""
    require_role(request.user, *roles.ALERT_ROLES, roles.INVESTIGATOR)
    etag = alerts_feed_version(user=request.user)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = render(request, "alpr/_alerts_feed.html", _alerts_context(request))
    response["ETag"] = etag
    return response


def _alerts_context(request):
    user = request.user
    alerts = list(live_alerts(user=user))
    covert = list(covert_hits_for(user=user)) if user.has_role(roles.INVESTIGATOR, roles.ADMINISTRATOR) \
        else []
    newest = max((h.pk for h in alerts), default=0)
    return {"alerts": alerts, "covert": covert, "newest": newest}


# --- Hits (HT-2, HT-3) ---------------------------------------------------------------------

@login_required
def hit_detail(request, pk: int):
    hit = hit_for_user(user=request.user, pk=pk)
    record_access(action=Action.HIT_VIEW, user=request.user, request=request, object_type="hit", object_id=hit.pk,
                  data_elements={"plate": hit.plate}, case_number=hit.entry.case_number)
    return render(request, "alpr/hit_detail.html", _hit_context(request, hit))


def _hit_context(request, hit, forms=None, stop_form=None):
    forms = forms or {}
    steps = []
    for t in hit_service.available_transitions(hit):
        form_class = TRANSITION_FORMS[t.name]
        steps.append((t, forms.get(t.name) or form_class(prefix=t.name)))
    can_document = hit.status in (Hit.Status.VALIDATED, Hit.Status.CONFIRMED) and not hasattr(hit, "stop_report")
    if can_document and stop_form is None:
        stop_form = StopReportForm(initial={"responded_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                                            "case_number": hit.entry.case_number})
    return {
        "hit": hit, "read": served_read(hit), "entry": hit.entry, "steps": steps,
        "history": hit.history.select_related("by").all(),
        "stop_form": stop_form if can_document else None,
        "stop_report": getattr(hit, "stop_report", None),
    }


@login_required
@require_POST
def hit_transition(request, pk: int, name: str):
    hit = hit_for_user(user=request.user, pk=pk)
    form_class = TRANSITION_FORMS.get(name)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, prefix=name)
    if form.is_valid():
        data = form.cleaned_data
        try:
            hit_service.hit_transition(
                hit=hit, name=name, by=request.user, note=data.get("note", ""),
                reject_reason=data.get("reject_reason", ""),
                checks={k: data.get(k) for k in hit_service.VERIFY_CHECKS},
                clets_reference=data.get("clets_reference", ""), confirmed_by=data.get("confirmed_by", ""),
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Recorded.")
            return redirect("alpr:hit_detail", pk=hit.pk)
    hit.refresh_from_db()
    return render(request, "alpr/hit_detail.html", _hit_context(request, hit, forms={name: form}), status=400)


@login_required
@require_POST
def hit_stop(request, pk: int):
    hit = hit_for_user(user=request.user, pk=pk)
    form = StopReportForm(request.POST)
    if form.is_valid():
        try:
            hit_service.stop_report_create(hit=hit, by=request.user, responding_member=request.user,
                                           request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Stop documented.")
            return redirect("alpr:hit_detail", pk=hit.pk)
    return render(request, "alpr/hit_detail.html", _hit_context(request, hit, stop_form=form), status=400)
