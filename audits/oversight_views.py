"""Issue 20 pages of the sampling audits: re-deriving an audit's sample against the
population stored when it opened (AU-2), and the data-error export the ALPR Administrator
sends to NCRIC (003 §418.6). Thin: reads in audits.reproduce and audits.corrections_export;
every look is logged (AU-1)."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accesslog.actions import Action
from accesslog.services import record_access
from audits.corrections_export import corrections_csv, data_error_corrections, may_export_corrections
from audits.reproduce import audit_rederive
from audits.selectors import audit_for_user

logger = logging.getLogger("alpr.access")


@login_required
@require_GET
def rederive(request, pk: int):
    audit = audit_for_user(user=request.user, pk=pk)
    result = audit_rederive(audit)
    record_access(action=Action.AUDIT_REDERIVE, user=request.user, request=request, object_type="audit",
                  object_id=audit.pk, detail="matches" if result.ok else "MISMATCH",
                  data_elements={"mismatched": [c.population for c in result.checks if not c.ok] + result.missing})
    if not result.ok:
        logger.warning("audit %s: re-derived sample does not match its stored population", audit.pk)
    return render(request, "audits/audit_rederive.html", {"audit": audit, "result": result})


@login_required
@require_GET
def corrections_for_regional_centre(request):
    if not may_export_corrections(request.user):
        raise Http404
    status = request.GET.get("status", "")
    corrections = list(data_error_corrections(status=status))
    record_access(action=Action.AUDIT_CORRECTIONS_EXPORT, user=request.user, request=request,
                  object_type="data_correction", data_elements={"status": status or "all",
                                                                "corrections": [c.pk for c in corrections][:500]})
    response = HttpResponse(corrections_csv(corrections), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="data-errors-for-ncric-{timezone.localdate()}.csv"'
    return response
