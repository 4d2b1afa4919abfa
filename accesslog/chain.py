"""The access log's hash chain (AU-1): tamper-evidence on top of append-only.

Every entry carries `entry_hash` = SHA-256 over its own canonical content, which includes
its `sequence` and the previous entry's hash. Writes are serialised (one writer at a
time appends the next sequence number), so the chain is one line. `verify_chain` walks it
and names the first entry that was altered, removed or reordered; each verification that
passes leaves a checkpoint (`AccessLogVerification`) so that cutting entries off the end
of the log is caught by the next run too.

What it does not stop: somebody who can write the database directly and recompute every
hash after the one they changed. The checkpoints and the nightly result shown to auditors
narrow that window to the time since the last verification; printing or exporting the
last hash elsewhere (it is on the audit dashboard) closes it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import threading
from dataclasses import dataclass
from datetime import UTC

from django.db import connections, transaction

GENESIS = "0" * 64
# pg_advisory_xact_lock key for "appending to the access log" (any constant bigint).
_PG_LOCK_KEY = 0x414C5052_4C4F47  # "ALPRLOG"
_local_lock = threading.RLock()

CHUNK = 5000
# Entries sealed per transaction: a batch holds the sealer lock for milliseconds.
SEAL_BATCH = 2000


def normalise_address(value: str | None) -> str | None:
    """The form the database gives back (PostgreSQL's inet prints the compressed form), so
    the hash computed before the write equals the one computed from the row."""
    if not value:
        return None
    try:
        return ipaddress.ip_address(value.strip()).compressed
    except ValueError:
        return None


# The fields each entry's hash covers, in the export's JSONL (audits/log_export.py) and in
# the standalone verifier (audits/verify_export.py), which must agree with this list.
HASHED_FIELDS = (
    "sequence", "occurred_at", "user_id", "username", "agency_id", "agency_name", "action", "object_type",
    "object_id", "data_elements", "purpose", "case_number", "client_address", "outcome", "detail", "previous_hash",
)


def canonical_payload(event) -> dict:
    """The hashed content of one entry as JSON-ready values (HASHED_FIELDS)."""
    return {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "user_id": event.user_id,
        "username": event.username,
        "agency_id": event.agency_id,
        "agency_name": event.agency_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data_elements": event.data_elements,
        "purpose": event.purpose,
        "case_number": event.case_number,
        "client_address": normalise_address(event.client_address),
        "outcome": event.outcome,
        "detail": event.detail,
        "previous_hash": event.previous_hash,
    }


def canonical_bytes(payload: dict) -> bytes:
    # audits/verify_export.py repeats this line exactly: the export is verified without Django.
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def canonical(event) -> bytes:
    return canonical_bytes(canonical_payload(event))


def entry_hash(event) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def append(event, using: str = "default"):
    """Insert `event` unsealed (no sequence yet). Called by record_access only.

    Issue 23 item 1: no lock is taken here, so a caller's transaction never waits for
    another caller's (the old design held a database-wide advisory lock until the caller
    committed: one slow transaction that logged stalled every page that logged). The
    entry is given its place in the chain by `seal`, after it commits. `occurred_at` is
    the time of the access; the chain's order is the order the entries were sealed in,
    which differs from time order only by how long a transaction stayed open.

    With ALPR_ACCESS_LOG_SEAL=inline (the embedded default, no broker) the entry is sealed
    at once, inside the caller's transaction, as before: one process, a SQLite file lock,
    nothing to decouple; `make run` and the tests see sealed entries.
    """
    from django.conf import settings
    from django.utils import timezone

    event.occurred_at = timezone.now()
    event.client_address = normalise_address(event.client_address)
    event.sequence, event.previous_hash, event.entry_hash = None, "", ""
    event.save(using=using)
    if settings.ALPR_ACCESS_LOG_SEAL == "inline":
        seal(using=using)
        event.refresh_from_db(using=using, fields=["sequence", "previous_hash", "entry_hash"])
    return event


def _lock(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def seal(*, using: str = "default", batch: int = SEAL_BATCH, limit: int | None = None) -> int:
    """Give every committed unsealed entry its place in the chain; return how many.

    One sealer at a time (the advisory lock, PostgreSQL; the process lock and SQLite's
    file lock otherwise). Each batch is one transaction: read the head, number the oldest
    unsealed entries (by id, i.e. insert order) after it, hash them and write the three
    seal fields. A crash mid-batch rolls the whole batch back, so the chain is never
    forked or left with a gap; the next run starts again from the committed head. Under
    READ COMMITTED an entry whose transaction has not committed is invisible here and is
    sealed by a later run, after the entries that committed before it; an entry whose
    transaction rolled back never existed. The append-only trigger lets exactly this
    update through (accesslog migration 0002): unsealed row, only the seal fields set.
    """
    total = 0
    while limit is None or total < limit:
        size = batch if limit is None else min(batch, limit - total)
        done = _seal_batch(using, size)
        total += done
        if done < size:
            break
    return total


def _seal_batch(using: str, size: int) -> int:
    from accesslog.models import AccessEvent

    connection = connections[using]
    with _local_lock, transaction.atomic(using=using):
        _lock(connection)
        head = (
            AccessEvent.objects.using(using).filter(sequence__isnull=False)
            .order_by("-sequence").values_list("sequence", "entry_hash").first()
        )
        seq, prev = head if head else (0, GENESIS)
        pending = list(AccessEvent.objects.using(using).filter(sequence__isnull=True).order_by("id")[:size])
        if not pending:
            return 0
        rows = []
        for event in pending:
            seq += 1
            event.sequence, event.previous_hash = seq, prev
            event.entry_hash = prev = entry_hash(event)
            rows.append((event.sequence, event.previous_hash, event.entry_hash, event.pk))
        table = AccessEvent._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement per batch (a round trip per row cost more than the rows).
                values = ",".join(["(%s::bigint, %s, %s, %s::bigint)"] * len(rows))
                cursor.execute(
                    f"UPDATE {table} AS e SET sequence = v.seq, previous_hash = v.prev, entry_hash = v.hash "  # noqa: S608
                    f"FROM (VALUES {values}) AS v(seq, prev, hash, id) WHERE e.id = v.id AND e.sequence IS NULL",
                    [x for row in rows for x in row])
            else:
                cursor.executemany(
                    f"UPDATE {table} SET sequence = %s, previous_hash = %s, entry_hash = %s "  # noqa: S608 - own table
                    "WHERE id = %s AND sequence IS NULL", rows)
            cursor.execute(f"SELECT count(*) FROM {table} WHERE sequence > %s AND sequence <= %s",  # noqa: S608
                           [rows[0][0] - 1, seq])
            if cursor.fetchone()[0] != len(rows):
                # Cannot happen under the lock; if it did, sealing part of the batch would
                # leave a gap, so the whole batch is undone.
                raise RuntimeError("access log sealer: an entry of the batch was not sealed; batch rolled back")
    return len(rows)


def unsealed_count(*, using: str = "default", older_than_seconds: int = 0) -> int:
    """Committed entries still waiting for the sealer (older than the given age)."""
    from datetime import timedelta

    from django.utils import timezone

    from accesslog.models import AccessEvent

    qs = AccessEvent.objects.using(using).filter(sequence__isnull=True)
    if older_than_seconds:
        qs = qs.filter(occurred_at__lt=timezone.now() - timedelta(seconds=older_than_seconds))
    return qs.count()


@dataclass(frozen=True)
class ChainResult:
    ok: bool
    entries_checked: int
    last_sequence: int | None
    last_hash: str
    problem: str = ""
    bad_entry_id: int | None = None
    bad_sequence: int | None = None


_ROW_FIELDS = ("id", "entry_hash", *HASHED_FIELDS)


class _Row:
    """An entry as read for verification: the hashed fields and no model instance (a
    100,000-entry increment is verified in about a second rather than several)."""

    __slots__ = _ROW_FIELDS

    def __init__(self, values: dict):
        for name in _ROW_FIELDS:
            setattr(self, name, values[name])

    @property
    def pk(self):
        return self.id


def _rows(using: str, after: int = 0):
    from accesslog.models import AccessEvent

    qs = (AccessEvent.objects.using(using).filter(sequence__gt=after).order_by("sequence")
          .values(*_ROW_FIELDS))
    for values in qs.iterator(chunk_size=CHUNK):
        yield _Row(values)


def verify_chain(*, using: str = "default", checkpoint=None, start=None) -> ChainResult:
    """Walk the chain in sequence order; stop at the first fault and say which entry.

    `checkpoint` (sequence, hash) from an earlier passing run: that entry must still be
    there, unchanged, or the log lost entries since (e.g. its tail was cut off).

    `start` (sequence, hash), issue 23: incremental verification. The entry at `start`
    (the last verified checkpoint) must still be there with that hash and its content
    must still match it; then only the entries after it are walked. A rewrite before the
    checkpoint that recomputed every later hash shows as a changed checkpoint entry; a
    change before it that did not is found by the full walk (`start=None`), which stays
    available on request (verify_access_log --full). Entries the sealer has not reached
    yet have no sequence and are not part of the chain yet; they are not counted.
    """
    from accesslog.models import AccessEvent

    checked, prev_seq, prev_hash = 0, 0, GENESIS
    if start is not None and start[0]:
        anchor = AccessEvent.objects.using(using).filter(sequence=start[0]).first()
        if anchor is None:
            return ChainResult(False, 0, None, "", f"Entry #{start[0]} (the last verified checkpoint) is missing: "
                               "the log was cut short or rewritten.", None, start[0])
        if anchor.entry_hash != start[1] or entry_hash(anchor) != anchor.entry_hash:
            return ChainResult(False, 1, None, "", f"Entry #{anchor.sequence} (id {anchor.pk}) differs from the one "
                               "verified earlier: the log was rewritten from that point.", anchor.pk, anchor.sequence)
        checked, prev_seq, prev_hash = 1, anchor.sequence, anchor.entry_hash
    seen_checkpoint = checkpoint is None or checkpoint[0] <= prev_seq
    for event in _rows(using, prev_seq):
        checked += 1
        if entry_hash(event) != event.entry_hash:
            return ChainResult(
                False, checked, prev_seq or None, prev_hash,
                f"Entry #{event.sequence} (id {event.pk}, {event.action} by {event.username or '-'}) was altered "
                "or moved: its content no longer matches its hash.", event.pk, event.sequence,
            )
        if event.sequence != prev_seq + 1:
            missing = f"#{prev_seq + 1}" if event.sequence == prev_seq + 2 else f"#{prev_seq + 1}–#{event.sequence - 1}"
            return ChainResult(
                False, checked, prev_seq or None, prev_hash,
                f"Entry {missing} removed: the chain jumps from #{prev_seq} to #{event.sequence} (id {event.pk}).",
                event.pk, event.sequence,
            )
        if event.previous_hash != prev_hash:
            return ChainResult(
                False, checked, prev_seq or None, prev_hash,
                f"Entry #{event.sequence} (id {event.pk}) does not follow entry #{prev_seq}: an entry before it was "
                "replaced or the entries were reordered.", event.pk, event.sequence,
            )
        if checkpoint is not None and event.sequence == checkpoint[0]:
            if event.entry_hash != checkpoint[1]:
                return ChainResult(
                    False, checked, prev_seq or None, prev_hash,
                    f"Entry #{event.sequence} (id {event.pk}) differs from the one verified earlier: the log was "
                    "rewritten from that point.", event.pk, event.sequence,
                )
            seen_checkpoint = True
        prev_seq, prev_hash = event.sequence, event.entry_hash
    if not seen_checkpoint:
        return ChainResult(
            False, checked, prev_seq or None, prev_hash,
            f"Entries from #{prev_seq + 1} to #{checkpoint[0]} (verified earlier) are missing: the log was cut "
            "short.", None, prev_seq + 1,
        )
    return ChainResult(True, checked, prev_seq or None, prev_hash)
