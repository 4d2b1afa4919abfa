"""Investigative search pages (Q-1..Q-6): the search form, results, CSV export and
evidence package, the search records. Thin views: forms in, services and selectors do
the work, every access is logged."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from alpr import colour, evidence, map_data
from alpr.criteria import Criteria, build_criteria
from alpr.forms import SearchForm
from alpr.models import Camera, Search
from alpr.selectors.reads import reads_for_query
from alpr.selectors.searches import search_for_user
from alpr.services.search import SearchRefused, search_run
from alpr.views import require_role
from lib import csvsafe
from lib.errors import DomainError

RESULTS_PER_PAGE = 50
MAP_POINTS = 500
EXPORT_LIMIT = 10_000


# --- Investigative search (Q-1..Q-6) ----------------------------------------------------------

@login_required
def search(request):
    require_role(request.user, *roles.SEARCH_ROLES)
    form = SearchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            criteria = build_criteria(
                captured_from=data["captured_from"], captured_to=data["captured_to"], plate=data["plate"],
                camera_ids=[c.pk for c in data["cameras"]], bbox=data["bbox"], polygon=data["polygon"],
                vehicle_color=data["vehicle_color"],
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
    require_role(request.user, *roles.SEARCH_ROLES)
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
    require_role(request.user, *roles.SEARCH_ROLES)
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
    require_role(user, *roles.SEARCH_ROLES, roles.AUDITOR)
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
