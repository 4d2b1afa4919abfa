"""The annual report to the Privacy Advisory Commission (AU-4; also Q-2, HL-6, SH-4).

`annual_figures(year)` computes every number once. The PDF, the printable HTML and the
ZIP of CSV appendices are all drawn from that one dict, so their numbers agree (tested).
Reads are counted from the daily tallies (alpr.ReadDailyTally) for days already tallied
and from the reads table for the rest, so the purge does not empty the year.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections import Counter
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone

from accesslog.models import ConfigurationChange
from accounts import roles
from accounts.models import User
from alpr.models import Camera, Hit, LegalHold, PurgeRun, Read, ReadDailyTally, Search, StopReport
from audits import pdf
from audits.models import Audit, ComplaintRecord
from audits.populations import period_bounds, training_review
from audits.report_sections import breach_table, omc_tables, sections_final
from hotlists.models import FeedImport, HotlistEntryRequest, HotlistRequestEvent
from lib import csvsafe
from lib.replica import read_only_db
from sharing.selectors import sharing_report
from training.selectors import training_status

logger = logging.getLogger(__name__)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return period_bounds(date(year, 1, 1), date(year, 12, 31))


def _monthly(qs, field: str) -> list[int]:
    counts = [0] * 12
    for month, n in qs.annotate(m=TruncMonth(field)).values("m").annotate(n=Count("id")).values_list("m", "n"):
        counts[timezone.localtime(month).month - 1 if timezone.is_aware(month) else month.month - 1] += n
    return counts


def _reads(year: int, db: str) -> tuple[list[int], dict[int, int]]:
    """Reads per month and per camera for the year: tallies first, live rows for the rest."""
    since, until = year_bounds(year)
    per_month, per_camera = [0] * 12, Counter()
    tallies = ReadDailyTally.objects.using(db).filter(day__year=year)
    tallied_days = set(tallies.filter(camera__isnull=True).values_list("day", flat=True))
    for row in tallies.filter(camera__isnull=True).values_list("day", "reads"):
        per_month[row[0].month - 1] += row[1]
    for camera_id, n in tallies.filter(camera__isnull=False).values("camera_id").annotate(n=Sum("reads")) \
            .values_list("camera_id", "n"):
        per_camera[camera_id] += n
    live = (Read.objects.using(db).filter(uploaded_at__gte=since, uploaded_at__lt=until)
            .annotate(d=TruncDate("uploaded_at")).values("d", "camera_id").annotate(n=Count("id"))
            .values_list("d", "camera_id", "n"))
    for day, camera_id, n in live:
        if day not in tallied_days:
            per_month[day.month - 1] += n
            per_camera[camera_id] += n
    return per_month, dict(per_camera)


def _table(name, title, header, rows):
    return {"name": name, "title": title, "header": header, "rows": [list(r) for r in rows]}


def annual_figures(year: int, progress=lambda pct, stage: None) -> dict:
    since, until = year_bounds(year)
    in_year = {"created_at__gte": since, "created_at__lt": until}

    # Issue 23 §3: the year's tallies (the large scans: reads, hits, stops, searches) read
    # from the replica when one is configured and close enough (lib/replica.py).
    db = read_only_db()
    progress(5, "System use")
    reads_month, reads_camera = _reads(year, db)
    cameras = {c.pk: c for c in Camera.objects.all()}
    hits = Hit.objects.using(db).filter(**in_year)
    hits_month = _monthly(hits, "created_at")
    hits_by_source = Counter()
    for source, kind, n in hits.values("entry__hotlist__source", "entry__hotlist__kind").annotate(n=Count("id")) \
            .values_list("entry__hotlist__source", "entry__hotlist__kind", "n"):
        hits_by_source[(source, kind)] += n
    outcomes = Counter({(s, r): n for s, r, n in hits.values("status", "reject_reason").annotate(n=Count("id"))
                        .values_list("status", "reject_reason", "n")})
    outcome_rows = []
    for status, label in Hit.Status.choices:
        if status == Hit.Status.REJECTED:
            outcome_rows += [[f"{label}: {reason_label}", outcomes[(status, reason)]]
                             for reason, reason_label in Hit.RejectReason.choices]
        else:
            outcome_rows.append([label, sum(n for (s, _), n in outcomes.items() if s == status)])
    stops = (StopReport.objects.using(db).filter(documented_at__gte=since, documented_at__lt=until)
             .values("disposition__code", "disposition__description").annotate(n=Count("id")).order_by("-n"))

    progress(25, "Investigative queries")
    searches = Search.objects.using(db).filter(**in_year).select_related("user")
    searches_month = _monthly(searches, "created_at")
    by_purpose = Counter()
    by_unit = Counter()
    appendix = []
    for s in searches.order_by("created_at").iterator(chunk_size=2000):
        by_purpose[s.get_purpose_display() if s.purpose else "(none — refused)"] += 1
        by_unit[s.user.unit or "(no unit)"] += 1
        appendix.append([timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
                         "; ".join(f"{k}={v}" for k, v in sorted(s.criteria.items()) if v not in ("", None, [])),
                         s.user.username, s.organization, s.get_purpose_display() if s.purpose else "",
                         s.case_number, s.get_status_display()])

    progress(45, "Hot-list entries")
    requests = HotlistEntryRequest.objects.filter(entered_at__gte=since, entered_at__lt=until).select_related("hotlist")
    events = HotlistRequestEvent.objects.filter(at__gte=since, at__lt=until).select_related("request__hotlist")
    hl = Counter()

    def list_key(h):
        return (h.get_kind_display(), h.get_purpose_display() if h.purpose else "")

    for r in requests:
        hl[(*list_key(r.hotlist), "submitted")] += 1
    step_names = {"approve": "approved", "disapprove": "disapproved", "expire": "expired",
                  "confirm_removal": "removed early"}
    for e in events:
        if e.transition in step_names:
            hl[(*list_key(e.request.hotlist), step_names[e.transition])] += 1
    hl_keys = sorted({(k, p) for k, p, _ in hl})
    hl_cols = ["submitted", "approved", "disapproved", "expired", "removed early"]

    # Issue 19 §5: downloaded-list rows dropped at import because the policy prohibits
    # their category, per list and category.
    dropped = Counter()
    for list_name, by_category in FeedImport.objects.filter(
            started_at__gte=since, started_at__lt=until, status=FeedImport.Status.APPLIED, dropped_count__gt=0) \
            .values_list("hotlist__name", "dropped_by_category"):
        for category, tally in (by_category or {}).items():
            dropped[(list_name, category, tally.get("reason", ""))] += int(tally.get("count", 0))

    progress(60, "Sharing")
    sharing = sharing_report(since=since, until=until)

    progress(70, "Audits, training, retention")
    audits = Audit.objects.filter(finalised_at__gte=since, finalised_at__lt=until, status=Audit.Status.FINALISED)
    audit_rows = []
    for a in audits:
        items = a.items.all()
        reviewed = items.count()
        non = items.filter(finding="non_compliant").count()
        errors = items.filter(finding="data_error").count()
        audit_rows.append([a.pk, a.title, f"{a.period_start} – {a.period_end}", reviewed, non, errors,
                           f"{(reviewed - non) / reviewed:.1%}" if reviewed else "—"])
    training = training_review(date(year, 1, 1), date(year, 12, 31))
    data_roles = (roles.OFFICER, roles.PST, roles.CRIME_ANALYST, roles.INVESTIGATOR, roles.ADMINISTRATOR)
    members = User.objects.filter(is_active=True, groups__name__in=data_roles).distinct()
    year_end = min(date(year, 12, 31), timezone.localdate())
    current_at_end = sum(1 for m in members if training_status(user=m, today=year_end).is_current)
    runs = PurgeRun.objects.filter(started_at__gte=since, started_at__lt=until, dry_run=False)
    holds_active = LegalHold.objects.filter(status=LegalHold.Status.ACTIVE, placed_at__lt=until).count()
    holds_released = LegalHold.objects.filter(released_at__gte=since, released_at__lt=until).count()
    holds_placed = LegalHold.objects.filter(placed_at__gte=since, placed_at__lt=until).count()
    # BR-1: the breach section is built from the breach workflow (audits/report_sections.py).
    breach_summary, breaches = breach_table(year)
    # AU-6: the O.M.C. 9.64 sections the Coordinator entered, with the system's counts.
    omc_summary, omc = omc_tables(year)
    complaints = ComplaintRecord.objects.filter(received_on__year=year)

    # Issue 19 §6: the year's configuration changes, alarms marked. The environment is
    # checked first, so a change since the last start is in the report.
    from accesslog.configuration import environment_check

    environment_check()
    config_changes = list(ConfigurationChange.objects.filter(changed_at__gte=since, changed_at__lt=until)
                          .order_by("changed_at", "id"))
    log_digests = _log_digests(since, until)

    progress(85, "Assembling")
    summary = [
        ["Cameras in service", Camera.objects.filter(active=True).count()],
        ["Cameras with reads this year", len([c for c, n in reads_camera.items() if n])],
        ["Reads", sum(reads_month)],
        ["Hits", sum(hits_month)],
        ["Documented stops", sum(s["n"] for s in stops)],
        ["Investigative queries", len(appendix)],
        ["Queries refused", searches.filter(status=Search.Status.REFUSED).count()],
        ["Hot-list requests submitted", sum(n for (k, p, c), n in hl.items() if c == "submitted")],
        ["Hot-list requests approved", sum(n for (k, p, c), n in hl.items() if c == "approved")],
        ["Sharing requests", sharing["total"]],
        ["Sharing packages delivered", sharing["packages"]],
        ["Audits finalised", len(audit_rows)],
        ["Members who accessed data", training["members"]],
        ["Of them, current in training throughout", training["current_throughout"]],
        ["Members with data roles", members.count()],
        ["Of them, current in training at year end", current_at_end],
        ["Purge runs", runs.count()],
        ["Reads purged", sum(r.reads_deleted for r in runs)],
        ["Legal holds placed", holds_placed],
        ["Legal holds active", holds_active],
        ["Legal holds released", holds_released],
        ["Downloaded-list rows dropped by policy (HL-1)", sum(dropped.values())],
        ["Configuration changes", len(config_changes)],
        ["Of them, weakening oversight or widening access", sum(1 for c in config_changes if c.weakens)],
        *breach_summary,
        ["Community complaints recorded", complaints.count()],
        # AU-1/AU-4 (issue 19): the signed head of the access log at the end of the year.
        ["Access log entries at year end (signed digest)",
         log_digests[-1][1] if log_digests else "no digest published"],
        *omc_summary,
    ]
    tables = [
        *omc,
        _table("reads_by_month", "Reads, hits and queries by month", ["Month", "Reads", "Hits", "Queries"],
               [[MONTHS[i], reads_month[i], hits_month[i], searches_month[i]] for i in range(12)]),
        _table("reads_by_camera", "Reads by camera", ["Camera", "Reads"],
               sorted(([cameras[c].name if c in cameras else f"camera {c}", n] for c, n in reads_camera.items()),
                      key=lambda r: -r[1])),
        _table("hits_by_source", "Hits by list source", ["Source", "Kind", "Hits"],
               [[s, k, n] for (s, k), n in sorted(hits_by_source.items())]),
        _table("hit_outcomes", "Hit outcomes", ["Outcome", "Hits"], outcome_rows),
        _table("stops_by_disposition", "Documented stops by disposition", ["Code", "Disposition", "Stops"],
               [[s["disposition__code"], s["disposition__description"], s["n"]] for s in stops]),
        _table("queries_by_purpose", "Investigative queries by purpose", ["Purpose", "Queries"],
               by_purpose.most_common()),
        _table("queries_by_unit", "Investigative queries by unit", ["Unit", "Queries"], by_unit.most_common()),
        _table("hotlist_entries", "Hot-list entries (HL-6)", ["List kind", "Purpose", *hl_cols],
               [[k, p, *[hl[(k, p, c)] for c in hl_cols]] for k, p in hl_keys]),
        _table("hotlist_dropped", "Downloaded-list rows dropped by policy (issue 19 §5)",
               ["List", "Category", "Why", "Rows"], [[n, c, r, k] for (n, c, r), k in sorted(dropped.items())]),
        _table("sharing_by_agency", "Sharing requests by agency (SH-4)", ["Agency", "Requests"], sharing["by_agency"]),
        _table("sharing_by_basis", "Sharing requests by basis", ["Basis", "Requests"], sharing["by_basis"]),
        _table("sharing_by_outcome", "Sharing requests by outcome", ["Outcome", "Requests"], sharing["by_outcome"]),
        _table("sharing_refusals", "Sharing refusals by rule", ["Rule", "Requests"], sharing["refusals_by_rule"]),
        _table("audits", "Audits finalised", ["Audit", "Title", "Period", "Reviewed", "Non-compliant",
                                              "Data errors", "Compliance"], audit_rows),
        _table("training_exceptions", "Accessed data without current training", ["Member", "Days", "First", "Last"],
               [[e["user"], e["days_uncovered"], e["first"], e["last"]] for e in training["exceptions"]]),
        _table("purge_runs", "Retention: purge runs", ["Started", "Reads purged", "Images", "Held reads kept"],
               [[timezone.localtime(r.started_at).strftime("%Y-%m-%d %H:%M"), r.reads_deleted, r.images_deleted,
                 r.held_reads_kept] for r in runs.order_by("started_at")]),
        _table("configuration_changes", "Configuration changes (issue 19 §6)",
               ["When", "Kind", "Change", "By", "Source", "Before", "After", "Alarm"],
               [[timezone.localtime(c.changed_at).strftime("%Y-%m-%d %H:%M"), c.get_kind_display(), c.summary,
                 c.username or "—", c.get_source_display(), _short({k: b for k, b, _ in c.differences()}),
                 _short({k: a for k, _, a in c.differences()}), "yes" if c.weakens else ""] for c in config_changes]),
        breaches,
        _table("complaints", "Community complaints", ["Received", "Summary", "Outcome", "Resolved"],
               [[c.received_on, c.summary, c.get_outcome_display(), c.resolved_on or ""] for c in complaints]),
        _table("access_log_digests", "Access log digests: the signed head of the log at each month's end (AU-1)",
               ["As of (UTC)", "Last entry", "Head hash", "Signature (Ed25519, base64)"], log_digests),
        _table("queries_appendix", "Appendix: every investigative query (Q-2)",
               ["Date/time", "Data elements", "User", "Organization", "Purpose", "Case number", "Status"], appendix),
    ]
    return {
        # Issue 21 §10: report times in the agency's time zone, named (the digests' "as of"
        # stays UTC: each signature covers that exact text).
        "year": year, "generated_at": timezone.localtime().isoformat(), "time_zone": settings.TIME_ZONE,
        # AU-6: final only when the O.M.C. 9.64 sections are finalised; otherwise every
        # output says it is a draft (audits/services/report_contents.py).
        "final": sections_final(year),
        "summary": summary, "tables": [{**t, "rows": [[_plain(v) for v in r] for r in t["rows"]]} for t in tables],
        "charts": {"months": MONTHS, "reads": reads_month, "hits": hits_month, "searches": searches_month,
                   "purposes": [[p, n] for p, n in by_purpose.most_common()]},
    }


def _cover_lines(figures: dict | None = None) -> list[str]:
    lines = [settings.ALPR_HOME_AGENCY_NAME, "Automated License Plate Reader: annual report on use and oversight"]
    if figures is not None and not figures.get("final", True):
        lines.append(DRAFT_NOTE)
    return lines


# AU-6: a report whose O.M.C. 9.64 sections are not finalised is not for publication.
DRAFT_NOTE = "DRAFT: the O.M.C. 9.64 sections are not finalised; not for publication."


def generated_words(figures: dict) -> str:
    """'2026-12-01 11:32 (America/Los_Angeles)': when the report was generated, in the
    agency's zone (older stored reports carry a UTC time and no zone: said so)."""
    stamp = figures["generated_at"]
    return f"{stamp[:10]} {stamp[11:16]} ({figures.get('time_zone', 'UTC')})"


