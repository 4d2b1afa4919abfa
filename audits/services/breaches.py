"""BR-1: data breaches involving ALPR data, as a workflow (DGO I-12 §J, 000: "Reporting
breaches", "Implementing post-breach procedures"; 001: "For security or data breaches, see
the Records Release and Maintenance Policy"; California Civil Code 1798.82).

    discovered --contain--> contained --begin_notification--> notifying
    notifying --notify_people / notify_attorney_general / no_notice_due (remarks)--> notifying
    notifying --notifications_complete (every required notice given)--> follow_up
    follow_up --close (post-breach actions recorded)--> closed

Only the ALPR Coordinator (custodian of the system, ID-2) and the ALPR Administrator act on
a breach; auditors read it. Every step goes through accesslog.workflow (history row and
access-log entry, AU-1). The deadlines are audits/breach_deadlines.py.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from accesslog import workflow
from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from audits import breach_deadlines
from audits.models import BreachRecord
from lib.errors import DomainError, NotPermitted
from lib.workflow import StateMachine, transition

logger = logging.getLogger(__name__)
B = BreachRecord.Status

WORKFLOW = StateMachine("breach", B.values, [
    transition("contain", [B.DISCOVERED], B.CONTAINED, "Record containment"),
    transition("begin_notification", [B.CONTAINED], B.NOTIFYING, "Begin notifications"),
    transition("notifications_complete", [B.NOTIFYING], B.FOLLOW_UP, "Notifications complete: to follow-up"),
    transition("close", [B.FOLLOW_UP], B.CLOSED, "Close the breach"),
])
ACTORS = (roles.COORDINATOR, roles.ADMINISTRATOR)
TEXT_LIMIT = 5000


def may_act_on_breaches(user) -> bool:
    return user is not None and user.is_authenticated and user.has_role(*ACTORS)


def _require_actor(user):
    if not may_act_on_breaches(user):
        raise NotPermitted("Only the ALPR Coordinator or the ALPR Administrator acts on a breach (BR-1).")


def _text(value: str, what: str, *, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{what} is required.")
    if len(value) > limit:
        raise DomainError(f"{what} is longer than {limit} characters.")
    return value


def _past_date(value, what: str, *, not_before: date | None = None) -> date:
    if not isinstance(value, date):
        raise DomainError(f"{what}: give a date.")
    if value > timezone.localdate():
        raise DomainError(f"{what} cannot be in the future.")
    if not_before is not None and value < not_before:
        raise DomainError(f"{what} cannot be before {not_before}.")
    return value


def breach_report(*, by, occurred_on: date, discovered_on: date, summary: str, records_affected: int = 0,
                  california_residents_affected: int = 0, request=None) -> BreachRecord:
    """A breach is reported: it starts 'discovered'; its deadlines run from discovery."""
    _require_actor(by)
    summary = _text(summary, "The summary", limit=300)
    discovered_on = _past_date(discovered_on, "The discovery date")
    occurred_on = _past_date(occurred_on, "The date it occurred")
    if occurred_on > discovered_on:
        raise DomainError("A breach cannot be discovered before it occurred.")
    if records_affected < 0 or california_residents_affected < 0:
        raise DomainError("Counts cannot be negative.")
    with transaction.atomic():
        breach = BreachRecord.objects.create(
            occurred_on=occurred_on, discovered_on=discovered_on, summary=summary, records_affected=records_affected,
            california_residents_affected=california_residents_affected, recorded_by=by)
        workflow.start(breach, "report", by=by, details={"california_residents_affected":
                                                          california_residents_affected})
        record_access(action=Action.BREACH_REPORT, user=by, request=request, object_type="breach",
                      object_id=breach.pk, data_elements={"discovered_on": str(discovered_on)})
    logger.warning("breach #%s reported by %s: %s", breach.pk, by.username, summary)
    return breach


def _step(breach, name, *, by, note="", details=None, update_fields=(), stamp=None, request=None):
    return workflow.apply(breach, name, machine=WORKFLOW, by=by, note=note, details=details,
                          update_fields=list(update_fields), stamp=stamp, action=Action.BREACH_STEP,
                          request=request, object_type="breach", data_elements={"step": name})


def breach_contain(*, breach: BreachRecord, by, containment: str, request=None) -> BreachRecord:
    _require_actor(by)
    breach.containment = _text(containment, "How the breach was contained")
    _step(breach, "contain", by=by, note=breach.containment, update_fields=["containment"], stamp="contained_at",
          request=request)
    return breach


def breach_begin_notification(*, breach: BreachRecord, by, california_residents_affected: int | None = None,
                              request=None) -> BreachRecord:
    """Containment done, notifications start; the count of residents affected may be
    corrected now that it is known (it decides whether the Attorney General is owed one)."""
    _require_actor(by)
    if california_residents_affected is not None:
        if california_residents_affected < 0:
            raise DomainError("Counts cannot be negative.")
        breach.california_residents_affected = california_residents_affected
    _step(breach, "begin_notification", by=by, update_fields=["california_residents_affected"],
          details={"california_residents_affected": breach.california_residents_affected,
                   "attorney_general_required": breach_deadlines.attorney_general_required(breach)},
          request=request)
    return breach


NOTICES = {
    # name: (field, history step, what)
    "people": ("notified_on", "notify_people", "The day affected people were notified"),
    "attorney_general": ("attorney_general_notified_on", "notify_attorney_general",
                         "The day the Attorney General was sent the sample notice"),
}


def breach_record_notice(*, breach: BreachRecord, by, recipient: str, given_on: date, method: str = "",
                         request=None) -> BreachRecord:
    """A notification given, while notifications are under way. A status-keeping step: a
    history row (workflow.remark) and an access-log entry."""
    _require_actor(by)
    if recipient not in NOTICES:
        raise DomainError("Unknown recipient.")
    field, step, what = NOTICES[recipient]
    given_on = _past_date(given_on, what, not_before=breach.discovered_on)
    method = _text(method, "How notice was given", required=recipient == "people", limit=200)
    with transaction.atomic():
        locked = BreachRecord.objects.select_for_update().get(pk=breach.pk)
        if locked.status != B.NOTIFYING:
            raise DomainError("Notifications are recorded while the breach's notifications are under way.")
        if recipient == "attorney_general" and not breach_deadlines.attorney_general_required(locked):
            raise DomainError("The Attorney General is notified when more than "
                              "the configured number of California residents are affected (1798.82(f)).")
        setattr(locked, field, given_on)
        fields = [field]
        if recipient == "people":
            locked.notification_method, locked.no_notice_reason = method, ""
            fields += ["notification_method", "no_notice_reason"]
        locked.save(update_fields=fields)
        workflow.remark(locked, step, by=by, note=method, details={"given_on": str(given_on)})
        record_access(action=Action.BREACH_STEP, user=by, request=request, object_type="breach", object_id=locked.pk,
                      data_elements={"step": step, "given_on": str(given_on)})
    return locked


def breach_no_notice_due(*, breach: BreachRecord, by, reason: str, request=None) -> BreachRecord:
    """No individual notice is owed (e.g. the data was encrypted and the key not acquired,
    1798.82(a)); the reason is kept and shown in the annual report."""
    _require_actor(by)
    reason = _text(reason, "Why no notice is due")
    with transaction.atomic():
        locked = BreachRecord.objects.select_for_update().get(pk=breach.pk)
        if locked.status != B.NOTIFYING:
            raise DomainError("Notifications are decided while the breach's notifications are under way.")
        if locked.notified_on is not None:
            raise DomainError("Affected people were already notified.")
        locked.no_notice_reason = reason
        locked.save(update_fields=["no_notice_reason"])
        workflow.remark(locked, "no_notice_due", by=by, note=reason)
        record_access(action=Action.BREACH_STEP, user=by, request=request, object_type="breach", object_id=locked.pk,
                      data_elements={"step": "no_notice_due"})
    return locked


def breach_notifications_complete(*, breach: BreachRecord, by, request=None) -> BreachRecord:
    _require_actor(by)
    breach.refresh_from_db()
    WORKFLOW.check(breach.status, "notifications_complete")  # the step's place first (apply checks it again, locked)
    missing = [d.recipient for d in breach_deadlines.deadlines(breach) if d.required and d.done_on is None]
    if missing:
        raise DomainError("Notifications still owed: " + "; ".join(missing) + ".")
    _step(breach, "notifications_complete", by=by, request=request)
    return breach


def breach_close(*, breach: BreachRecord, by, actions_taken: str, request=None) -> BreachRecord:
    """Post-breach procedures done (000 §J): what was done is required to close."""
    _require_actor(by)
    breach.actions_taken = _text(actions_taken, "The post-breach actions taken")
    _step(breach, "close", by=by, note=breach.actions_taken, update_fields=["actions_taken"], stamp="closed_at",
          request=request)
    return breach
