"""AU-6: the O.M.C. 9.64 sections of the annual report, and the breach section built from
the breach workflow (BR-1). Reads only; the writes are audits/services/report_contents.py
and audits/services/breaches.py.

- `system_counts(year)`: what the system itself counts for the effectiveness and
  public-records sections; the Coordinator's form starts from these figures.
- `missing_sections(contents)`: the required sections still empty. The ordinance lets the
  Privacy Advisory Commission waive one requirement only, the race of the persons subject
  to the technology's use (002, "OMC 9.64.010": "The Privacy Advisory Commission may waive
  this requirement ..."), and then its written findings go in the report instead.
- `omc_tables(year)` / `breach_table(year)`: tables in the shape of audits.report, so the
  HTML, the PDF and the CSV carry them, the same rows in all three.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from alpr.models import Hit, Search, StopReport
from audits import breach_deadlines
from audits.models import AnnualReportContents, BreachRecord
from audits.populations import period_bounds
from sharing.models import SharingRequest

# HT-3 disposition codes (alpr/dispositions.py) that are a recovery and an arrest.
RECOVERY_CODES = ("REC",)
ARREST_CODES = ("ARR",)
EFFECTIVENESS = [("hits", "Hits (alerts matched to a hot list)"),
                 ("recoveries", "Stolen vehicles recovered"),
                 ("arrests", "Arrests"),
                 ("cases_assisted", "Cases assisted")]


def sections_final(year: int) -> bool:
    """The year's O.M.C. 9.64 sections are finalised: the report may be published as final."""
    return AnnualReportContents.objects.filter(year=year, status=AnnualReportContents.Status.FINALISED).exists()


def system_counts(year: int) -> dict[str, int]:
    """The year's figures the system can count: hits; recoveries and arrests from the
    dispositions of documented stops (HT-3); cases assisted, the distinct case numbers of
    documented stops and of investigative queries that ran (Q-2); public-records requests,
    the requests routed to Records (SH-7)."""
    since, until = period_bounds(date(year, 1, 1), date(year, 12, 31))
    stops = StopReport.objects.filter(documented_at__gte=since, documented_at__lt=until)
    cases = {c.strip().upper() for c in stops.values_list("case_number", flat=True) if c.strip()}
    cases |= {c.strip().upper() for c in Search.objects.filter(
        created_at__gte=since, created_at__lt=until, status=Search.Status.RUN).values_list("case_number", flat=True)
        if c.strip()}
    return {
        "hits": Hit.objects.filter(created_at__gte=since, created_at__lt=until).count(),
        "recoveries": stops.filter(disposition__code__in=RECOVERY_CODES).count(),
        "arrests": stops.filter(disposition__code__in=ARREST_CODES).count(),
        "cases_assisted": len(cases),
        "public_records_requests": SharingRequest.objects.filter(
            logged_at__gte=since, logged_at__lt=until, status=SharingRequest.Status.ROUTED_TO_RECORDS).count(),
    }


def waiver_recorded(contents: AnnualReportContents) -> bool:
    return contents.race_waiver_granted_on is not None and bool(contents.race_waiver_findings.strip())


def missing_sections(contents: AnnualReportContents) -> list[str]:
    """The required O.M.C. 9.64 sections still empty, in the policy's words."""
    missing = []
    if not contents.race_analysis.strip() and not waiver_recorded(contents):
        if contents.race_waiver_granted_on is not None:
            missing.append("Race of persons subject to the technology's use: the PAC waiver's written findings")
        else:
            missing.append("Race of persons subject to the technology's use, or the PAC's written waiver")
    costs = (contents.cost_initial_purchase, contents.cost_personnel, contents.cost_ongoing)
    if any(c is None for c in costs) or not contents.funding_sources.strip():
        missing.append("Fiscal costs: initial purchase, personnel, other ongoing costs and sources of funding")
    if any(getattr(contents, field) is None for field, _ in EFFECTIVENESS):
        missing.append("Effectiveness: hits, recoveries, arrests and cases assisted")
    if contents.public_records_requests is None:
        missing.append("Public-records requests")
    if not contents.narrative.strip():
        missing.append("Narrative")
    return missing


def _money(value) -> str:
    return "" if value is None else f"${value:,.2f}"


def _entered(value):
    return "not entered" if value is None else value


def _table(name, title, header, rows):
    return {"name": name, "title": title, "header": header, "rows": [list(r) for r in rows]}


