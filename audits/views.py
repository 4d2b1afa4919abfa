"""Oversight pages: the access log (AU-1), sampling audits and their memos (AU-2, AU-3),
the correction list. Thin: selectors read, services write."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.configuration import environment_check
from accesslog.models import ConfigurationChange
from accesslog.services import access_log_verify, record_access
from accounts import roles
from accounts.mfa import reauthentication_response
from audits import redaction
from audits.forms import AuditOpenForm, ItemReviewForm
from audits.models import Audit, AuditItem
from audits.scheduling import schedule_statuses
from audits.selectors import (
    access_events_search,
    audit_for_user,
    audits_visible_to,
    configuration_changes,
    corrections_visible_to,
    last_verification,
    may_see_audits,
    may_see_configuration_history,
)
from audits.services import sampling_audits
from lib import csvsafe
from lib.errors import DomainError

LOG_FILTERS = ("username", "agency", "action", "case_number", "data_element", "purpose")


def _day_start(value):
    day = parse_date(value or "")
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


def _may_read_log(user) -> bool:
    return user.has_role(roles.AUDITOR, roles.COORDINATOR, roles.ADMINISTRATOR)


def _log_query(request):
    filters = {key: request.GET.get(key, "").strip()[:100] for key in LOG_FILTERS}
    events = access_events_search(**filters, since=_day_start(request.GET.get("since")),
                                  until=_day_start(request.GET.get("until")))
    # HT-4 (issue 18): covert entries are neither found by their plate or case number nor
    # shown with them (see redaction.redact), except to the administrator and the
    # responsible investigator. Unfiltered, they are listed, redacted.
    if filters["case_number"] or filters["data_element"]:
        events = redaction.exclude_covert(events, request.user)
    return filters, events


@login_required
def index(request):
    """Access log search for auditors (AU-1); looking at the log is itself logged."""
    if not _may_read_log(request.user):
        raise Http404
    filters, events = _log_query(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = redaction.redact(page.object_list, request.user)
    record_access(
        action=Action.ACCESS_LOG_VIEW, user=request.user, request=request, object_type="access_log",
        data_elements={k: v for k, v in filters.items() if v},
    )
    return render(request, "audits/index.html", {
        "page": page, "filters": filters, "request_get": request.GET, "verification": last_verification(),
        "may_audit": may_see_audits(request.user),
    })


class _Echo:
    def write(self, value):
        return value


@login_required
def access_log_export(request):
    """The filtered log as CSV (AU-1); the export is itself an entry in the log."""
    if not _may_read_log(request.user):
        raise Http404
    filters, events = _log_query(request)
    record_access(action=Action.ACCESS_LOG_EXPORT, user=request.user, request=request, object_type="access_log",
                  data_elements={k: v for k, v in filters.items() if v})
    writer = csvsafe.writer(_Echo())

    def rows():
        yield writer.writerow(["sequence", "occurred_at", "username", "organization", "action", "object_type",
                               "object_id", "data_elements", "purpose", "case_number", "client_address", "outcome",
                               "detail", "entry_hash"])
        for e in redaction.redacted_iter(events.order_by("sequence"), request.user):
            yield writer.writerow([e.sequence, e.occurred_at.isoformat(), e.username, e.agency_name, e.action,
                                   e.object_type, e.object_id, e.data_elements, e.purpose, e.case_number,
                                   e.client_address or "", e.outcome, e.detail, e.entry_hash])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{timezone.localdate()}.csv"'
    return response


@login_required
@require_POST
def verify_now(request):
    """An auditor runs the chain verification on demand (the nightly task runs it too)."""
    if not request.user.has_role(roles.AUDITOR):
        raise Http404
    # Issue 23: from the last verified checkpoint, or the whole chain when asked.
    run = access_log_verify(triggered_by=f"user:{request.user.username}", full=request.POST.get("full") == "1")
    record_access(action=Action.ACCESS_LOG_VERIFY, user=request.user, request=request, object_type="access_log",
                  outcome="allowed", data_elements={"full": run.full},
                  detail=run.problem or f"intact, {run.entries_checked} entries")
    (messages.success if run.ok else messages.error)(
        request, f"Access log intact: {run.entries_checked} entries verified." if run.ok else run.problem)
    return redirect("audits:index")


@login_required
def configuration_history(request):
    """Issue 19 §6: every recorded configuration change, before and after, weakening ones
    marked. Looking is itself logged (AU-1)."""
    if not may_see_configuration_history(request.user):
        raise Http404
    # Whoever looks sees the record current, even where no start-up ran the check
    # (accesslog/configuration.py explains the other places it runs).
    environment_check()
    kind = request.GET.get("kind", "") if request.GET.get("kind", "") in ConfigurationChange.Kind.values else ""
    weakening_only = request.GET.get("weakens") == "1"
    changes = configuration_changes(kind=kind, weakening_only=weakening_only,
                                    since=_day_start(request.GET.get("since")),
                                    until=_day_start(request.GET.get("until")))
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    record_access(action=Action.CONFIGURATION_HISTORY_VIEW, user=request.user, request=request,
                  object_type="configuration_history",
                  data_elements={k: v for k, v in {"kind": kind, "weakens": weakening_only}.items() if v})
    return render(request, "audits/configuration_history.html", {
        "page": page, "kinds": ConfigurationChange.Kind.choices, "kind": kind, "weakening_only": weakening_only,
        "request_get": request.GET})


# --- Sampling audits ------------------------------------------------------------------------

def _require_audits(user):
    if not may_see_audits(user):
        raise Http404


@login_required
def audit_list(request):
    _require_audits(request.user)
    return render(request, "audits/audit_list.html", {
        "audits": audits_visible_to(request.user), "is_auditor": request.user.has_role(roles.AUDITOR),
        "verification": last_verification(),
        "open_corrections": corrections_visible_to(request.user).filter(status="open").count(),
        "schedules": schedule_statuses(),  # AU-5 (issue 20)
    })


@login_required
def audit_new(request):
    _require_audits(request.user)
    if not request.user.has_role(roles.AUDITOR):
        raise Http404
    form = AuditOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = sampling_audits.audit_open(
                user=request.user, title=data["title"], period_start=data["period_start"],
                period_end=data["period_end"], populations=data["populations"], confidence=data["confidence"],
                margin=data["margin"], seed=data["seed"], schedule=data["schedule"],
                shortfall_reason=data["shortfall_reason"], request=request)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Audit #{audit.pk} opened: {audit.items.count()} item(s) to review.")
            return redirect("audits:audit_detail", pk=audit.pk)
    return render(request, "audits/audit_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def audit_detail(request, pk: int):
    audit = audit_for_user(user=request.user, pk=pk)
    record_access(action=Action.AUDIT_VIEW, user=request.user, request=request, object_type="audit",
                  object_id=audit.pk)
    items = audit.items.select_related("reviewed_by").order_by("population", "position")
    population = request.GET.get("population", "")
    if population:
        items = items.filter(population=population)
    only = request.GET.get("pending")
    if only:
        items = items.filter(finding=AuditItem.Finding.PENDING)
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    can_review = request.user.has_role(roles.AUDITOR) and audit.status == Audit.Status.OPEN
    return render(request, "audits/audit_detail.html", {
        "audit": audit, "page": page, "can_review": can_review, "form": ItemReviewForm(),
        "pending": audit.items.filter(finding=AuditItem.Finding.PENDING).count(),
        "populations": [(k, dict(Audit.Population.choices).get(k, k), audit.sampling.get(k, {}))
                        for k in audit.populations],
        "history": audit.history.select_related("by"), "corrections": corrections_visible_to(request.user)
        .filter(item__audit=audit), "selected_population": population,
    })


@login_required
@require_POST
def item_review(request, pk: int, item_pk: int):
    audit = audit_for_user(user=request.user, pk=pk)
    item = get_object_or_404(AuditItem, pk=item_pk, audit=audit)
    form = ItemReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Review not saved: " + "; ".join(
            f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    else:
        try:
            item = sampling_audits.audit_item_review(
                user=request.user, item=item, finding=form.cleaned_data["finding"], checklist=form.checklist(),
                notes=form.cleaned_data["notes"], correction_description=form.cleaned_data["correction_description"],
                correction_owner=form.cleaned_data["correction_owner"], request=request)
        except DomainError as exc:
            messages.error(request, f"Item {item.position}: {exc.message}")
        else:
            messages.success(request, f"Item {item.position} reviewed: {item.get_finding_display()}.")
    # Back to the same page of the list; only a path inside this audit is accepted.
    back = request.POST.get("next", "")
    if back.startswith(reverse("audits:audit_detail", args=[pk])) and "//" not in back:
        return redirect(back)
    return redirect("audits:audit_detail", pk=pk)


@login_required
@require_POST
def audit_finalise(request, pk: int):
    audit = audit_for_user(user=request.user, pk=pk)
    if (refusal := reauthentication_response(request)) is not None:
        return refusal  # issue 8: a filed audit cannot be changed, so finalising needs a recent authentication
    try:
        sampling_audits.audit_finalise(
            user=request.user, audit=audit, recommendations=request.POST.get("recommendations", "")[:10000],
            community_safety=request.POST.get("community_safety", "")[:10000],
            retention_explanation=request.POST.get("retention_explanation", "")[:10000], request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Audit finalised; the memo is filed.")
    return redirect("audits:audit_detail", pk=pk)


@login_required
def audit_memo(request, pk: int, fmt: str):
    audit = audit_for_user(user=request.user, pk=pk)
    if audit.status != Audit.Status.FINALISED or fmt not in ("html", "pdf"):
        raise Http404
    record_access(action=Action.AUDIT_MEMO_DOWNLOAD, user=request.user, request=request, object_type="audit",
                  object_id=audit.pk, data_elements={"format": fmt})
    if fmt == "pdf":
        response = HttpResponse(bytes(audit.memo_pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="audit-{audit.pk}-memo.pdf"'
        return response
    return HttpResponse(audit.memo_html, content_type="text/html; charset=utf-8")


@login_required
def corrections(request):
    qs = corrections_visible_to(request.user)
    if not may_see_audits(request.user) and not qs.exists():
        raise Http404
    return render(request, "audits/corrections.html", {"corrections": qs, "user_is_coordinator":
                                                        request.user.has_role(roles.COORDINATOR)})


@login_required
@require_POST
def correction_close(request, pk: int):
    correction = corrections_visible_to(request.user).filter(pk=pk).first()
    if correction is None:
        raise Http404
    try:
        sampling_audits.correction_close(user=request.user, correction=correction,
                                         note=request.POST.get("note", "")[:2000], request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Correction recorded.")
    return redirect("audits:corrections")
