import pytest

from lib.errors import IllegalTransition
from lib.workflow import StateMachine, transition

MACHINE = StateMachine(
    "door", ["open", "closed", "locked"],
    [transition("close", ["open"], "closed"), transition("lock", ["closed"], "locked"),
     transition("open", ["closed"], "open")],
)


def test_it_lists_legal_moves():
    assert [t.name for t in MACHINE.available("closed")] == ["lock", "open"]
    assert MACHINE.is_final("locked")


def test_it_refuses_illegal_moves_with_the_allowed_ones():
    assert MACHINE.check("open", "close").target == "closed"
    with pytest.raises(IllegalTransition, match="allowed from here: close"):
        MACHINE.check("open", "lock")
    with pytest.raises(IllegalTransition):
        MACHINE.check("open", "teleport")


def test_it_refuses_unknown_states_in_definitions():
    with pytest.raises(ValueError):
        StateMachine("bad", ["a"], [transition("go", ["a"], "b")])


def test_every_workflow_keeps_its_history_in_one_shape():
    # Issue 17 part 2: the five history models differed at random; each now inherits
    # accesslog.history.WorkflowHistory and adds only the key to its own object.
    from accesslog.history import WorkflowHistory
    from alpr.models import HitStatusChange, LegalHoldEvent
    from audits.models import AuditEvent
    from hotlists.models import HotlistRequestEvent
    from sharing.models import SharingRequestEvent

    def shape(model, own_key):
        return {(f.name, type(f).__name__, getattr(f, "max_length", None), f.null, f.blank)
                for f in model._meta.get_fields() if f.concrete and f.name not in ("id", own_key)}

    shapes = {model.__name__: shape(model, key) for model, key in (
        (HitStatusChange, "hit"), (HotlistRequestEvent, "request"), (SharingRequestEvent, "request"),
        (LegalHoldEvent, "hold"), (AuditEvent, "audit"))}
    assert len({frozenset(s) for s in shapes.values()}) == 1, shapes
    assert {name for name, *_ in shapes["AuditEvent"]} == {
        "transition", "from_status", "to_status", "by", "at", "note", "designation", "details"}
    assert all(issubclass(m, WorkflowHistory) for m in (HitStatusChange, HotlistRequestEvent, SharingRequestEvent,
                                                           LegalHoldEvent, AuditEvent))
