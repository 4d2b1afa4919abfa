"""AU-6: the O.M.C. 9.64 sections of the annual report that the ALPR Coordinator enters
(race or the PAC's waiver, fiscal costs, effectiveness, public-records requests, narrative).

    draft --edit--> draft
    draft --finalise (no required section empty, audits.report_sections.missing_sections)--> finalised
    finalised --reopen (with a reason)--> draft

A year's contents start pre-filled with the figures the system counts
(audits.report_sections.system_counts). Only the Coordinator writes them (ID-2: the
Coordinator is responsible for the annual report; AU-4).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from accesslog import workflow
from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from audits.models import AnnualReportContents
from audits.report_sections import missing_sections, system_counts
from lib.errors import DomainError, NotPermitted
from lib.workflow import StateMachine, transition

logger = logging.getLogger(__name__)
S = AnnualReportContents.Status

WORKFLOW = StateMachine("annual report contents", S.values, [
    transition("finalise", [S.DRAFT], S.FINALISED, "Finalise for publication"),
    transition("reopen", [S.FINALISED], S.DRAFT, "Reopen for correction"),
])
EDITABLE = ["race_analysis", "race_waiver_granted_on", "race_waiver_findings", "cost_initial_purchase",
            "cost_personnel", "cost_ongoing", "funding_sources", "hits", "recoveries", "arrests", "cases_assisted",
            "effectiveness_notes", "public_records_requests", "public_records_notes", "narrative"]


def _require_coordinator(user):
    if user is None or not user.has_role(roles.COORDINATOR):
        raise NotPermitted("The ALPR Coordinator enters the annual report's sections (AU-4, AU-6).")


def _year(year: int) -> int:
    if not 2000 <= year <= timezone.localdate().year:
        raise DomainError("Choose a year up to the current one.")
    return year


def contents_start(*, by, year: int, request=None) -> AnnualReportContents:
    """The year's contents, created on first use with the system's counts filled in."""
    _require_coordinator(by)
    year = _year(year)
    with transaction.atomic():
        existing = AnnualReportContents.objects.select_for_update().filter(year=year).first()
        if existing is not None:
            return existing
        counts = system_counts(year)
        contents = AnnualReportContents.objects.create(year=year, updated_by=by, **counts)
        workflow.start(contents, "start", by=by, details={"prefilled": counts})
        record_access(action=Action.ANNUAL_REPORT_CONTENTS_EDIT, user=by, request=request,
                      object_type="annual_report_contents", object_id=contents.pk,
                      data_elements={"year": year, "step": "start"})
    return contents


def version_of(contents: AnnualReportContents) -> str:
    return contents.updated_at.isoformat()


def contents_save(*, by, contents: AnnualReportContents, data: dict, version: str,
                  request=None) -> AnnualReportContents:
    """Save the Coordinator's entries (a form's cleaned data; unknown keys refused).
    `version` is the stored row's version the form was opened on: two people editing the
    same year (or a form posted empty or half-loaded) would otherwise overwrite each
    other's sections without a word."""
    _require_coordinator(by)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise DomainError(f"Unknown section fields: {', '.join(sorted(unknown))}.")
    waiver_on = data.get("race_waiver_granted_on", contents.race_waiver_granted_on)
    if waiver_on is not None and waiver_on > timezone.localdate():
        raise DomainError("The PAC's waiver cannot be dated in the future.")
    with transaction.atomic():
        locked = AnnualReportContents.objects.select_for_update().get(pk=contents.pk)
        if locked.status == S.FINALISED:
            raise DomainError("The sections are finalised; reopen them (with a reason) to change them.")
        if version != version_of(locked):
            raise DomainError("The sections were changed since this form was opened (or the form was incomplete); "
                              "nothing was saved. Reload the page and enter the changes again.")
        changed = sorted(k for k, v in data.items() if getattr(locked, k) != v)
        for key, value in data.items():
            setattr(locked, key, value)
        locked.updated_by, locked.updated_at = by, timezone.now()
        locked.full_clean()
        locked.save()
        if changed:
            workflow.remark(locked, "edit", by=by, details={"changed": changed})
        record_access(action=Action.ANNUAL_REPORT_CONTENTS_EDIT, user=by, request=request,
                      object_type="annual_report_contents", object_id=locked.pk,
                      data_elements={"year": locked.year, "changed": changed})
    return locked


def contents_finalise(*, by, contents: AnnualReportContents, request=None) -> AnnualReportContents:
    """Refused while a required section is empty; the race section alone may be met by the
    PAC's written waiver (O.M.C. 9.64.010, quoted in 002)."""
    _require_coordinator(by)
    contents.refresh_from_db()
    missing = missing_sections(contents)
    if missing:
        raise DomainError("Cannot finalise: required sections are empty: " + "; ".join(missing) + ".")
    contents.finalised_by = by
    workflow.apply(contents, "finalise", machine=WORKFLOW, by=by, stamp="finalised_at", update_fields=["finalised_by"],
                   action=Action.ANNUAL_REPORT_CONTENTS_FINALISE, request=request,
                   object_type="annual_report_contents", data_elements={"year": contents.year})
    return contents


def contents_reopen(*, by, contents: AnnualReportContents, reason: str, request=None) -> AnnualReportContents:
    _require_coordinator(by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the finalised sections are reopened.")
    contents.finalised_by, contents.finalised_at = None, None
    workflow.apply(contents, "reopen", machine=WORKFLOW, by=by, note=reason[:2000],
                   update_fields=["finalised_by", "finalised_at"], action=Action.ANNUAL_REPORT_CONTENTS_REOPEN,
                   request=request, object_type="annual_report_contents", data_elements={"year": contents.year})
    return contents