def _short(values: dict, limit: int = 300) -> str:
    text = "; ".join(f"{k}={v}" for k, v in values.items())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _log_digests(since, until) -> list[list]:
    """The last published digest of each month of the year (a digest as of midnight covers
    the day before it, so the one as of 1 January closes the year)."""
    from datetime import UTC, timedelta

    from audits.models import AccessLogDigest

    last_of_month = {}
    for d in AccessLogDigest.objects.filter(as_of__gt=since, as_of__lte=until).order_by("as_of"):
        last_of_month[timezone.localtime(d.as_of - timedelta(microseconds=1)).month] = d
    return [[d.as_of.astimezone(UTC).isoformat(), d.last_sequence, d.head_hash, d.signature]
            for _, d in sorted(last_of_month.items())]


def _plain(value):
    return value if isinstance(value, int | float | str) else str(value)


def _charts(figures: dict) -> list:
    # Issue 21 §9: each chart titled with what, when and its unit, and large enough to read.
    c, year = figures["charts"], figures["year"]
    size = {"width": 500, "height": 240}  # the PDF's text width is 511 pt; the HTML scales it up
    return [
        pdf.bar_chart(f"Figure 1. Plate reads per month, {year}", c["months"], [c["reads"]], unit="Reads",
                      **size),
        pdf.bar_chart(f"Figure 2. Hits and investigative queries per month, {year}", c["months"],
                      [c["hits"], c["searches"]], names=["Hits", "Queries"], unit="Count", **size),
        pdf.bar_chart(f"Figure 3. Investigative queries by purpose, {year}", [p for p, _ in c["purposes"]][:8],
                      [[n for _, n in c["purposes"]][:8]], unit="Queries", **size),
    ]


