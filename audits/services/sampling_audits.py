"""Sampling audits (AU-2, AU-3): open, review, correct, finalise. The access log itself
is written through accesslog.services.record_access (issue 17)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accesslog import workflow
from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from audits import sampling
from audits.models import Audit, AuditItem, DataCorrection
from lib.errors import DomainError, NotPermitted
from lib.workflow import StateMachine, transition

logger = logging.getLogger("alpr.access")


# --- Sampling audits (AU-2, AU-3) ----------------------------------------------------------
#
#     open --review items (each: compliant / non-compliant / data error)--> open
#     open --finalise (every item reviewed; memo rendered and filed)--> finalised (immutable)

AUDIT_WORKFLOW = StateMachine("audit", Audit.Status.values, [
    transition("review", [Audit.Status.OPEN], Audit.Status.OPEN, "Review an item"),
    transition("finalise", [Audit.Status.OPEN], Audit.Status.FINALISED, "Finalise and file the memo"),
])


def _require_auditor(user):
    # Auditors run audits; nobody audits their own use through this (they hold no data roles).
    if user is None or not user.has_role(roles.AUDITOR):
        raise NotPermitted("Only an auditor may do this.")


def audit_open(*, user, title: str, period_start, period_end, populations, confidence=0.95, margin=0.05,
               seed: int | None = None, request=None):
    """Open an audit: compute and store each population's size and sample size, draw the
    sample with a recorded seed, and snapshot each sampled item for review."""


    from audits.populations import SPECS, training_review

    _require_auditor(user)
    if period_end < period_start:
        raise DomainError("The period ends before it starts.")
    chosen = [Audit.Population.SEARCHES] + [p for p in populations if p != Audit.Population.SEARCHES]
    unknown = [p for p in chosen if p not in SPECS]
    if unknown:
        raise DomainError(f"Unknown population: {', '.join(map(str, unknown))}.")
    confidence, margin = float(confidence), float(margin)
    if not (0.5 <= confidence < 1 and 0 < margin <= 0.25):
        raise DomainError("Confidence must be from 50% to 99.9% and the margin from 0.1% to 25%.")
    seed = int(seed) if seed not in (None, "") else secrets.randbelow(2**53)
    with transaction.atomic():
        audit = Audit(title=title.strip()[:200] or f"Audit {period_start} to {period_end}",
                      period_start=period_start, period_end=period_end, populations=[str(p) for p in chosen],
                      confidence=Decimal(str(confidence)), margin=Decimal(str(margin)), seed=seed, opened_by=user)
        sampling_record = {}
        items = []
        for index, key in enumerate(chosen):
            spec = SPECS[key]
            ids = spec.ids(period_start, period_end)
            size = sampling.sample_size(len(ids), confidence=confidence, margin=margin,
                                        minimum=spec.minimum(period_start, period_end))
            # One seed per audit; each population draws with seed + its index, so adding an
            # optional population never changes the searches' sample.
            drawn = sampling.draw(ids, size.sample, seed + index)
            sampling_record[str(key)] = {**size.as_dict(), "arithmetic": size.arithmetic(), "seed": seed + index,
                                         "ids": drawn}
            items += [AuditItem(population=key, position=pos, object_type=spec.object_type, object_id=str(pk),
                                snapshot=spec.snapshot(pk)) for pos, pk in enumerate(drawn, start=1)]
        audit.sampling = sampling_record
        audit.training_review = training_review(period_start, period_end)
        audit.save()
        for item in items:
            item.audit = audit
        AuditItem.objects.bulk_create(items)
        workflow.start(audit, "open", by=user, note=f"Seed {seed}; samples: " + ", ".join(
            f"{k} {v['sample']} of {v['population']}" for k, v in sampling_record.items()))
        record_access(action=Action.AUDIT_OPEN, user=user, request=request, object_type="audit", object_id=audit.pk,
                      data_elements={"period": [str(period_start), str(period_end)], "populations": audit.populations})
    return audit


CHECKLIST = ("purpose_permitted", "case_number_plausible", "suspicion_attested", "results_consistent",
             "prohibited_indicators", "data_errors")


def audit_item_review(*, user, item, finding: str, checklist: dict, notes: str = "",
                      correction_description: str = "", correction_owner=None, request=None):
    """Record the review of one sampled item. A data error goes on the correction list with
    an owner; a non-compliant finding needs notes saying why."""


    _require_auditor(user)
    AUDIT_WORKFLOW.check(item.audit.status, "review")
    F = AuditItem.Finding
    if finding not in (F.COMPLIANT, F.NON_COMPLIANT, F.DATA_ERROR):
        raise DomainError("Choose a finding: compliant, non-compliant or data error.")
    if finding == F.NON_COMPLIANT and not notes.strip():
        raise DomainError("Say in the notes why the item is non-compliant.")
    if finding == F.DATA_ERROR and not (correction_description.strip() and correction_owner is not None):
        raise DomainError("A data error goes on the correction list: describe it and name who corrects it.")
    with transaction.atomic():
        item = AuditItem.objects.select_for_update().select_related("audit").get(pk=item.pk)
        if item.audit.status != Audit.Status.OPEN:
            raise DomainError("This audit is finalised; its reviews cannot change.")
        for key in CHECKLIST:
            value = checklist.get(key)
            setattr(item, key, None if value is None else bool(value))
        item.finding, item.notes = finding, notes.strip()
        item.reviewed_by, item.reviewed_at = user, timezone.now()
        item.save()
        if finding == F.DATA_ERROR:
            DataCorrection.objects.create(item=item, description=correction_description.strip(),
                                          owner=correction_owner)
        record_access(action=Action.AUDIT_ITEM_REVIEW, user=user, request=request, object_type="audit_item",
                      object_id=item.pk, data_elements={"audit": item.audit_id, "finding": finding})
    return item


def correction_close(*, user, correction, note: str, request=None):
    """The owner (or the Coordinator) marks a data error corrected; the list outlives the audit."""


    if correction.owner_id != user.pk and not user.has_role(roles.COORDINATOR):
        raise NotPermitted("Only the owner of the correction or the ALPR Coordinator may close it.")
    if correction.status != DataCorrection.Status.OPEN:
        raise DomainError("This correction is already closed.")
    if not note.strip():
        raise DomainError("Say what was corrected.")
    correction.status, correction.corrected_at, correction.correction_note = (
        DataCorrection.Status.CORRECTED, timezone.now(), note.strip())
    correction.save()
    record_access(action=Action.AUDIT_CORRECTION_CLOSE, user=user, request=request, object_type="data_correction",
                  object_id=correction.pk)
    return correction


def audit_finalise(*, user, audit, recommendations: str = "", request=None):
    """File the audit: every item reviewed, the training review recomputed, the memo to the
    Chief rendered (HTML and PDF) and stored with its SHA-256; the audit is then immutable."""


    from audits import memo
    from audits.populations import training_review

    _require_auditor(user)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        AUDIT_WORKFLOW.check(audit.status, "finalise")  # refused before the memo is rendered
        pending = audit.items.filter(finding=AuditItem.Finding.PENDING).count()
        if pending:
            raise DomainError(f"{pending} sampled item(s) are not reviewed yet.")
        if not audit.items.exists():  # issue 21 §9: a memo over nothing reviewed says nothing
            raise DomainError("This audit sampled nothing to review: open one over a period with activity.")
        audit.recommendations = recommendations.strip()
        audit.training_review = training_review(audit.period_start, audit.period_end)
        audit.finalised_by, audit.finalised_at = user, timezone.now()
        figures = memo.memo_figures(audit)
        audit.memo_html = memo.render_memo_html(audit, figures)
        audit.memo_pdf = memo.render_memo_pdf(audit, figures)
        audit.memo_sha256 = hashlib.sha256(audit.memo_pdf).hexdigest()
        workflow.apply(audit, "finalise", machine=AUDIT_WORKFLOW, by=user, note=f"Memo SHA-256 {audit.memo_sha256}",
                       action=Action.AUDIT_FINALISE, request=request, object_type="audit")
    return audit
