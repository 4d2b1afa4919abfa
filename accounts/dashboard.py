"""Dashboard reads: the counts of work waiting on this member (issue 21 §5).

Each count is shown only to whoever can act on it, with a link to the page where they do,
using the same checks as those pages (roles, and ID-3 designations through
`approval_authority`).

accounts is a foundation app (issue 17: no two apps import each other), so it cannot read
the apps built on it. Each app that owns a queue registers its count here from its
AppConfig.ready() (the "pass it in" of issue 17), with a rank that keeps the dashboard's
order: alerts, hot-list approvals, sharing requests, legal holds, audits, training.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import User
from accounts.selectors import approval_authority


@dataclass(frozen=True)
class ActionCount:
    label: str
    count: int
    url: str


CountProvider = Callable[[User], list[ActionCount]]
_providers: dict[str, tuple[int, CountProvider]] = {}


def register_action_counts(name: str, provider: CountProvider, *, rank: int) -> None:
    """Called by an app's ready(); registering one name again replaces it (ready() may run twice in tests)."""
    _providers[name] = (rank, provider)


def may_act_as(user, scope) -> bool:
    """The member holds this approval authority: the administrator, or a current designee (ID-3)."""
    return approval_authority(user=user, scope=scope) is not None


def action_counts(user: User) -> list[ActionCount]:
    counts: list[ActionCount] = []
    for _rank, provider in sorted(_providers.values(), key=lambda item: item[0]):
        counts.extend(provider(user))
    return counts
