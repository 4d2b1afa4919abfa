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
    """Give `event` the next place in the chain and insert it. Called by record_access only.

    PostgreSQL: a transaction-scoped advisory lock serialises appenders across processes
    (it is held until the surrounding transaction commits, so the next writer reads this
    entry as the last). SQLite writes are serialised by the database file lock; the
    process lock covers threads of the embedded server, and the unique sequence turns any
    remaining race into an error rather than a fork in the chain.
    """
    from django.utils import timezone

    from accesslog.models import AccessEvent

    connection = connections[using]
    with _local_lock, transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = (
            AccessEvent.objects.using(using).filter(sequence__isnull=False)
            .order_by("-sequence").values_list("sequence", "entry_hash").first()
        )
        event.sequence = (last[0] + 1) if last else 1
        event.previous_hash = last[1] if last else GENESIS
        # Stamped under the lock, so time order and chain order agree.
        event.occurred_at = timezone.now()
        event.client_address = normalise_address(event.client_address)
        event.entry_hash = entry_hash(event)
        event.save(using=using)
    return event


@dataclass(frozen=True)
class ChainResult:
    ok: bool
    entries_checked: int
    last_sequence: int | None
    last_hash: str
    problem: str = ""
    bad_entry_id: int | None = None
    bad_sequence: int | None = None


def verify_chain(*, using: str = "default", checkpoint=None) -> ChainResult:
    """Walk the whole chain in sequence order; stop at the first fault and say which entry.

    `checkpoint` (sequence, hash) from an earlier passing run: that entry must still be
    there, unchanged, or the log lost entries since (e.g. its tail was cut off).
    """
    from accesslog.models import AccessEvent

    unplaced = AccessEvent.objects.using(using).filter(sequence__isnull=True).order_by("id").first()
    if unplaced is not None:
        return ChainResult(False, 0, None, "", f"Entry id {unplaced.pk} has no place in the chain (inserted "
                           "outside the application).", unplaced.pk, None)

    checked, prev_seq, prev_hash = 0, 0, GENESIS
    seen_checkpoint = checkpoint is None
    qs = AccessEvent.objects.using(using).order_by("sequence")
    for event in qs.iterator(chunk_size=CHUNK):
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
