"""The embedded default's background frame worker (issue 21 §2).

With no CELERY_BROKER_URL the tasks run in-process, so an upload, or a camera's POST, waited
for the OCR (30 s for the first frame, then about 8 s). With ALPR_INGEST_BACKGROUND on (as
`make run` sets it), `ingest.services.enqueue` leaves an accepted frame 'received' and this
worker, a separate process started with the server (`manage.py frame_worker`), claims the
queued FrameJobs from the database itself: no broker is needed, the request answers at once,
and the upload page's poll shows each frame go Queued → Reading… → Done.

Claims are a compare-and-swap on the status (and on started_at, for a reclaimed job), so two
workers, or a worker and the sweeper's Celery task on a deployment that has both, never read
one frame twice at the same time; the processing itself is ingest.services.frame_process,
which is idempotent."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from ingest import services
from ingest.models import FrameJob

logger = logging.getLogger(__name__)


def background_enabled() -> bool:
    """The database worker takes the frames: asked for, and there is no broker to use."""
    return bool(getattr(settings, "ALPR_INGEST_BACKGROUND", False)) and not settings.CELERY_BROKER_URL


def claim_next(*, claim: str | None = None, now=None) -> int | None:
    """Claim the oldest queued job (or one whose worker died: 'processing' for longer than
    ALPR_INGEST_STUCK_SECONDS) for this worker and return its id, or None when there is
    nothing to do. The claim itself is ingest.services.frame_claim, the compare-and-swap
    UPDATE every delivery uses (issue 17), so this worker, a Celery redelivery and the
    sweeper can never run OCR on one frame twice."""
    now = now or timezone.now()
    claim = claim or new_claim()
    cutoff = now - timedelta(seconds=settings.ALPR_INGEST_STUCK_SECONDS)
    candidates = list(
        FrameJob.objects.filter(status=FrameJob.Status.RECEIVED).order_by("received_at", "pk")
        .values_list("pk", flat=True)[:10]
    ) + list(
        FrameJob.objects.filter(status=FrameJob.Status.PROCESSING, started_at__lt=cutoff)
        .values_list("pk", flat=True)[:10]
    )
    for pk in candidates:
        # Only the delivery whose UPDATE changes the row owns the job (the race: two
        # workers, or a restarted one, read the same 'received' row).
        if services.frame_claim(pk, claim=claim, now=now):
            return pk
    return None


def new_claim() -> str:
    """This worker's name for one job (FrameJob.claimed_by), as a Celery task id is for a task."""
    return f"worker-{uuid.uuid4().hex}"


def run_once() -> int | None:
    """Claim and process one job; its id, or None when the queue is empty."""
    claim = new_claim()
    job_id = claim_next(claim=claim)
    if job_id is not None:
        # Claimed already: read it with the service Celery's task calls after its own claim.
        job = FrameJob.objects.select_related("camera").get(pk=job_id)
        services.frame_read(job, claim=claim)
    return job_id


def run(*, poll_seconds: float = 1.0, stop: Callable[[], bool] = lambda: False) -> int:
    """Process jobs until stop() says so; sleep poll_seconds when the queue is empty."""
    done = 0
    while not stop():
        close_old_connections()
        try:
            job_id = run_once()
        except Exception:  # one bad frame (or a database hiccup) must not stop the worker
            logger.exception("frame worker: processing failed; carrying on")
            job_id = None
            time.sleep(poll_seconds)
        if job_id is None:
            time.sleep(poll_seconds)
        else:
            done += 1
    return done
