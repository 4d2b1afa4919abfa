"""The one way to write the access log (AU-1, Q-2, Q-5): each entry is appended to the
hash chain (accesslog/chain.py); and the chain's verification runs."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone

from accesslog import chain
from accesslog.models import AccessEvent, AccessLogVerification

logger = logging.getLogger("alpr.access")


def client_address(request) -> str | None:
    if request is None:
        return None
    if settings.ALPR_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def record_access(
    *,
    action: str,
    user=None,
    request=None,
    object_type: str = "",
    object_id: object = "",
    data_elements: dict | None = None,
    purpose: str = "",
    case_number: str = "",
    outcome: str = AccessEvent.Outcome.ALLOWED,
    detail: str = "",
    username: str | None = None,
) -> AccessEvent:
    """Append one entry: who, when, what, with which data elements, why, and the outcome."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    agency = getattr(user, "agency", None) if user is not None else None
    event = AccessEvent(
        user=user,
        username=(user.username if user is not None else (username or ""))[:150],
        agency=agency,
        agency_name=agency.name if agency is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id not in (None, "") else "",
        data_elements=data_elements or {},
        purpose=(purpose or "")[:255],
        case_number=(case_number or "")[:64],
        client_address=client_address(request),
        outcome=outcome,
        detail=detail,
    )
    chain.append(event)
    logger.info(
        "access action=%s user=%s object=%s:%s outcome=%s",
        action, event.username or "-", object_type or "-", event.object_id or "-", outcome,
    )
    return event


# --- The access log's chain (AU-1) ----------------------------------------------------------

def access_log_seal(*, limit: int | None = None) -> int:
    """Issue 23: seal the committed entries waiting for their place in the chain (the
    Celery beat task every few seconds; inline on the embedded default)."""
    sealed = chain.seal(limit=limit)
    if sealed:
        logger.debug("access log: sealed %s entries", sealed)
    return sealed


def access_log_verify(*, triggered_by: str, full: bool = False):
    """Verify the chain and record the run (AU-1).

    Issue 23: incremental by default: from the last passing run's checkpoint (that entry
    must be unchanged), only the entries sealed since are walked, so the nightly run costs
    the day's entries, not the whole log. `full=True` walks from the first entry and still
    checks the checkpoint is there and unchanged. Entries waiting for the sealer are
    sealed first, so the run covers everything committed before it started."""
    chain.seal()
    last_ok = AccessLogVerification.objects.filter(ok=True, last_sequence__isnull=False).order_by("-id").first()
    checkpoint = (last_ok.last_sequence, last_ok.last_hash) if last_ok else None
    run = AccessLogVerification(triggered_by=triggered_by[:64], full=full or checkpoint is None)
    if run.full:
        result = chain.verify_chain(checkpoint=checkpoint)
    else:
        run.from_sequence = checkpoint[0]
        result = chain.verify_chain(start=checkpoint)
    run.finished_at = timezone.now()
    run.ok, run.entries_checked, run.problem = result.ok, result.entries_checked, result.problem
    # A passing run that found nothing new keeps the checkpoint where it was.
    run.last_sequence = result.last_sequence if result.last_sequence is not None else (checkpoint or (None,))[0]
    run.last_hash = result.last_hash if result.last_sequence is not None else (checkpoint[1] if checkpoint else "")
    run.bad_entry_id, run.bad_sequence = result.bad_entry_id, result.bad_sequence
    run.save()
    if not result.ok:
        logger.error("access log chain BROKEN: %s", result.problem)
    else:
        logger.info("access log chain intact: %s entries checked (%s)", result.entries_checked,
                    "full walk" if run.full else f"from checkpoint #{run.from_sequence}")
    return run