def sections(figures: dict) -> list[tuple[str, str]]:
    """(anchor, title) of the report's sections, in order: the contents of the HTML and
    of the PDF alike."""
    return [("key-figures", "Key figures"), ("charts", "Charts")] + [
        (t["name"], t["title"]) for t in figures["tables"]]


def render_pdf(figures: dict) -> bytes:
    year = figures["year"]
    blocks = [pdf.Heading("Key figures")]
    blocks += [pdf.Para(f"{label}: {value}") for label, value in figures["summary"]]
    blocks += [pdf.Heading("Charts")] + [pdf.Chart(d) for d in _charts(figures)]
    for table in figures["tables"]:
        if table["name"] == "queries_appendix":
            blocks.append(pdf.NewPage())
        blocks += [pdf.Heading(table["title"]), pdf.Rows(table["header"], table["rows"])]
    return pdf.render_pdf(f"ALPR annual report {year}", blocks, cover=_cover_lines(figures),
                          subtitle="To the Chief of Police, the Privacy Advisory Commission and the Public Safety "
                                   f"Committee (O.M.C. 9.64). Generated {generated_words(figures)}.")


def render_html(figures: dict) -> str:
    return render_to_string("audits/annual_report.html", {
        "f": figures, "generated": generated_words(figures), "cover": _cover_lines(figures),
        "sections": sections(figures), "charts": [pdf.drawing_svg(d) for d in _charts(figures)]})


def render_csv_zip(figures: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, header, rows in [("summary", ["Figure", "Value"], figures["summary"])] + [
                (t["name"], t["header"], t["rows"]) for t in figures["tables"]]:
            text = io.StringIO()
            writer = csvsafe.writer(text)
            writer.writerow(header)
            writer.writerows(rows)
            archive.writestr(f"alpr-annual-report-{figures['year']}/{name}.csv", text.getvalue())
    return buffer.getvalue()
