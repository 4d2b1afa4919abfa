"""Signed exports of the access log and the daily published digest (AU-1, AU-4; issue 19
part 4): an audit trail the agency holds and outsiders can verify.

An export (`access_log_export_write`, `manage.py export_access_log`) is a ZIP of
  entries.jsonl   one entry per line: every hashed field (accesslog/chain.py HASHED_FIELDS),
                  the sequence, previous_hash and entry_hash
  manifest.json   the period, first/last sequence, the hash before the first entry, the
                  head hash, checkpoints, the file's SHA-256, the key's fingerprint
  manifest.sig    Ed25519 signature of manifest.json (base64), by the agency's key
  public_key.pem  the agency's public key
  verify.py       the standalone verifier (audits/verify_export.py)
  README.txt      how to check it

A digest (`audits.services.digests.access_log_digest_publish`) signs the chain's head (last sequence and its hash)
at a moment. Published on the transparency page and in the annual report, it lets anyone
who kept one show later that the log up to that entry was rewritten, even by somebody
with database access who recomputed every later hash (`access_log_digest_check`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from accesslog import chain
from accesslog.models import AccessEvent
from audits import signing, verify_export
from audits.models import AccessLogDigest
from audits.populations import period_bounds
from lib.errors import DomainError

logger = logging.getLogger("alpr.access")

CHECKPOINT_EVERY = 10_000
VERIFIER_SOURCE = Path(verify_export.__file__)
README = """ALPR access log export: {agency}, entries from {start} to {end} (inclusive, {tz}).

Check it on any computer with Python 3.9 or later:

    python verify.py {name} --fingerprint {fingerprint}

