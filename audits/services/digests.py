"""Publishing the access log's daily digest (issue 17 part 3): verify the entries since the
previous digest, then sign and store the chain's head. Exporting and checking digests
are reads, in `audits.log_export`."""

from __future__ import annotations

import base64
import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accesslog import chain
from accesslog.models import AccessEvent
from audits import signing
from audits.log_export import _head_before, digest_message
from audits.models import AccessLogDigest
from lib.errors import DomainError

logger = logging.getLogger("alpr.access")


def access_log_digest_publish(*, as_of: datetime | None = None, triggered_by: str = "") -> AccessLogDigest:
    """Sign and store the chain's head as of `as_of` (now by default). The entries since
    the previous digest are verified first, and that digest's entry must be unchanged, so
    a digest never vouches for a log that is already broken. Idempotent per `as_of`."""
    as_of = as_of or timezone.now()
    existing = AccessLogDigest.objects.filter(as_of=as_of).first()
    if existing is not None:
        return existing
    key = signing.signing_key()
    last_seq, head = _head_before(as_of)
    previous = AccessLogDigest.objects.filter(as_of__lt=as_of).order_by("-as_of").first()
    start_seq, start_hash = (previous.last_sequence, previous.head_hash) if previous else (0, chain.GENESIS)
    if previous is not None and previous.last_sequence:
        stored = AccessEvent.objects.filter(sequence=previous.last_sequence).values_list("entry_hash", flat=True)
        if list(stored) != [previous.head_hash]:
            raise DomainError(f"Entry #{previous.last_sequence} differs from the digest published "
                              f"{previous.as_of:%Y-%m-%d %H:%M}: the log was rewritten; no new digest is signed.")
    prev_seq, prev_hash = start_seq, start_hash
    for event in (AccessEvent.objects.filter(sequence__gt=start_seq, sequence__lte=last_seq).order_by("sequence")
                  .iterator(chunk_size=chain.CHUNK)):
        if (event.sequence != prev_seq + 1 or event.previous_hash != prev_hash
                or chain.entry_hash(event) != event.entry_hash):
            raise DomainError(f"Entry #{event.sequence} breaks the chain; no digest is signed until it is "
                              "investigated (run verify_access_log).")
        prev_seq, prev_hash = event.sequence, event.entry_hash
    digest = AccessLogDigest(as_of=as_of, last_sequence=last_seq, head_hash=head,
                             public_key=base64.b64encode(signing.public_key_bytes(key)).decode(),
                             triggered_by=triggered_by[:64])
    digest.signature = base64.b64encode(signing.sign(digest_message(digest), key)).decode()
    try:
        with transaction.atomic():
            digest.save()
    except IntegrityError:  # another process published this moment's digest first
        return AccessLogDigest.objects.get(as_of=as_of)
    logger.info("access log digest as of %s: #%s %s", as_of.isoformat(), last_seq, head)
    return digest