def omc_tables(year: int) -> tuple[list[list], list[dict]]:
    """(summary lines, tables) of the O.M.C. 9.64 sections for the year. Without entered
    contents the tables say so (the report is then a draft: nothing can be finalised)."""
    contents = AnnualReportContents.objects.filter(year=year).first()
    counted = system_counts(year)
    if contents is None:
        missing = ["All O.M.C. 9.64 sections (none entered)"]
        summary = [["O.M.C. 9.64 sections", "not entered (draft)"]]
        return summary, [_table("omc_964_status", "O.M.C. 9.64 sections: status", ["Section", "Status"],
                                [[m, "missing"] for m in missing])]
    missing = missing_sections(contents)
    final = contents.status == AnnualReportContents.Status.FINALISED
    summary = [["O.M.C. 9.64 sections", "finalised" if final else f"draft ({len(missing)} required missing)"]]
    if waiver_recorded(contents) and not contents.race_analysis.strip():
        race_rows = [["PAC waiver granted on", contents.race_waiver_granted_on],
                     ["PAC's written findings", contents.race_waiver_findings]]
    else:
        race_rows = [["Race of persons subject to the technology's use", contents.race_analysis]]
    total = sum(c for c in (contents.cost_initial_purchase, contents.cost_personnel, contents.cost_ongoing)
                if c is not None)
    tables = [
        _table("omc_964_status", "O.M.C. 9.64 sections: status", ["Section", "Status"],
               [[m, "missing"] for m in missing] or [["All required sections", "finalised" if final else "complete"]]),
        _table("omc_race", "Race of persons subject to the technology's use (O.M.C. 9.64.010)",
               ["Item", "Entry"], race_rows),
        _table("omc_fiscal_costs", "Fiscal costs (O.M.C. 9.64; 002 §H)", ["Item", "Amount"],
               [["Initial purchase", _money(contents.cost_initial_purchase)],
                ["Personnel", _money(contents.cost_personnel)],
                ["Other ongoing costs", _money(contents.cost_ongoing)],
                ["Total", _money(total)],
                ["Current or potential sources of funding", contents.funding_sources]]),
        _table("omc_effectiveness", "Effectiveness", ["Measure", "Reported", "Counted by the system"],
               [[label, "" if getattr(contents, f) is None else getattr(contents, f), counted[f]]
                for f, label in EFFECTIVENESS]
               + ([["Notes", contents.effectiveness_notes, ""]] if contents.effectiveness_notes.strip() else [])),
        _table("omc_public_records", "Public-records requests", ["Item", "Reported", "Counted by the system"],
               [["Public-records requests", "" if contents.public_records_requests is None
                 else contents.public_records_requests, counted["public_records_requests"]]]
               + ([["Notes", contents.public_records_notes, ""]] if contents.public_records_notes.strip() else [])),
        _table("omc_narrative", "Narrative", ["Narrative"], [[contents.narrative]]),
    ]
    summary += [["Stolen vehicles recovered", _entered(contents.recoveries)],
                ["Arrests", _entered(contents.arrests)],
                ["Cases assisted", _entered(contents.cases_assisted)],
                ["Public-records requests", _entered(contents.public_records_requests)],
                ["Fiscal costs, total", _money(total)]]
    return summary, tables


def breaches_in_year(year: int):
    return BreachRecord.objects.filter(discovered_on__year=year).order_by("discovered_on", "pk")


def breach_table(year: int, today: date | None = None) -> tuple[list[list], dict]:
    """BR-1, AU-4: the year's breaches from their workflow: status, residents affected, each
    notice's due date and the day it was given (late ones marked), closed or not."""
    today = today or timezone.localdate()
    rows, late, overdue, still_open = [], 0, 0, 0
    for b in breaches_in_year(year):
        still_open += b.status != BreachRecord.Status.CLOSED
        notes = []
        for d in breach_deadlines.deadlines(b):
            if not d.required:
                notes.append(f"{d.recipient}: not required ({b.no_notice_reason.strip()})")
                continue
            state = (f"given {d.done_on}" + (" (late)" if d.late() else "")) if d.done_on else (
                "OVERDUE" if d.overdue(today) and b.status != BreachRecord.Status.CLOSED else "pending")
            late += d.late()
            overdue += d.overdue(today) and b.status != BreachRecord.Status.CLOSED
            notes.append(f"{d.recipient}: due {d.due_on}, {state}")
        rows.append([b.discovered_on, b.occurred_on, b.summary, b.records_affected, b.california_residents_affected,
                     b.get_status_display(), "; ".join(notes), b.actions_taken])
    summary = [["Data breaches recorded", len(rows)],
               ["Breaches still open", still_open],
               ["Breach notifications given late", late],
               ["Breach notifications overdue", overdue]]
    table = _table("breaches", "Data breaches (BR-1; Civil Code 1798.82)",
                   ["Discovered", "Occurred", "Summary", "Records affected", "California residents", "Status",
                    "Notifications", "Post-breach actions"], rows)
    return summary, table