The fingerprint pins the agency's signing key; compare it with the one the agency
publishes on its ALPR transparency page. verify.py exits 0 when the signature and the hash
chain hold and 1 otherwise, naming the first bad entry's sequence number. Add
--digest SEQUENCE:HASH for each daily digest you kept from the transparency page.
"""


def _jsonl_line(event) -> bytes:
    row = {**chain.canonical_payload(event), "entry_hash": event.entry_hash}
    line = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return line.encode() + b"\n"


def access_log_export_write(*, start: date, end: date, out, name: str = "access-log.zip") -> dict:
    """Write the signed export of entries from `start` to `end` (local dates, inclusive)
    to `out` (a path or a binary file) and return its manifest."""
    if end < start:
        raise DomainError("The period ends before it starts.")
    key = signing.signing_key()
    public = signing.public_key_bytes(key)
    since, until = period_bounds(start, end)
    # Issue 23: the chain's order is the sealer's (commit order), which differs from time
    # order by at most how long a writer's transaction stayed open. The export is one
    # contiguous run of sequence numbers, so the standalone verifier can check every link:
    # from the first to the last entry sealed with a time in the period, including the few
    # entries at its edges whose time falls just outside it.
    bounds = (AccessEvent.objects.filter(occurred_at__gte=since, occurred_at__lt=until, sequence__isnull=False)
              .aggregate(first=Min("sequence"), last=Max("sequence")))
    events = (AccessEvent.objects.filter(sequence__gte=bounds["first"] or 0, sequence__lte=bounds["last"] or -1)
              .order_by("sequence"))
    first = events.values_list("sequence", "previous_hash").first()
    entries, digest, checkpoints = 0, hashlib.sha256(), {}
    head, last_seq = first[1] if first else "", None
    archive = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    with archive:
        # Streamed into the archive: a year of entries need not fit in memory.
        with archive.open("entries.jsonl", "w", force_zip64=True) as jsonl:
            for event in events.iterator(chunk_size=chain.CHUNK):
                line = _jsonl_line(event)
                jsonl.write(line)
                digest.update(line)
                entries += 1
                head, last_seq = event.entry_hash, event.sequence
                if entries % CHECKPOINT_EVERY == 0:
                    checkpoints[str(event.sequence)] = event.entry_hash
        if last_seq is not None:
            checkpoints[str(last_seq)] = head
        manifest = _manifest(start, end, public, entries, first, last_seq, head, checkpoints, digest.hexdigest())
        manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
        archive.writestr("manifest.json", manifest_bytes)
        archive.writestr("manifest.sig", base64.b64encode(signing.sign(manifest_bytes, key)) + b"\n")
        archive.writestr("public_key.pem", signing.public_key_pem(key))
        archive.writestr("verify.py", VERIFIER_SOURCE.read_bytes())
        archive.writestr("README.txt", README.format(
            agency=settings.ALPR_HOME_AGENCY_NAME, start=start, end=end, tz=settings.TIME_ZONE,
            name=Path(name).name, fingerprint=manifest["key_fingerprint"]))
    return manifest


def _manifest(start, end, public, entries, first, last_seq, head, checkpoints, entries_sha256) -> dict:
    return {
        "format": verify_export.FORMAT,
        "agency": {"name": settings.ALPR_HOME_AGENCY_NAME, "ori": settings.ALPR_HOME_AGENCY_ORI},
        "from": start.isoformat(), "to": end.isoformat(), "time_zone": settings.TIME_ZONE,
        "exported_at": timezone.now().isoformat(),
        "entries": entries,
        "first_sequence": first[0] if first else None,
        "last_sequence": last_seq,
        "previous_hash": first[1] if first else None,
        "head_hash": head,
        "checkpoints": checkpoints,
        "entries_sha256": entries_sha256,
        "hashed_fields": list(chain.HASHED_FIELDS),
        "hash": "SHA-256 of the JSON of the hashed fields, keys sorted, no spaces, UTF-8",
        "signature": "Ed25519 over manifest.json's bytes; manifest.sig is base64",
        "public_key": base64.b64encode(public).decode(),
        "key_fingerprint": signing.fingerprint(public),
    }


# --- Digests --------------------------------------------------------------------------------

def digest_message(digest: AccessLogDigest) -> bytes:
    return verify_export.digest_message(
        agency=settings.ALPR_HOME_AGENCY_ORI, as_of=digest.as_of.astimezone(UTC).isoformat(),
        last_sequence=digest.last_sequence, head_hash=digest.head_hash)


def _head_before(as_of: datetime) -> tuple[int, str]:
    row = (AccessEvent.objects.filter(occurred_at__lt=as_of, sequence__isnull=False).order_by("-sequence")
           .values_list("sequence", "entry_hash").first())
    return row if row else (0, chain.GENESIS)


@dataclass(frozen=True)
class DigestCheck:
    ok: bool
    problem: str = ""
    bad_sequence: int | None = None


def access_log_digest_check(*, last_sequence: int, head_hash: str, signature: str = "", public_key: str = "",
                            as_of: datetime | None = None) -> DigestCheck:
    """Does the database still hold the log a published digest described? Recomputes every
    entry's hash up to `last_sequence` (each link, too) and compares the head with the
    digest; checks the digest's signature when given. A rewrite that recomputed every later
    hash passes the plain chain walk but not this."""
    if signature and public_key and as_of is not None:
        probe = AccessLogDigest(as_of=as_of, last_sequence=last_sequence, head_hash=head_hash)
        if not signing.verify(base64.b64decode(public_key), base64.b64decode(signature), digest_message(probe)):
            return DigestCheck(False, "The digest's signature does not verify: it is not the one the agency "
                               "published.")
    prev_seq, prev_hash = 0, chain.GENESIS
    for event in (AccessEvent.objects.filter(sequence__lte=last_sequence).order_by("sequence")
                  .iterator(chunk_size=chain.CHUNK)):
        if event.sequence != prev_seq + 1:
            return DigestCheck(False, f"Entry #{prev_seq + 1} is missing.", prev_seq + 1)
        if event.previous_hash != prev_hash:
            return DigestCheck(False, f"Entry #{event.sequence} does not follow #{prev_seq}.", event.sequence)
        if chain.entry_hash(event) != event.entry_hash:
            return DigestCheck(False, f"Entry #{event.sequence} was altered.", event.sequence)
        prev_seq, prev_hash = event.sequence, event.entry_hash
    if prev_seq != last_sequence:
        return DigestCheck(False, f"The log ends at #{prev_seq}, before the digest's #{last_sequence}: entries were "
                           "removed.", prev_seq + 1)
    if prev_hash != head_hash:
        return DigestCheck(False, f"Entry #{last_sequence} no longer has the hash the digest published: the log up to "
                           f"#{last_sequence} was rewritten and the later hashes recomputed.", last_sequence)
    return DigestCheck(True)


def access_log_digests_check() -> list[tuple[AccessLogDigest, DigestCheck]]:
    """Check the database against every digest it holds (the oldest failing one narrows
    where the rewrite began). Outsiders check against the copies they kept."""
    return [(d, access_log_digest_check(last_sequence=d.last_sequence, head_hash=d.head_hash,
                                        signature=d.signature, public_key=d.public_key, as_of=d.as_of))
            for d in AccessLogDigest.objects.order_by("as_of")]


def daily_digest_moment(today: date | None = None) -> datetime:
    """Local midnight that starts `today`: the daily digest covers every entry before it."""
    today = today or timezone.localdate()
    return timezone.make_aware(datetime.combine(today, time.min), timezone.get_current_timezone())


def published_digests(*, limit: int | None = None, until: datetime | None = None):
    qs = AccessLogDigest.objects.order_by("-as_of")
    if until is not None:
        qs = qs.filter(as_of__lt=until)
    return qs[:limit] if limit else qs
