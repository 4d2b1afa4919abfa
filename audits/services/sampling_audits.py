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
from audits.models import Audit, AuditItem, AuditPopulation, DataCorrection
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


# AU-2 (issue 20): the populations every audit samples. Searches: the statistically
# significant sample over the period; detection views: the policy's "at least 10
# detection-browsing inquiries from the preceding six months" (001 §462.7).
ALWAYS_SAMPLED = (Audit.Population.SEARCHES, Audit.Population.DETECTION_VIEWS)


def audit_open(*, user, title: str, period_start, period_end, populations, confidence=0.95, margin=0.05,
               seed: int | None = None, schedule=None, shortfall_reason: str = "", request=None):
    """Open an audit: store each population (its ids and their SHA-256, so the sample can be
    re-derived and checked later: audits.reproduce), compute its sample size, draw the
    sample with a recorded seed, and snapshot each sampled item for review.

    Refused (AU-2, issue 20): a period ending after the last complete day (its population
    would still grow, so the sample could not be re-derived), and a detection-browsing
    population under the policy's 10 unless the auditor says why it is short (recorded on
    the audit and printed in the memo)."""
    from audits.periods import last_complete_day
    from audits.populations import SPECS, training_review
    from audits.reproduce import detection_window, population_digest

    _require_auditor(user)
    if period_end < period_start:
        raise DomainError("The period ends before it starts.")
    last_day = last_complete_day()
    if period_end > last_day:
        raise DomainError(f"The period must end on or before {last_day}, the last complete day: a period that "
                          "includes today samples a population that is still growing, so the sample could not be "
                          "re-derived later (AU-2).")
    extra = list(populations) + (list(schedule.populations) if schedule is not None else [])
    chosen = list(ALWAYS_SAMPLED) + [p for p in dict.fromkeys(extra) if p not in ALWAYS_SAMPLED]
    unknown = [p for p in chosen if p not in SPECS]
    if unknown:
        raise DomainError(f"Unknown population: {', '.join(map(str, unknown))}.")
    confidence, margin = float(confidence), float(margin)
    if not (0.5 <= confidence < 1 and 0 < margin <= 0.25):
        raise DomainError("Confidence must be from 50% to 99.9% and the margin from 0.1% to 25%.")
    seed = int(seed) if seed not in (None, "") else secrets.randbelow(2**53)
    shortfall_reason = (shortfall_reason or "").strip()[:2000]
    with transaction.atomic():
        audit = Audit(title=title.strip()[:200] or f"Audit {period_start} to {period_end}",
                      period_start=period_start, period_end=period_end, populations=[str(p) for p in chosen],
                      confidence=Decimal(str(confidence)), margin=Decimal(str(margin)), seed=seed, opened_by=user,
                      schedule=schedule)
        sampling_record, stored, items = {}, [], []
        for index, key in enumerate(chosen):
            spec = SPECS[key]
            window = (detection_window(period_start, period_end) if key == Audit.Population.DETECTION_VIEWS
                      else (period_start, period_end))
            ids = spec.ids(*window)
            minimum = spec.minimum(*window)
            size = sampling.sample_size(len(ids), confidence=confidence, margin=margin, minimum=minimum)
            # One seed per audit; each population draws with seed + its index, so adding an
            # optional population never changes the searches' sample.
            drawn = sampling.draw(ids, size.sample, seed + index)
            digest = population_digest(str(key), window[0], window[1], ids)
            record = {**size.as_dict(), "arithmetic": size.arithmetic(), "seed": seed + index, "ids": drawn,
                      "window": [window[0].isoformat(), window[1].isoformat()], "population_sha256": digest}
            if len(ids) < minimum and key != Audit.Population.SEARCHES:
                if key == Audit.Population.DETECTION_VIEWS and not shortfall_reason:
                    raise DomainError(
                        f"AU-2 needs at least {minimum} detection-browsing inquiries from the six months "
                        f"{window[0]} to {window[1]}; there are {len(ids)}. Choose a period with enough use, or say "
                        "why the population is short (the memo records the reason).")
                # San Leandro's 5 downloaded images a quarter (AU-3) and a short detection
                # population the auditor accepted: the whole population is reviewed, and
                # the shortfall is on the record.
                record["short"] = {"found": len(ids), "required": minimum,
                                   "reason": shortfall_reason or "Fewer in the period than the policy minimum."}
            sampling_record[str(key)] = record
            stored.append(AuditPopulation(population=key, window_start=window[0], window_end=window[1],
                                          ids=sorted(ids), size=len(ids), sha256=digest))
            items += [AuditItem(population=key, position=pos, object_type=spec.object_type, object_id=str(pk),
                                snapshot=spec.snapshot(pk)) for pos, pk in enumerate(drawn, start=1)]
        audit.sampling = sampling_record
        audit.training_review = training_review(period_start, period_end)
        audit.save()
        for row in stored + items:
            row.audit = audit
        AuditPopulation.objects.bulk_create(stored)
        AuditItem.objects.bulk_create(items)
        workflow.start(audit, "open", by=user, note=f"Seed {seed}; samples: " + ", ".join(
            f"{k} {v['sample']} of {v['population']}" for k, v in sampling_record.items()))
        record_access(action=Action.AUDIT_OPEN, user=user, request=request, object_type="audit", object_id=audit.pk,
                      data_elements={"period": [str(period_start), str(period_end)], "populations": audit.populations,
                                     "schedule": schedule.pk if schedule is not None else None})
        for key, record in sampling_record.items():
            if "short" in record:
                logger.warning("audit %s: population %s short (%s of %s)", audit.pk, key, record["short"]["found"],
                               record["short"]["required"])
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


def audit_finalise(*, user, audit, recommendations: str = "", community_safety: str = "",
                   retention_explanation: str = "", request=None):
    """File the audit: every item reviewed, the training review recomputed, the memo to the
    Chief rendered (HTML and PDF) and stored with its SHA-256; the audit is then immutable.

    AU-5 (issue 20): an audit for a schedule that asks for them needs the community-safety
    record (San Leandro 003 §418.6.1) and, when data is held past the schedule's limit,
    the explanation of it (Alameda 001 §5)."""


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
        audit.community_safety = (community_safety or "").strip()
        audit.retention_explanation = (retention_explanation or "").strip()
        schedule = audit.schedule
        if schedule is not None and schedule.record_community_safety and not audit.community_safety:
            raise DomainError(f"{schedule.name}: record the community-safety issues addressed and any significant "
                              "prosecutions (or say there were none) before filing (003 §418.6.1).")
        if schedule is not None and schedule.explain_retention_over_days and not audit.retention_explanation:
            long_held = memo.holds_past_retention(over_days=schedule.explain_retention_over_days)
            if long_held:
                raise DomainError(f"{schedule.name}: {len(long_held)} legal hold(s) keep data longer than "
                                  f"{schedule.explain_retention_over_days} days; explain them before filing (001 §5).")
        audit.training_review = training_review(audit.period_start, audit.period_end)
        audit.finalised_by, audit.finalised_at = user, timezone.now()
        figures = memo.memo_figures(audit)
        audit.memo_html = memo.render_memo_html(audit, figures)
        audit.memo_pdf = memo.render_memo_pdf(audit, figures)
        audit.memo_sha256 = hashlib.sha256(audit.memo_pdf).hexdigest()
        workflow.apply(audit, "finalise", machine=AUDIT_WORKFLOW, by=user, note=f"Memo SHA-256 {audit.memo_sha256}",
                       action=Action.AUDIT_FINALISE, request=request, object_type="audit")
    return audit
