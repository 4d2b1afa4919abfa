"""Workflows as data: a state machine that lists its legal moves and refuses others.

Each workflow (hit, hot-list entry request, sharing request, legal hold, sampling audit)
declares its transitions once; its services move an object through the one engine,
accesslog.workflow.apply, which checks the move here and writes the history row and the
access-log entry (issue 17). UI and API ask `available()` so they only ever offer legal
moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lib.errors import IllegalTransition


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    label: str = ""


class StateMachine:
    def __init__(self, name: str, states: Iterable[str], transitions: Iterable[Transition]):
        self.name = name
        self.states = tuple(states)
        self.transitions = {t.name: t for t in transitions}
        for t in self.transitions.values():
            unknown = (set(t.sources) | {t.target}) - set(self.states)
            if unknown:
                raise ValueError(f"{name}: transition {t.name} names unknown states {sorted(unknown)}")

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def check(self, state: str, transition_name: str) -> Transition:
        transition = self.transitions.get(transition_name)
        if transition is None:
            raise IllegalTransition(f"{self.name}: there is no step called {transition_name!r}")
        if state not in transition.sources:
            allowed = ", ".join(t.name for t in self.available(state)) or "none (final state)"
            raise IllegalTransition(
                f"{self.name}: cannot {transition_name} from {state!r}; allowed from here: {allowed}"
            )
        return transition

    def is_final(self, state: str) -> bool:
        return not self.available(state)


def transition(name: str, sources: Iterable[str], target: str, label: str = "") -> Transition:
    return Transition(name=name, sources=frozenset(sources), target=target, label=label or name)
