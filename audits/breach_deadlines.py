"""BR-1: the notification deadlines of a breach, from the agency's configuration.

California Civil Code 1798.82(a) asks that notice be given "in the most expedient time
possible and without unreasonable delay"; it names no number of days, so the agency sets
one (ALPR_BREACH_NOTICE_DAYS, counted from discovery). 1798.82(f): a breach that needs
notice to more than 500 California residents also needs a sample copy of the notice sent
to the Attorney General (ALPR_BREACH_AG_THRESHOLD, ALPR_BREACH_AG_NOTICE_DAYS). Pure
functions of the breach and a date, so the page, the dashboard and the annual report agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings


@dataclass(frozen=True)
class NoticeDeadline:
    """One notification a breach owes: to whom, by when, done on which day."""

    recipient: str
    due_on: date
    done_on: date | None
    required: bool

    def overdue(self, today: date) -> bool:
        return self.required and self.done_on is None and today > self.due_on

    def late(self) -> bool:
        """Given, but after its due date (for the annual report)."""
        return self.done_on is not None and self.done_on > self.due_on


def attorney_general_required(breach) -> bool:
    # 1798.82(f): "more than 500 California residents" -- strictly more than the threshold.
    return breach.california_residents_affected > settings.ALPR_BREACH_AG_THRESHOLD


def individuals_required(breach) -> bool:
    """Notice to affected people is owed unless the Coordinator recorded why none is due
    (e.g. no California resident's unencrypted personal information was acquired)."""
    return not breach.no_notice_reason.strip()


def deadlines(breach) -> list[NoticeDeadline]:
    found = breach.discovered_on
    rows = [NoticeDeadline("Affected people (Civil Code 1798.82(a))",
                           found + timedelta(days=settings.ALPR_BREACH_NOTICE_DAYS), breach.notified_on,
                           individuals_required(breach))]
    if attorney_general_required(breach):
        rows.append(NoticeDeadline("Attorney General (Civil Code 1798.82(f))",
                                   found + timedelta(days=settings.ALPR_BREACH_AG_NOTICE_DAYS),
                                   breach.attorney_general_notified_on, True))
    return rows


def overdue(breach, today: date) -> list[NoticeDeadline]:
    """Notifications past due and not given. A closed breach owes nothing more (closing
    requires every required notice, audits/services/breaches.py)."""
    if breach.status == breach.Status.CLOSED:
        return []
    return [d for d in deadlines(breach) if d.overdue(today)]
