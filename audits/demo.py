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
from audits.models import Audit, AuditSchedule, ComplaintRecord
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
        # AU-2 (issue 20): a fresh demo's detection views are all from today, after the period
        # ends, so the detection-browsing population is short; the auditor says why, and the
        # audit and its memo show it. The population is stored, so the sample re-derives.
        audit = sampling_audits.audit_open(
            user=ctx.users["auditor"], title="Demo: searches of the last 12 months", period_start=start,
            period_end=end, populations=[], seed=20261123,
            shortfall_reason="Demo data: the demo was made today, so no detection views precede the period's end.")
        ctx.lines.append(f"Audits: audit #{audit.pk} open with {audit.items.count()} item(s) to review; its "
                         "populations are stored, see 'Re-derive the sample' (sign in as auditor).")
    report_demo.load_report_sections(ctx)  # AU-6: this year's O.M.C. 9.64 sections, a draft
    _demo_schedules(ctx)
    run = access_log_verify(triggered_by="demo")
    ctx.lines.append(f"Access log: {'intact' if run.ok else 'BROKEN'}, {run.entries_checked} entries verified.")


def _demo_schedules(ctx) -> None:
    """AU-5 (issue 20): the two cadences the policies set, one audit late and one due, so the
    auditor's dashboard and the audit list show both and the reminders go out."""
    if AuditSchedule.objects.exists():
        return
    today = ctx.today
    # San Leandro, quarterly: counted from four months ago with no audit opened for it, so
    # it fell due a month ago (late).
    late = AuditSchedule.objects.create(
        name="San Leandro quarterly audit", policy="003 §418.6.1", starts_on=today - timedelta(days=122),
        cadence_months=3, populations=[Audit.Population.IMAGE_DOWNLOADS], record_community_safety=True)
    # Alameda: six-monthly for the first two years; implemented six months ago less a week,
    # so the first audit is due within the week (due).
    due = AuditSchedule.objects.create(
        name="Alameda six-monthly audit", policy="001 §5", starts_on=today - timedelta(days=176), cadence_months=12,
        early_cadence_months=6, early_years=2, explain_retention_over_days=183)
    from audits.services.schedules import audit_reminders_send

    sent = audit_reminders_send(today=today)
    ctx.lines.append(f"Audit schedules: '{late.name}' late, '{due.name}' due; {sent} reminder(s) to the auditors "
                     "(dashboard and Sampling audits).")


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
