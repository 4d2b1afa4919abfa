"""When audits are due (AU-5, issue 20): reads over the audit schedules.

A schedule's next audit is due one cadence after the last audit opened for it (or after
the schedule's start when none was): San Leandro quarterly (003 §418.6.1); Alameda every
six months for the first two years after implementation, then at least annually (001 §5).
Within ALPR_AUDIT_REMINDER_DAYS of that date it is *due*; after it, *late*. The daily task
(audits.tasks.remind_due_audits, or `manage.py audit_reminders` on the embedded default,
which has no beat) tells the auditors; their dashboard counts it live, so it is right even
where no task ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from audits.reproduce import months_after

SCHEDULED, DUE, LATE = "scheduled", "due", "late"


def cadence_months_on(schedule, day: date) -> int:
    """The cadence in force on `day`: the shorter early one for the schedule's first years."""
    if schedule.early_cadence_months and day < months_after(schedule.starts_on, 12 * schedule.early_years):
        return schedule.early_cadence_months
    return schedule.cadence_months


def next_due(schedule, last_opened: date | None) -> date:
    anchor = last_opened or schedule.starts_on
    return months_after(anchor, cadence_months_on(schedule, anchor))


@dataclass(frozen=True)
class ScheduleStatus:
    schedule: object
    last_opened: date | None
    due_on: date
    state: str
    days_late: int

    @property
    def label(self) -> str:
        if self.state == LATE:
            return f"{self.schedule.name}: late since {self.due_on} ({self.days_late} day(s))"
        if self.state == DUE:
            return f"{self.schedule.name}: due by {self.due_on}"
        return f"{self.schedule.name}: next due {self.due_on}"


def schedule_status(schedule, *, last_opened: date | None, today: date, lead_days: int) -> ScheduleStatus:
    due_on = next_due(schedule, last_opened)
    if today > due_on:
        return ScheduleStatus(schedule, last_opened, due_on, LATE, (today - due_on).days)
    state = DUE if today >= due_on - timedelta(days=lead_days) else SCHEDULED
    return ScheduleStatus(schedule, last_opened, due_on, state, 0)


def schedule_statuses(today: date | None = None) -> list[ScheduleStatus]:
    """Every active schedule's state today (in the agency's zone), most urgent first."""
    from audits.models import AuditSchedule

    today = today or timezone.localdate()
    schedules = AuditSchedule.objects.filter(active=True).annotate(last=Max("audits__opened_at"))
    statuses = [
        schedule_status(s, last_opened=timezone.localtime(s.last).date() if s.last else None, today=today,
                        lead_days=settings.ALPR_AUDIT_REMINDER_DAYS)
        for s in schedules
    ]
    order = {LATE: 0, DUE: 1, SCHEDULED: 2}
    return sorted(statuses, key=lambda st: (order[st.state], st.due_on))
