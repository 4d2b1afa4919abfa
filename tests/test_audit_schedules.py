"""AU-5 (issue 20): audit cadences, the reminders when one is due or late, the auditors'
dashboard, and the memo's account of data kept past retention (legal holds), the San
Leandro community-safety record and the Alameda explanation of data kept over six months."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Notification
from alpr.models import LegalHold, Read
from audits.memo import holds_past_retention
from audits.models import Audit, AuditSchedule
from audits.reproduce import months_after
from audits.scheduling import DUE, LATE, SCHEDULED, next_due, schedule_status, schedule_statuses
from audits.services import sampling_audits as services
from audits.services.schedules import audit_reminders_send
from lib.errors import DomainError
from tests import factories

pytestmark = pytest.mark.django_db


def _quarterly(**extra):
    return AuditSchedule(name="San Leandro quarterly audit", policy="003 §418.6.1", starts_on=date(2026, 1, 15),
                         cadence_months=3, **extra)


def _alameda(**extra):
    return AuditSchedule(name="Alameda audit", policy="001 §5", starts_on=date(2026, 1, 31), cadence_months=12,
                         early_cadence_months=6, early_years=2, **extra)


def test_cadence_due_and_late_computation():
    q = _quarterly()
    assert next_due(q, None) == date(2026, 4, 15)
    assert schedule_status(q, last_opened=None, today=date(2026, 3, 31), lead_days=14).state == SCHEDULED
    assert schedule_status(q, last_opened=None, today=date(2026, 4, 1), lead_days=14).state == DUE
    assert schedule_status(q, last_opened=None, today=date(2026, 4, 15), lead_days=14).state == DUE
    late = schedule_status(q, last_opened=None, today=date(2026, 4, 18), lead_days=14)
    assert late.state == LATE and late.days_late == 3 and "late since 2026-04-15 (3 day(s))" in late.label
    # The next one counts from the last audit opened for the schedule.
    assert schedule_status(q, last_opened=date(2026, 4, 20), today=date(2026, 4, 21), lead_days=14).due_on == \
        date(2026, 7, 20)
    # Alameda: six months during the first two years after implementation, then a year.
    a = _alameda()
    assert next_due(a, None) == date(2026, 7, 31)
    assert next_due(a, date(2027, 12, 1)) == date(2028, 6, 1)
    assert next_due(a, date(2028, 3, 1)) == date(2029, 3, 1)
    # Month arithmetic keeps to the month's last day.
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert months_after(date(2027, 8, 31), 6) == date(2028, 2, 29)


def _late_and_due_schedules():
    today = timezone.localdate()
    late = AuditSchedule.objects.create(name="Quarterly", policy="003 §418.6.1", cadence_months=3,
                                        starts_on=months_after(today, -4))
    due = AuditSchedule.objects.create(name="Six-monthly", policy="001 §5", cadence_months=6,
                                       starts_on=months_after(today, -6) + timedelta(days=5))
    AuditSchedule.objects.create(name="Annual", cadence_months=12, starts_on=today - timedelta(days=30))
    AuditSchedule.objects.create(name="Switched off", cadence_months=3, starts_on=date(2020, 1, 1), active=False)
    return late, due


def test_statuses_and_an_audit_opened_for_a_schedule_resets_it(auditor):
    late, due = _late_and_due_schedules()
    states = {s.schedule.name: s.state for s in schedule_statuses()}
    assert states == {"Quarterly": LATE, "Six-monthly": DUE, "Annual": SCHEDULED}
    yesterday = timezone.localdate() - timedelta(days=1)
    audit = services.audit_open(user=auditor, title="Q", period_start=yesterday - timedelta(days=90),
                                period_end=yesterday, populations=[], schedule=late,
                                shortfall_reason="Test: no detection views")
    assert audit.schedule == late and "image_downloads" not in audit.populations
    status = next(s for s in schedule_statuses() if s.schedule == late)
    assert status.state == SCHEDULED and status.last_opened == timezone.localdate()


def test_reminders_go_to_the_auditors_once_and_by_e_mail(auditor, coordinator, officer, settings):
    settings.EMAIL_HOST = "smtp.example.invalid"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    auditor.email = "auditor@example.invalid"
    auditor.save()
    late, due = _late_and_due_schedules()
    assert audit_reminders_send() == 2
    notices = {n.key: n.message for n in Notification.objects.filter(user=auditor)}
    late_status = next(s for s in schedule_statuses() if s.schedule == late)
    assert notices[f"audit-late-{late.pk}-{late_status.due_on}"].startswith(
        "Audit late: Quarterly (003 §418.6.1) was due on")
    assert any(m.startswith("Audit due: Six-monthly (001 §5) is due by") for m in notices.values())
    assert not Notification.objects.filter(user__in=[coordinator, officer]).exists()
    assert sorted(m.subject for m in mail.outbox) == ["ALPR audit due", "ALPR audit late"]
    # Idempotent: the daily task and the command say nothing twice.
    assert audit_reminders_send() == 0
    from audits.tasks import remind_due_audits

    assert remind_due_audits.delay().get() == 0
    call_command("audit_reminders", stdout=(out := __import__("io").StringIO()))
    assert "Quarterly: late since" in out.getvalue() and "0 new reminder(s) sent." in out.getvalue()


def test_the_reminder_task_is_on_the_beat_schedule(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["audits-remind-due-audits"]
    assert entry["task"] == "audits.tasks.remind_due_audits" and entry["task"] in app.tasks


def test_dashboard_counts_due_and_late_for_auditors_only(auditor, coordinator, officer, login, client):
    from accounts.dashboard import action_counts

    _late_and_due_schedules()
    counts = {c.label: c.count for c in action_counts(auditor)}
    assert counts["Audits due"] == 1 and counts["Audits late"] == 1 and counts["Audits open"] == 0
    assert {c.label for c in action_counts(coordinator)} >= {"Audits due", "Audits late"}
    assert not [c for c in action_counts(officer) if c.label.startswith("Audits")]
    login(auditor)
    page = client.get("/audits/audits/").content.decode()
    assert "Late</strong> by" in page and "Quarterly" in page and "Six-monthly" in page
    assert "Switched off" not in page


def _read_uploaded(cam, days_ago, plate="7ABC123"):
    read = factories.read(cam, plate=plate)
    Read.objects.filter(pk=read.pk).update(uploaded_at=timezone.now() - timedelta(days=days_ago))
    return read


def _hold(user, reads, *, reason=LegalHold.Reason.ACTIVE_CRIMINAL, status=LegalHold.Status.ACTIVE, case="26-9001"):
    hold = LegalHold.objects.create(case_number=case, reason=reason, justification="Homicide, suspect vehicle",
                                    status=status, placed_by=user, review_on=timezone.localdate() + timedelta(30),
                                    placed_at=timezone.now() - timedelta(days=50))
    hold.reads.add(*reads)
    return hold


def test_the_memo_lists_holds_keeping_data_past_retention(home_agency, investigator, auditor, analyst, settings):
    settings.ALPR_RETENTION_DAYS = 30
    cam = factories.camera(home_agency)
    kept = _hold(investigator, [_read_uploaded(cam, 45), _read_uploaded(cam, 200, "8XYZ999"), _read_uploaded(cam, 2)])
    _hold(investigator, [_read_uploaded(cam, 5)], case="26-9002")  # nothing past retention yet
    _hold(investigator, [_read_uploaded(cam, 90)], status=LegalHold.Status.RELEASED, case="26-9003")
    holds = holds_past_retention()
    assert [h["hold"] for h in holds] == [kept.pk]
    assert holds[0]["reason"] == "Active criminal investigation" and holds[0]["reads_past_limit"] == 2
    assert holds[0]["reads_held"] == 3 and holds[0]["oldest_read_age_days"] == 200
    assert holds[0]["hold_age_days"] == 50
    # Alameda's six months: only the 200-day read.
    assert holds_past_retention(over_days=183)[0]["reads_past_limit"] == 1

    audit = services.audit_finalise(user=auditor, audit=_reviewed_audit(auditor, analyst, None))
    assert "26-9001" in audit.memo_html and "Active criminal investigation" in audit.memo_html
    assert "26-9002" not in audit.memo_html and "26-9003" not in audit.memo_html
    assert "2 of 3" in audit.memo_html


def _reviewed_audit(auditor, analyst, schedule):
    from alpr.models import Search

    Search.objects.create(user=analyst, organization="OPD", created_at=timezone.now() - timedelta(days=3),
                          purpose="burglary", case_number="26-1", justification="x", attested=True, criteria={},
                          status=Search.Status.RUN)
    yesterday = timezone.localdate() - timedelta(days=1)
    audit = services.audit_open(user=auditor, title="Scheduled", period_start=yesterday - timedelta(days=90),
                                period_end=yesterday, populations=[], schedule=schedule, shortfall_reason="Test")
    for item in audit.items.all():
        services.audit_item_review(user=auditor, item=item, finding="compliant", checklist={})
    return audit


def test_san_leandro_audits_record_community_safety_before_filing(auditor, analyst):
    schedule = AuditSchedule.objects.create(name="San Leandro quarterly", cadence_months=3,
                                            starts_on=date(2026, 1, 1), record_community_safety=True)
    audit = _reviewed_audit(auditor, analyst, schedule)
    with pytest.raises(DomainError, match="community-safety"):
        services.audit_finalise(user=auditor, audit=audit, community_safety="  ")
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.OPEN
    audit = services.audit_finalise(user=auditor, audit=audit,
                                    community_safety="Stolen-vehicle recoveries: 4; one <b>robbery</b> prosecution")
    assert "Stolen-vehicle recoveries: 4; one &lt;b&gt;robbery&lt;/b&gt; prosecution" in audit.memo_html


def test_alameda_audits_explain_data_kept_over_six_months(auditor, analyst, investigator, home_agency):
    schedule = AuditSchedule.objects.create(name="Alameda", cadence_months=12, early_cadence_months=6,
                                            starts_on=date(2026, 1, 1), explain_retention_over_days=183)
    audit = _reviewed_audit(auditor, analyst, schedule)
    _hold(investigator, [_read_uploaded(factories.camera(home_agency), 200)])
    with pytest.raises(DomainError, match=r"1 legal hold\(s\) keep data longer than 183 days"):
        services.audit_finalise(user=auditor, audit=audit)
    audit = services.audit_finalise(user=auditor, audit=audit,
                                    retention_explanation="Evidence in case 26-9001 pending trial")
    assert "Evidence in case 26-9001 pending trial" in audit.memo_html


def test_the_demo_has_a_late_and_a_due_schedule_and_a_re_deriving_audit(personas):
    from accounts.demo import DemoContext
    from audits import demo
    from audits.reproduce import audit_rederive

    ctx = DemoContext(password="demo-password-2026", today=timezone.localdate(), users=personas)
    demo.load(ctx)
    demo.after_frames(ctx)
    states = {s.schedule.name: s.state for s in schedule_statuses()}
    assert states == {"San Leandro quarterly audit": LATE, "Alameda six-monthly audit": DUE}
    assert Notification.objects.filter(user=personas["auditor"], key__startswith="audit-late-").exists()
    audit = Audit.objects.get()
    assert audit.stored_populations.count() == 2 and audit_rederive(audit).ok
    assert audit.sampling["detection_views"]["short"]["reason"].startswith("Demo data")
    demo.after_frames(ctx)  # idempotent
    assert AuditSchedule.objects.count() == 2 and Audit.objects.count() == 1
