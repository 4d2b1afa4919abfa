"""The one workflow engine (issue 17 part 2).

`lib.workflow.StateMachine` says which moves are legal; `apply` takes one: in one
transaction it locks the object's row, checks the move against the status stored there
(not the caller's copy, which another request may have overtaken), sets the status and
the step's time field, saves the object with whatever else the caller changed on it,
writes the history row (accesslog.history.WorkflowHistory, reached as `obj.history`) and,
when given an action, the access-log entry (AU-1). Services of hits, hot-list entry
requests, sharing requests, legal holds and sampling audits all move through here; none
writes a history row by hand. `start` writes the first history row of an object just
created (no move: the matcher's alert, a hold placed, an audit opened)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accesslog.services import record_access
from lib.workflow import StateMachine, Transition


def apply(obj, name: str, *, machine: StateMachine, by, note: str = "", details: dict | None = None,
          designation=None, stamp: str | None = None, update_fields: list[str] | None = None,
          action: str | None = None, request=None, object_type: str = "", **access) -> Transition:
    """Move `obj` by the step `name`; returns the step. `stamp` names a time field set to
    now; `update_fields`, when given, limits the save to them plus status and stamp;
    `action`, `object_type` and the remaining keywords (data_elements, case_number,
    detail...) make the access-log entry."""
    with transaction.atomic():
        stored = type(obj).objects.select_for_update().filter(pk=obj.pk).values_list("status", flat=True).get()
        step = machine.check(stored, name)
        previous, obj.status = stored, step.target
        fields = None
        if stamp:
            setattr(obj, stamp, timezone.now())
        if update_fields is not None:
            fields = list(dict.fromkeys([*update_fields, "status", *([stamp] if stamp else [])]))
        obj.save(update_fields=fields)
        obj.history.create(transition=name, from_status=previous, to_status=step.target, by=by, note=note,
                           details=details or {}, designation=designation)
        if action:
            record_access(action=action, user=by, request=request, object_type=object_type, object_id=obj.pk,
                          **access)
    return step


def start(obj, name: str, *, by, note: str = "", details: dict | None = None, designation=None):
    """The first history row of an object just created in its first status."""
    return obj.history.create(transition=name, from_status="", to_status=obj.status, by=by, note=note,
                              details=details or {}, designation=designation)


def remark(obj, name: str, *, by, note: str = "", details: dict | None = None, designation=None):
    """A history row for a step that leaves the status as it is (a stop documented on a
    hit, a request flagged by the screening)."""
    return obj.history.create(transition=name, from_status=obj.status, to_status=obj.status, by=by, note=note,
                              details=details or {}, designation=designation)
