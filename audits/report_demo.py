"""Demo data for the breach workflow (BR-1) and the O.M.C. 9.64 sections (AU-6), run by
audits.demo: a breach in progress (contained, notifications due) and this year's report
sections entered as a draft, pre-filled from the demo's counts, the narrative still to
write (so the page shows what is missing before it can be finalised)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from audits import breach_deadlines
from audits.models import AnnualReportContents, BreachRecord
from audits.services import breaches, report_contents


def load_breach(ctx) -> None:
    if BreachRecord.objects.exists():
        return
    coordinator = ctx.users["coordinator"]
    breach = breaches.breach_report(
        by=coordinator, occurred_on=ctx.today - timedelta(days=9), discovered_on=ctx.today - timedelta(days=8),
        summary="Demo: a contractor's laptop with an unencrypted export of 30 days of reads was stolen",
        records_affected=48_200, california_residents_affected=812)
    breaches.breach_contain(breach=breach, by=coordinator,
                            containment="Contractor's account disabled, export's download link revoked, "
                                        "laptop reported stolen (case 26-004700).")
    due = ", ".join(f"{d.recipient} by {d.due_on}" for d in breach_deadlines.deadlines(breach) if d.required)
    ctx.lines.append(f"Breaches: breach #{breach.pk} contained, notifications due: {due} "
                     "(sign in as coordinator, Oversight > Breaches).")


def load_report_sections(ctx) -> None:
    """After the demo's frames, so the pre-filled counts include the demo's hits."""
    year = ctx.today.year
    if AnnualReportContents.objects.filter(year=year).exists():
        return
    coordinator = ctx.users["coordinator"]
    contents = report_contents.contents_start(by=coordinator, year=year)
    contents = report_contents.contents_save(by=coordinator, contents=contents, version=report_contents.version_of(
        contents), data={
        "race_waiver_granted_on": ctx.today - timedelta(days=30),
        "race_waiver_findings": "Demo: the Privacy Advisory Commission found that the probative value of recording "
                                "the race of each person subject to ALPR use is outweighed by the administrative "
                                "burden and the greater invasiveness of capturing it (O.M.C. 9.64.010).",
        # Year 3 of the contract in the Surveillance Impact Use Report (002 §H, Table 1): no
        # purchase, $900,000 recurring fees; the personnel figure is the demo's own.
        "cost_initial_purchase": Decimal("0.00"),
        "cost_personnel": Decimal("120000.00"),
        "cost_ongoing": Decimal("900000.00"),
        "funding_sources": "Demo: FLOCK contract year 3 ($900,000); state funds, remainder TBD (002 Table 2).",
        "public_records_notes": "Requests routed to Records under the Public Records Act (SH-7).",
    })
    ctx.lines.append(f"Annual report {year}: O.M.C. 9.64 sections entered as a draft (the narrative is still "
                     f"missing, so it cannot be finalised yet); sign in as coordinator, Oversight > Annual report "
                     f"sections (pre-filled: {contents.hits} hit(s), {contents.recoveries} recovery(ies), "
                     f"{contents.arrests} arrest(s), {contents.cases_assisted} case(s) assisted).")
