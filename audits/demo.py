"""Demo oversight: an open sampling audit over the demo's searches, a complaint on the
log, a breach in progress and this year's report sections (audits/report_demo.py), and a
first verification of the access log's chain."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accesslog.services import access_log_verify
from alpr.criteria import build_criteria
from alpr.models import Search
from alpr.services.search import SearchRefused, search_run
from audits import report_demo
from audits.models import Audit, ComplaintRecord
from audits.periods import default_period
from audits.services import sampling_audits


def load(ctx) -> None:
    coordinator = ctx.users["coordinator"]
    if not ComplaintRecord.objects.exists():
        ComplaintRecord.objects.create(received_on=ctx.today - timedelta(days=20), recorded_by=coordinator,
                                       summary="Resident asked why a camera faces a residential street")
    _demo_configuration(ctx)
    report_demo.load_breach(ctx)  # BR-1: a breach in progress


def after_frames(ctx) -> None:
    """Issue 21 §10: after the demo's frames are read, so the sample searches find reads."""
    if not Audit.objects.exists():
        _demo_searches(ctx)
        start, end = default_period()  # ends on the last complete day (AU-2), as the form's default
        audit = sampling_audits.audit_open(user=ctx.users["auditor"], title="Demo: searches of the last 12 months",
                                           period_start=start, period_end=end,
                                           populations=[Audit.Population.DETECTION_VIEWS], seed=20261123)
        ctx.lines.append(f"Audits: audit #{audit.pk} open with {audit.items.count()} item(s) to review "
                         "(sign in as auditor).")
    report_demo.load_report_sections(ctx)  # AU-6: this year's O.M.C. 9.64 sections, a draft
    run = access_log_verify(triggered_by="demo")
    ctx.lines.append(f"Access log: {'intact' if run.ok else 'BROKEN'}, {run.entries_checked} entries verified.")


def _demo_searches(ctx) -> None:
    """A few investigative searches for the auditor to sample: one names a prohibited use
    and is refused and flagged; one runs but is flagged, its lawful crime wrapped round a
    paraphrase of a prohibited target (Q-6, issue 19: "Search records", flagged only)."""
    now = timezone.now()
    criteria = build_criteria(captured_from=now - timedelta(days=7), captured_to=now, plate="3DM*68")
    runs = [("analyst", "burglary", "PC459", "26-004411", "Burglary series on Grand Ave, suspect vehicle seen"),
            ("investigator", "violent_crime", "PC215", "26-004502", "Carjacking, partial plate from the victim"),
            ("officer", "missing_person", "MISSING", "26-004517", "At-risk person last seen in the vehicle"),
            ("analyst", "burglary", "PC459", "26-004520", "Check whether the plate was at the protest downtown"),
            ("investigator", "violent_crime", "PC245", "26-004530",
             "Assault suspect's car; also list the vehicles at the mosque on Friday")]
    for days_ago, (username, purpose, offence, case, reason) in enumerate(runs, start=1):
        try:
            search = search_run(user=ctx.users[username], purpose=purpose, offence_category=offence,
                                case_number=case, justification=reason, attested=True, criteria=criteria)
        except SearchRefused as refused:
            search = refused.search  # a refused search is on record too, and audited
        if search is not None:
            # Demo history only: the searches stand for the past week's work, one a day, so an
            # audit over the default period (to the last complete day, AU-2) has items to
            # sample on a freshly made demo. Real searches are never re-dated.
            Search.objects.filter(pk=search.pk).update(created_at=search.created_at - timedelta(days=days_ago))


def _demo_configuration(ctx) -> None:
    """Issue 19 §6: the start-up settings are fingerprinted (the baseline). The demo's
    designations (accounts.demo) and its new hot lists (hotlists.demo) went through their
    services, which recorded them as configuration changes; each designation and each
    enabled list widens access, so each is an alarm the administrator and the auditor
    were alerted to."""
    from accesslog.configuration import environment_check
    from accesslog.models import ConfigurationChange

    environment_check()
    alarms = ConfigurationChange.objects.filter(weakens=True)
    example = alarms.filter(object_type="designation").order_by("changed_at").first() or alarms.first()
    ctx.lines.append(f"Configuration: {ConfigurationChange.objects.count()} change(s) recorded, {alarms.count()} "
                     f"alarm(s){f' (e.g. {example.summary})' if example else ''}; the administrator and the auditor "
                     "have in-app alerts on their dashboard; see Configuration in their menu.")
