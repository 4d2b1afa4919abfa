"""The hot-list matcher that fulfils alpr.hits.hits_for_read (HT-1).

This first matcher asks the database for exact plates on live entries (one indexed query
per read). State of issue must agree when both sides have it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from hotlists.models import Hotlist, HotlistEntry


@dataclass(frozen=True)
class Match:
    entry_id: int
    kind: str = "exact"  # exact, equivalent, partial
    substitutions: str = ""


def find_matches(read) -> list[Match]:
    now = timezone.now()
    entries = (
        HotlistEntry.objects.filter(plate=read.plate, status=HotlistEntry.Status.ACTIVE, active_from__lte=now,
                                    hotlist__active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list("pk", "state")
    )
    return [
        Match(entry_id=pk)
        for pk, state in entries
        if not (state and read.state and state != read.state)
    ]


__all__ = ["Match", "find_matches", "Hotlist"]
