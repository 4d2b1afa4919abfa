"""Thin views: forms in, services and selectors do the work, every access is logged."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from accounts.middleware import background_poll
from alpr import colour, evidence, map_data
from alpr.criteria import Criteria, build_criteria
from alpr.forms import TRANSITION_FORMS, ReadAccessForm, SearchForm, StopReportForm
from alpr.images import image_claim
from alpr.models import Camera, Hit, Search
from alpr.prohibited import screen, screening_record
from alpr.selectors.hits import covert_hits_for, hit_for_user, hits_visible_to, live_alerts
from alpr.selectors.reads import read_for_user, read_in_search, reads_for_query
from alpr.selectors.searches import search_for_user
from alpr.services import hits as hit_service
from alpr.services.search import SearchRefused, search_run
from lib import csvsafe
from lib.errors import DomainError

RESULTS_PER_PAGE = 50
MAP_POINTS = 500
EXPORT_LIMIT = 10_000


def _require_role(user, *allowed):
    # Outside their role, pages do not exist (404), the same as an object that is not theirs.
    if not user.has_role(*allowed):
        raise Http404


# --- Live alerts (HT-1, HT-4) ----------------------------------------------------------------

@login_required
def index(request):
    return redirect("alpr:alerts" if request.user.has_role(*roles.ALERT_ROLES) else "alpr:search")


@login_required
def alerts(request):
    _require_role(request.user, *roles.ALERT_ROLES, roles.INVESTIGATOR)
    return render(request, "alpr/alerts.html", _alerts_context(request))


@background_poll
@login_required
def alerts_feed(request):
    """Polled by the alerts page (htmx) every few seconds."""
    _require_role(request.user, *roles.ALERT_ROLES, roles.INVESTIGATOR)
    return render(request, "alpr/_alerts_feed.html", _alerts_context(request))


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
        "hit": hit, "read": hit.read, "entry": hit.entry, "steps": steps,
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


# --- Investigative search (Q-1..Q-6) ----------------------------------------------------------

@login_required
def search(request):
    _require_role(request.user, *roles.SEARCH_ROLES)
    form = SearchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            criteria = build_criteria(
                captured_from=data["captured_from"], captured_to=data["captured_to"], plate=data["plate"],
                camera_ids=[c.pk for c in data["cameras"]], bbox=data["bbox"], vehicle_color=data["vehicle_color"],
                vehicle_make=data["vehicle_make"], vehicle_type=data["vehicle_type"],
            )
            result = search_run(user=request.user, purpose=data["purpose"], case_number=data["case_number"],
                                justification=data["justification"], attested=data["attest"], criteria=criteria,
                                offence_category=data["offence_category"], request=request)
        except SearchRefused as exc:
            form.add_error(None, f"Search refused: {exc.message}")
            if exc.search.flagged_for_audit:
                form.add_error(None, "This attempt has been recorded and flagged for the auditors.")
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if result.flagged_for_audit:
                messages.warning(request, "This search ran and has been flagged for the auditors: "
                                 + result.flag_reason)
            return redirect("alpr:search_results", pk=result.pk)
    recent = Search.objects.filter(user=request.user).order_by("-created_at")[:10]
    return render(request, "alpr/search.html", {
        "form": form, "recent": recent, "colour_names": colour.SEARCH_NAMES,
        "camera_points": map_data.camera_points(form.fields["cameras"].queryset)},  # issue 21 §1
        status=400 if form.errors else 200)


@login_required
def search_results(request, pk: int):
    _require_role(request.user, *roles.SEARCH_ROLES)
    search_obj = search_for_user(user=request.user, pk=pk)
    if search_obj.status != Search.Status.RUN:
        raise Http404
    criteria = Criteria.from_json(search_obj.criteria)
    reads = reads_for_query(user=request.user, criteria=criteria).select_related("camera")
    page = Paginator(reads, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    record_access(action=Action.SEARCH_RESULTS, user=request.user, request=request, object_type="search",
                  object_id=search_obj.pk, data_elements={"page": page.number, "reads": [r.pk for r in page]},
                  purpose=search_obj.purpose, case_number=search_obj.case_number)
    points = [
        {"id": r.pk, "lat": r.position[0], "lon": r.position[1], "plate": r.plate,
         "at": timezone.localtime(r.captured_at).strftime("%Y-%m-%d %H:%M"), "camera": r.camera.name,
         "url": reverse("alpr:read_detail", args=[r.pk]) + f"?search={search_obj.pk}"}
        for r in page if r.position
    ][:MAP_POINTS]
    return render(request, "alpr/search_results.html",
                  {"search": search_obj, "page": page, "points": points, "criteria": criteria,
                   # Issue 21 §1: the cameras, named, so the map is never blank (even with no results).
                   "camera_points": map_data.camera_points(Camera.objects.filter(agency_id=request.user.agency_id))})


def _search_for_export(request, pk: int):
    """The checks every export of a search's results passes: a searching role, the
    member's own search (404 otherwise), one that ran; then its reads, re-selected
    through the same selector as the results page (retention, agency, covert rules)."""
    _require_role(request.user, *roles.SEARCH_ROLES)
    search_obj = search_for_user(user=request.user, pk=pk)
    if search_obj.status != Search.Status.RUN:
        raise Http404
    criteria = Criteria.from_json(search_obj.criteria)
    reads = list(reads_for_query(user=request.user, criteria=criteria)
                 .select_related("camera", "agency")[:EXPORT_LIMIT])
    return search_obj, reads


def _record_export(request, search_obj, data_elements: dict) -> None:
    record_access(action=Action.SEARCH_EXPORT, user=request.user, request=request, object_type="search",
                  object_id=search_obj.pk, data_elements=data_elements, purpose=search_obj.purpose,
                  case_number=search_obj.case_number)


@login_required
def search_export(request, pk: int):
    """CSV of a search's results; an export is an access of its own (logged)."""
    search_obj, reads = _search_for_export(request, pk)
    _record_export(request, search_obj, {"rows": len(reads)})
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="search-{search_obj.pk}.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(["read_id", "plate", "state", "captured_at", "camera", "latitude", "longitude", "confidence",
                     "vehicle_color", "vehicle_make", "vehicle_type"])
    for r in reads:
        writer.writerow([r.pk, r.plate, r.state, timezone.localtime(r.captured_at).isoformat(), r.camera.name,
                         r.latitude, r.longitude, r.confidence, r.vehicle_color, r.vehicle_make, r.vehicle_type])
    return response


