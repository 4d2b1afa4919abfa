"""The audit memo to the Chief (AU-2, AU-3): figures computed once from the reviews, then
rendered as HTML (filed and printable) and PDF (filed, with its SHA-256)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone

from audits import pdf
from audits.models import Audit, AuditItem, DataCorrection
from audits.sampling import wilson_interval

F = AuditItem.Finding


def holds_past_retention(*, over_days: int | None = None, as_of=None) -> list[dict]:
    """Data kept past retention (RT-2, AU-5; issue 20): every active legal hold that keeps
    reads older than the retention period (ALPR_RETENTION_DAYS, RT-1), or older than
    `over_days` when given (Alameda 001 §5: "any data retained longer than six months").
    Each with its reason, its case, how long the hold has stood and how old its oldest
    read is, so the memo explains why the data is still here."""
    from alpr.models import LegalHold

    now = as_of or timezone.now()
    limit = over_days if over_days is not None else settings.ALPR_RETENTION_DAYS
    cutoff = now - timedelta(days=limit)
    holds = (LegalHold.objects.filter(status=LegalHold.Status.ACTIVE)
             .annotate(held=Count("reads", distinct=True),
                       past=Count("reads", filter=Q(reads__uploaded_at__lt=cutoff), distinct=True),
                       oldest=Min("reads__uploaded_at"))
             .filter(past__gt=0).select_related("placed_by", "approved_by").order_by("placed_at"))
    return [{
        "hold": h.pk, "case_number": h.case_number, "reason": h.get_reason_display(), "justification": h.justification,
        "placed_at": timezone.localtime(h.placed_at).date().isoformat(), "hold_age_days": (now - h.placed_at).days,
        "oldest_read_age_days": (now - h.oldest).days, "reads_held": h.held, "reads_past_limit": h.past,
        "limit_days": limit, "review_on": h.review_on.isoformat(),
        "approved_by": (h.approved_by.get_full_name() or h.approved_by.username) if h.approved_by else "",
    } for h in holds]


def memo_figures(audit: Audit) -> dict:
    populations = []
    totals = {"reviewed": 0, F.COMPLIANT: 0, F.NON_COMPLIANT: 0, F.DATA_ERROR: 0}
    labels = dict(Audit.Population.choices)
    for key in audit.populations:
        record = audit.sampling.get(key, {})
        counts = {F.COMPLIANT: 0, F.NON_COMPLIANT: 0, F.DATA_ERROR: 0}
        for finding in audit.items.filter(population=key).values_list("finding", flat=True):
            if finding in counts:
                counts[finding] += 1
        reviewed = sum(counts.values())
        populations.append({
            "key": key, "label": labels.get(key, key), "population": record.get("population", 0),
            "sample": record.get("sample", 0), "arithmetic": record.get("arithmetic", ""), "seed": record.get("seed"),
            "reviewed": reviewed, "compliant": counts[F.COMPLIANT], "non_compliant": counts[F.NON_COMPLIANT],
            "data_error": counts[F.DATA_ERROR], "window": record.get("window", []),
            "population_sha256": record.get("population_sha256", ""), "short": record.get("short"),
        })
        totals["reviewed"] += reviewed
        for finding, value in counts.items():
            totals[finding] += value
    # A data error is a fault in the data, not a misuse: the use counts as compliant and
    # the error goes on the correction list.
    compliant_use = totals[F.COMPLIANT] + totals[F.DATA_ERROR]
    confidence = float(audit.confidence)
    low, high = wilson_interval(compliant_use, totals["reviewed"], confidence)
    findings = [
        {"population": labels.get(i.population, i.population), "item": f"{i.object_type} {i.object_id}",
         "user": i.snapshot.get("user") or i.snapshot.get("agency", ""), "at": i.snapshot.get("at", ""),
         "notes": i.notes}
        for i in audit.items.filter(finding=F.NON_COMPLIANT).order_by("population", "position")
    ]
    corrections = [
        {"item": f"{c.item.object_type} {c.item.object_id}", "description": c.description,
         "owner": c.owner.get_full_name() or c.owner.username, "status": c.get_status_display()}
        for c in DataCorrection.objects.filter(item__audit=audit).select_related("item", "owner").order_by("created_at")
    ]
    return {
        "populations": populations,
        "reviewed": totals["reviewed"], "compliant": totals[F.COMPLIANT], "non_compliant": totals[F.NON_COMPLIANT],
        "data_error": totals[F.DATA_ERROR], "compliant_use": compliant_use,
        "compliance_rate": (compliant_use / totals["reviewed"]) if totals["reviewed"] else None,
        "interval": [low, high], "confidence": confidence, "margin": float(audit.margin),
        "findings": findings, "corrections": corrections, "training": audit.training_review,
        # AU-5 (issue 20): data kept past retention, and the schedule's own requirements.
        "holds": holds_past_retention(), "retention_days": settings.ALPR_RETENTION_DAYS,
        "schedule": audit.schedule.name if audit.schedule_id else "",
        "community_safety": audit.community_safety, "retention_explanation": audit.retention_explanation,
    }


def _pct(value):
    return "—" if value is None else f"{value:.1%}"


def render_memo_html(audit: Audit, figures: dict) -> str:
    return render_to_string("audits/memo.html", {"audit": audit, "f": figures, "rate": _pct(figures["compliance_rate"]),
                                                 "low": _pct(figures["interval"][0]),
                                                 "high": _pct(figures["interval"][1])})


def render_memo_pdf(audit: Audit, figures: dict) -> bytes:
    f = figures
    training = f["training"] or {}
    blocks = [
        pdf.Para("To: Chief of Police. From: " + (audit.finalised_by.get_full_name() or audit.finalised_by.username)
                 + f", Auditor. Filed {audit.finalised_at:%Y-%m-%d}."),
        pdf.Heading("Scope"),
        pdf.Para(f"Period {audit.period_start} to {audit.period_end}. Populations: "
                 + ", ".join(p["label"] for p in f["populations"]) + "."),
        pdf.Heading("Method and sample size"),
        pdf.Para(f"Cochran's formula with finite-population correction at {f['confidence']:.0%} confidence and a "
                 f"{f['margin']:.1%} margin, never fewer than the policy minimum; items drawn with "
                 f"random.Random(seed).sample over the population's ids in ascending order. Audit seed {audit.seed}."),
        *[pdf.Para(f"{p['label']}: {p['arithmetic']} (seed {p['seed']}; days {' to '.join(p['window'])}; "
                   f"population SHA-256 {p['population_sha256']})"
                   + (f" Short: {p['short']['found']} of the {p['short']['required']} required; "
                      f"{p['short']['reason']}" if p["short"] else "")) for p in f["populations"]],
        pdf.Heading("Results"),
        pdf.Rows(["Population", "Population size", "Sample", "Reviewed", "Compliant", "Non-compliant", "Data error"],
                 [[p["label"], p["population"], p["sample"], p["reviewed"], p["compliant"], p["non_compliant"],
                   p["data_error"]] for p in f["populations"]]
                 + [["All", "", "", f["reviewed"], f["compliant"], f["non_compliant"], f["data_error"]]]),
        pdf.Para(f"Compliance rate: {_pct(f['compliance_rate'])} ({f['compliant_use']} of {f['reviewed']}), "
                 f"{f['confidence']:.0%} confidence interval {_pct(f['interval'][0])} to {_pct(f['interval'][1])} "
                 "(Wilson score). Items with a data error count as compliant use; the errors are listed below."),
        pdf.Heading("Findings (non-compliant items)"),
        pdf.Rows(["Population", "Item", "User / agency", "When", "Notes"],
                 [[x["population"], x["item"], x["user"], x["at"], x["notes"]] for x in f["findings"]]),
        pdf.Heading("Data errors and corrections"),
        pdf.Rows(["Item", "Error", "Owner", "Status"],
                 [[c["item"], c["description"], c["owner"], c["status"]] for c in f["corrections"]]),
        pdf.Heading("Training review (AU-3)"),
        pdf.Para(f"{training.get('members', 0)} member(s) accessed ALPR data in the period; "
                 f"{training.get('current_throughout', 0)} had current training on every day they did."),
        pdf.Rows(["Member", "Days without current training", "First", "Last"],
                 [[e["user"], e["days_uncovered"], e["first"], e["last"]] for e in training.get("exceptions", [])]),
        pdf.Heading("Data kept past retention (legal holds)"),
        pdf.Para(f"Active legal holds keeping reads older than the {f['retention_days']}-day retention period."),
        pdf.Rows(["Hold", "Case", "Reason", "Placed", "Hold age (days)", "Oldest read (days)", "Reads past retention"],
                 [[h["hold"], h["case_number"], h["reason"], h["placed_at"], h["hold_age_days"],
                   h["oldest_read_age_days"], h["reads_past_limit"]] for h in f["holds"]]),
        *([pdf.Para("Explanation of data retained longer than six months: " + f["retention_explanation"])]
          if f["retention_explanation"] else []),
        *([pdf.Heading("Community-safety issues and significant prosecutions"), pdf.Para(f["community_safety"])]
          if f["community_safety"] else []),
        pdf.Heading("Recommendations"),
        pdf.Para(audit.recommendations or "None."),
    ]
    return pdf.render_pdf(f"ALPR audit memo: {audit.title}", blocks,
                          subtitle=f"Audit #{audit.pk}, period {audit.period_start} to {audit.period_end}")
