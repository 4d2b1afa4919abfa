"""The hot-list matcher that fulfils alpr.services.hits.hits_for_read (HT-1, HT-5).

Every read is compared with every live entry of every active list, in memory:

- exact plate: one dict lookup;
- OCR-equivalent plate (AutoVu calls it OCR equivalence): characters of one confusion
  class (0/O/D/Q, 1/I/L, 2/Z, 5/S, 8/B, 6/G by default; ALPR_OCR_EQUIVALENCE) are
  the same; the hit records which characters were substituted;
- partial plates (HT-5): patterns with * and ?, bucketed by their first and last literal
  characters (a witness's "7AB*12" is kept under ('7', '2')), so a read is tested against
  the one or two patterns that can match its ends, not dozens (issue 23: 1,001,000 entries
  at mean <= 5 us a read).

State of issue must agree when both sides have it (ALPR_MATCH_REQUIRE_STATE).

The index is built from the database once per process, in two tiers (downloaded lists;
internal entries), and a tier is rebuilt when its counter on the version row
(MatcherVersion, bumped in the same transaction as any change) moves; the versions are
checked at most every ALPR_MATCHER_REFRESH_SECONDS. Entries with
a time window (internal entries) keep it in the index, and it is checked at match time,
so an entry never matches past its expiry even if the expiry task is late (HL-5).

Memory: external entries (the million-row NCIC/SVS lists) are packed as one int per
plate (entry id and state index); see benchmarks/hotlist_match.py.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

_STATE_BITS = 7  # up to 127 distinct states of issue, index 0 = unknown


@dataclass(frozen=True)
class Match:
    entry_id: int
    kind: str = "exact"  # exact, equivalent, partial
    substitutions: str = ""


def equivalence_table(classes: list[str]) -> dict[str, str]:
    table = {}
    for group in classes:
        canonical = group[0]
        for ch in group:
            table[ch] = canonical
    return table


class MatcherIndex:
    def __init__(self, classes: list[str], require_state: bool):
        self.require_state = require_state
        self._canon = str.maketrans(equivalence_table(classes))
        self.states: list[str] = [""]
        self._state_index: dict[str, int] = {"": 0}
        self.exact: dict[str, int | tuple[int, ...]] = {}
        self.canonical: dict[str, str | tuple[str, ...]] = {}
        # (first char or "", last char or "") -> patterns; "" where the pattern's end is a wildcard
        self.patterns: dict[tuple[str, str], list[tuple[re.Pattern, int]]] = {}
        # For a read's (first, last) characters: the patterns of the four buckets it can match
        # and one alternation of them, compiled on first use. A read that matches none of
        # them (nearly every read) is turned away by one C-level match instead of a Python
        # loop over a dozen patterns (CA plates begin and end with digits, so buckets keyed
        # by digits hold ~10 patterns each at 1,000 partial entries).
        self._ends: dict[tuple[str, str], tuple[re.Pattern, list[tuple[re.Pattern, int]]]] = {}
        self.windows: dict[int, tuple[float, float | None]] = {}
        self.version = -1
        self.size = 0

    # --- building -------------------------------------------------------------------------
    def _pack(self, entry_id: int, state: str) -> int:
        idx = self._state_index.get(state)
        if idx is None:
            idx = self._state_index[state] = len(self.states)
            self.states.append(state)
        return (entry_id << _STATE_BITS) | idx

    def canonical_form(self, plate: str) -> str:
        return plate.translate(self._canon)

    def add(self, entry_id: int, plate: str, pattern: str, state: str,
            active_from: float | None = None, expires_at: float | None = None) -> None:
        packed = self._pack(entry_id, state or "")
        if active_from is not None or expires_at is not None:
            self.windows[entry_id] = (active_from or 0.0, expires_at)
        self.size += 1
        if plate:
            current = self.exact.get(plate)
            self.exact[plate] = packed if current is None else (
                (*current, packed) if isinstance(current, tuple) else (current, packed))
            canon = self.canonical_form(plate)
            if canon != plate:
                # Plates that are already canonical are found by looking the read's canonical
                # form up in `exact`; only the others need this second map.
                seen = self.canonical.get(canon)
                if seen is None:
                    self.canonical[canon] = plate
                elif seen != plate and not (isinstance(seen, tuple) and plate in seen):
                    self.canonical[canon] = (*seen, plate) if isinstance(seen, tuple) else (seen, plate)
        if pattern:
            rx = re.compile("^" + pattern.replace("*", ".*").replace("?", ".") + "$")
            key = (pattern[0] if pattern[0] not in "*?" else "", pattern[-1] if pattern[-1] not in "*?" else "")
            self.patterns.setdefault(key, []).append((rx, packed))
            self._ends.clear()

    # --- matching -------------------------------------------------------------------------
    def _live(self, entry_id: int, now: float) -> bool:
        window = self.windows.get(entry_id)
        if window is None:
            return True
        start, end = window
        return start <= now and (end is None or now < end)

    def _state_ok(self, packed: int, state: str) -> bool:
        if not self.require_state or not state:
            return True
        entry_state = self.states[packed & ((1 << _STATE_BITS) - 1)]
        return not entry_state or entry_state == state

    def _accept(self, packed, state, now, found, kind, subs="") -> None:
        for p in packed if isinstance(packed, tuple) else (packed,):
            entry_id = p >> _STATE_BITS
            if entry_id not in found and self._state_ok(p, state) and self._live(entry_id, now):
                found[entry_id] = Match(entry_id=entry_id, kind=kind, substitutions=subs)

    def prepare(self, alphabet: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") -> None:
        """Compile the partial patterns for every pair of plate ends once the index is built,
        so no read pays for a compile (the matcher would otherwise compile them one pair at
        a time on the first reads: ~1,300 pairs)."""
        if self.patterns:
            for first in alphabet:
                for last in alphabet:
                    self._ends[(first, last)] = self._candidates(first, last)

    def _candidates(self, first: str, last: str):
        bucket = [p for key in ((first, last), (first, ""), ("", last), ("", "")) for p in self.patterns.get(key, ())]
        return re.compile("|".join(f"(?:{rx.pattern})" for rx, _ in bucket) or "(?!)"), bucket

    def match(self, plate: str, state: str = "", now: float | None = None) -> list[Match]:
        # The hot path of every read (issue 23: mean <= 5 us at 1,001,000 entries): nothing
        # is allocated for a read that matches nothing but the lookups themselves.
        now = time.time() if now is None else now
        found: dict[int, Match] = {}
        exact = self.exact
        hit = exact.get(plate)
        if hit is not None:
            self._accept(hit, state, now, found, "exact")
        canon = plate.translate(self._canon)
        if canon != plate and canon in exact:
            self._accept(exact[canon], state, now, found, "equivalent", _substitutions(plate, canon))
        listed = self.canonical.get(canon)
        if listed is not None:
            for other in listed if isinstance(listed, tuple) else (listed,):
                if other != plate:
                    self._accept(exact[other], state, now, found, "equivalent", _substitutions(plate, other))
        if self.patterns and plate:
            ends = (plate[0], plate[-1])
            candidates = self._ends.get(ends)
            if candidates is None:
                candidates = self._ends[ends] = self._candidates(*ends)
            any_rx, bucket = candidates
            if bucket and any_rx.match(plate) is not None:
                for rx, packed in bucket:  # some pattern matches: which ones
                    if rx.match(plate):
                        self._accept(packed, state, now, found, "partial")
        return list(found.values()) if found else []


def _substitutions(read_plate: str, entry_plate: str) -> str:
    return ", ".join(f"{a}→{b} at {i + 1}" for i, (a, b) in enumerate(zip(read_plate, entry_plate, strict=True))
                     if a != b)


TIERS = ("internal", "external")


def build_index(tier: str = "internal") -> MatcherIndex:
    from hotlists.models import HotlistEntry
    from hotlists.screening import permitted_sources

    index = MatcherIndex(list(settings.ALPR_OCR_EQUIVALENCE), settings.ALPR_MATCH_REQUIRE_STATE)
    index.version = current_versions()[tier]
    now = timezone.now()
    rows = (
        HotlistEntry.objects.filter(status=HotlistEntry.Status.ACTIVE, hotlist__active=True,
                                    hotlist__is_external=(tier == "external"),
                                    # HL-1 (issue 19 §5): a list enabled before the department
                                    # narrowed its permitted sources alerts no more.
                                    hotlist__source__in=permitted_sources())
        .exclude(expires_at__lte=now)
        .values_list("pk", "plate", "pattern", "state", "active_from", "expires_at")
        .iterator(chunk_size=20_000)
    )
    for pk, plate, pattern, state, active_from, expires_at in rows:
        if expires_at is None and active_from <= now:
            index.add(pk, plate, pattern, state)
        else:
            index.add(pk, plate, pattern, state, active_from.timestamp(),
                      expires_at.timestamp() if expires_at else None)
    index.prepare()
    return index


def current_versions() -> dict[str, int]:
    from hotlists.models import MatcherVersion

    row = MatcherVersion.objects.filter(pk=1).values_list("version", "external_version").first() or (0, 0)
    return {"internal": row[0], "external": row[1]}


def current_version() -> str:
    """One token for both tiers (the mobile units' ETag)."""
    versions = current_versions()
    return f"{versions['external']}.{versions['internal']}"


def bump_version(*, external: bool = False) -> None:
    """Call inside the transaction that changes lists or entries: the services, the
    feed import and the admin do. Explicit rather than a save signal, so a bulk import
    bumps once, not once per row."""
    from hotlists.models import MatcherVersion

    field = "external_version" if external else "version"
    if not MatcherVersion.objects.filter(pk=1).update(**{field: F(field) + 1}, changed_at=timezone.now()):
        MatcherVersion.objects.get_or_create(pk=1, defaults={field: 1})


_lock = threading.Lock()
_indexes: dict[str, MatcherIndex] = {}
_checked_at = 0.0


def get_indexes() -> list[MatcherIndex]:
    """The process's indexes, rebuilt per tier when its version moved. A rebuild happens
    outside the lock, so matching in other threads goes on with the old index meanwhile."""
    global _checked_at
    now = time.monotonic()
    if len(_indexes) == len(TIERS) and now - _checked_at < settings.ALPR_MATCHER_REFRESH_SECONDS:
        return list(_indexes.values())
    versions = current_versions()
    _checked_at = time.monotonic()
    for tier in TIERS:
        current = _indexes.get(tier)
        if current is None or current.version != versions[tier]:
            fresh = build_index(tier)
            with _lock:
                _indexes[tier] = fresh
    return list(_indexes.values())


def reset_index() -> None:
    global _checked_at
    with _lock:
        _indexes.clear()
        _checked_at = 0.0


def find_matches(read) -> list[Match]:
    matches: list[Match] = []
    for index in get_indexes():
        matches.extend(index.match(read.plate, read.state))
    return matches