@login_required
def search_package(request, pk: int):
    """The search's results as an evidence package (issue 22): CSV, reads.json with its
    schema, a PDF summary with each read's images for court, the images and a manifest of
    SHA-256. The same checks and the same access-log entry as the CSV export."""
    search_obj, reads = _search_for_export(request, pk)
    if len(reads) > settings.ALPR_EVIDENCE_PACKAGE_MAX_READS:
        messages.error(request, f"An evidence package holds at most {settings.ALPR_EVIDENCE_PACKAGE_MAX_READS} reads "
                                f"with their images; this search found {len(reads)}. Narrow the search, or export "
                                "the CSV.")
        return redirect("alpr:search_results", pk=search_obj.pk)
    package = evidence.build(
        reads=reads, prepared_by=request.user, title=f"ALPR search {search_obj.pk}: results",
        details=[("Purpose", search_obj.get_purpose_display()), ("Case number", search_obj.case_number),
                 ("Searched by", request.user.display_name),
                 ("Searched at", f"{timezone.localtime(search_obj.created_at):%Y-%m-%d %H:%M %Z}")],
        manifest={"search": search_obj.pk, "purpose": search_obj.purpose, "case_number": search_obj.case_number,
                  "criteria": search_obj.criteria},
    )
    _record_export(request, search_obj, {"rows": package.reads, "format": "evidence package",
                                         "images": package.images, "sha256": package.sha256})
    response = HttpResponse(package.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="search-{search_obj.pk}-evidence.zip"'
    return response


@login_required
def searches(request):
    """My searches; auditors see everyone's search records (never the reads)."""
    user = request.user
    _require_role(user, *roles.SEARCH_ROLES, roles.AUDITOR)
    qs = Search.objects.select_related("user")
    if not user.has_role(roles.AUDITOR):
        qs = qs.filter(user=user)
    else:
        qs = qs.filter(user__agency_id=user.agency_id)
        record_access(action=Action.SEARCH_RECORDS_VIEW, user=user, request=request, object_type="search")
    if request.GET.get("flagged"):
        qs = qs.filter(flagged_for_audit=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "alpr/searches.html", {"page": page, "auditor_view": user.has_role(roles.AUDITOR)})


# --- Reads (RD-3, Q-5) ------------------------------------------------------------------------

@login_required
def read_detail(request, pk: int):
    """A read is opened from a search's results (logged with that search's purpose and
    case number) or directly with a stated case number or reason (Q-5)."""
    user = request.user
    _require_role(user, *roles.SEARCH_ROLES, *roles.ALERT_ROLES)
    search_id = request.GET.get("search")
    if search_id:
        if not search_id.isdigit():
            raise Http404
        search_obj = search_for_user(user=user, pk=int(search_id))
        read = read_in_search(user=user, search=search_obj, read_id=pk)
        purpose, case_number, reason = search_obj.purpose, search_obj.case_number, ""
        flag_detail = ""
    else:
        read = read_for_user(user=user, pk=pk)
        form = ReadAccessForm(request.GET if ("case_number" in request.GET or "reason" in request.GET) else None)
        if not form.is_bound or not form.is_valid():
            return render(request, "alpr/read_access.html", {"form": form, "read_id": pk})
        search_obj, purpose = None, ""
        case_number, reason = form.cleaned_data["case_number"].strip(), form.cleaned_data["reason"].strip()
        # Q-6 (issue 19): the reason typed to open a read is screened like a search's.
        screening = screen(reason, fields={"case_number": case_number})
        screening_record(result=screening, where="read", text=reason, user=user, request=request,
                         object_type="read", object_id=read.pk, case_number=case_number)
        if screening.refused:
            form.add_error(None, f"Refused: {screening.message()} This attempt has been recorded.")
            return render(request, "alpr/read_access.html", {"form": form, "read_id": pk}, status=403)
        flag_detail = f"[flagged for audit] {screening.message()}" if screening.flagged else ""
    record_access(action=Action.READ_VIEW, user=user, request=request, object_type="read", object_id=read.pk,
                  data_elements={"plate": read.plate, "search": search_obj.pk if search_obj else None},
                  purpose=purpose or reason, case_number=case_number, detail=flag_detail)
    visible_hits = hits_visible_to(user).filter(read=read).select_related("entry__hotlist")
    return render(request, "alpr/read_detail.html", {"read": read, "search": search_obj, "hits": visible_hits})


@login_required
def read_image(request, token: str):
    claim = image_claim(token, user=request.user)
    if claim is None:
        raise Http404
    read_id, kind = claim
    # The signature proves a permitted page minted the link for this member; the read's
    # own access rule is still applied (a role or covert visibility may have changed since).
    read = read_for_user(user=request.user, pk=read_id)
    if not getattr(read, kind):
        raise Http404
    content_type = mimetypes.guess_type(getattr(read, kind).name)[0] or "application/octet-stream"
    response = FileResponse(getattr(read, kind).open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=900"
    return response
