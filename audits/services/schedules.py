"""Reminders of audits due or late (AU-5, issue 20). The cadence arithmetic is a read, in
audits.scheduling; this sends the notices."""

from __future__ import annotations

import logging

from accounts import roles
from accounts.services import notify_role_holders
from audits.scheduling import DUE, LATE, schedule_statuses

logger = logging.getLogger(__name__)


def audit_reminders_send(*, today=None) -> int:
    """Tell the auditors (in-app, and by e-mail when EMAIL_HOST is set) of each schedule's
    audit that is due or late. Idempotent: one notice per schedule, due date and state, so
    the daily task and a rerun say nothing twice; a late audit is told once more when it
    turns late. Returns the number of notices made."""
    sent = 0
    for status in schedule_statuses(today):
        if status.state not in (DUE, LATE):
            continue
        schedule = status.schedule
        policy = f" ({schedule.policy})" if schedule.policy else ""
        if status.state == LATE:
            message = (f"Audit late: {schedule.name}{policy} was due on {status.due_on}, "
                       f"{status.days_late} day(s) ago, and no audit has been opened for it since.")
        else:
            message = f"Audit due: {schedule.name}{policy} is due by {status.due_on}. Open it from Sampling audits."
        made = notify_role_holders(role_names=(roles.AUDITOR,), key=f"audit-{status.state}-{schedule.pk}-"
                                   f"{status.due_on}", message=message, subject=f"ALPR audit {status.state}")
        if made:
            logger.info("audit reminder: schedule %s %s (due %s), %s notice(s)", schedule.pk, status.state,
                        status.due_on, made)
        sent += made
    return sent
