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
