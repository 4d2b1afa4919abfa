"""Covert entries in the access log are redacted on display (HT-4; issue 18, defect 3).

The log must record everything (AU-1), including who worked a covert list's hits, but
HT-4 keeps a covert plate, its list and its case number from everyone but the
responsible investigator (and the ALPR Administrator, who approves covert entries).
An auditor or the coordinator reading the log, its CSV or the admin sees the entry, who
acted and when, with those fields replaced. Entries are never rewritten: the hash chain
stays verifiable, and only what is shown changes.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from accounts import roles

REDACTED = "[covert: redacted]"
# The data elements that identify a covert target; the rest (from/to status, counts) stay.
COVERT_DATA_ELEMENTS = ("plate", "list", "name", "pattern", "case_number")


def sees_covert(user) -> bool:
    return user.is_superuser or user.has_role(roles.ADMINISTRATOR)


def _covert_querysets():
    """(object_type, queryset of (pk as text, responsible user id)) for each kind of
    covert object the log names."""
    from alpr.models import Hit
    from hotlists.models import Hotlist, HotlistEntryRequest

    def text_pk(qs):
        return qs.annotate(pk_text=Cast("pk", CharField()))

    return {
        "hit": (text_pk(Hit.objects.filter(is_covert=True)), "responsible_id"),
        "hotlist_request": (text_pk(HotlistEntryRequest.objects.filter(hotlist__kind=Hotlist.Kind.COVERT)),
                            "requester_id"),
        "hotlist": (text_pk(Hotlist.objects.filter(kind=Hotlist.Kind.COVERT)), None),
    }


def exclude_covert(events, user):
    """Without covert clearance, searching the log by plate or case number must not
    find covert entries either (their mere presence would tell)."""
    if sees_covert(user):
        return events
    condition = Q()
    for object_type, (qs, responsible) in _covert_querysets().items():
        own = qs.exclude(**{responsible: user.pk}) if responsible else qs
        condition |= Q(object_type=object_type, object_id__in=own.values("pk_text"))
    return events.exclude(condition)


def redact(events, user) -> list:
    """The events as a list, covert fields replaced for a viewer without clearance. Each
    event gets `redacted` (True or False) for templates."""
    events = list(events)
    for event in events:
        event.redacted = False
    if sees_covert(user) or not events:
        return events
    wanted = defaultdict(set)
    for event in events:
        wanted[event.object_type].add(event.object_id)
    hidden = set()
    for object_type, (qs, responsible) in _covert_querysets().items():
        if not wanted.get(object_type):
            continue
        rows = qs.filter(pk_text__in=wanted[object_type]).values_list("pk_text", responsible or "pk")
        hidden |= {(object_type, pk) for pk, owner in rows if not responsible or owner != user.pk}
    for event in events:
        if (event.object_type, event.object_id) in hidden:
            event.data_elements = {k: (REDACTED if k in COVERT_DATA_ELEMENTS else v)
                                   for k, v in (event.data_elements or {}).items()}
            event.case_number = REDACTED if event.case_number else ""
            event.detail = REDACTED if event.detail else ""
            event.redacted = True
    return events


def redacted_iter(events, user, size: int = 2000):
    """Stream a queryset's events (for CSV exports), redacted in chunks of `size`."""
    batch = []
    for event in events.iterator(chunk_size=size):
        batch.append(event)
        if len(batch) == size:
            yield from redact(batch, user)
            batch = []
    yield from redact(batch, user)
