"""Frames in, reads out (RD-1, RD-2, HT-1).

`frame_receive` stores every frame it is given with its SHA-256, judges it, and queues the
accepted ones after commit. `frame_process` runs the OCR pipeline outside any transaction,
then writes the reads and marks the job done in one transaction that first re-checks the
job under a row lock, so a task delivered twice (worker killed, sweeper re-queue) writes
its reads once.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from alpr.frames import EXTENSIONS, FrameRejected, decode, validate_frame_bytes
from alpr.models import Camera, RetentionRule
from alpr.selectors.retention import retention_days
from alpr.services.reads import read_record
from ingest.models import FrameJob
from training.gate import refuse_unless_operator

logger = logging.getLogger(__name__)


def _coordinate(value, low, high, name):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise FrameRejected(f"{name} is not a number") from None
    if not low <= number <= high:
        raise FrameRejected(f"{name} out of range")
    return number.quantize(Decimal("0.000001"))


# A make or body type is a word or two ("MERCEDES-BENZ", "ROLLS ROYCE", "PICKUP"): letters,
# digits, spaces and . & ' / - only, so markup or SQL sent in the field is refused, not stored.
VEHICLE_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .&'/_-]*")


def _vehicle_word(value, name: str, longest: int) -> str:
    """The make or body type in the words the edge formats store (ingest.edge.common)."""
    from ingest.edge.common import body_type_word, make_word  # that module builds on this one

    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) > longest:
        raise FrameRejected(f"{name} longer than {longest} characters")
    if not VEHICLE_WORD.fullmatch(text):
        raise FrameRejected(f"{name} may hold only letters, digits, spaces and . & ' / -")
    return make_word(text) if name == "vehicle_make" else body_type_word(text)


def _check_capture_time(captured_at: datetime | None, now: datetime, camera: Camera | None = None) -> None:
    if captured_at is None:
        raise FrameRejected("capture time missing")
    if timezone.is_naive(captured_at):
        raise FrameRejected("capture time has no time zone")
    if captured_at > now + timedelta(seconds=settings.ALPR_INGEST_CLOCK_SKEW_SECONDS):
        raise FrameRejected("capture time is in the future")
    days = settings.ALPR_RETENTION_DAYS
    if captured_at < now - timedelta(days=days) and camera is not None:
        # RT-4: the camera's source may keep its reads longer (the schedule is read only then).
        days = retention_days(RetentionRule.DataClass.READS, camera.data_source_id)
    if captured_at < now - timedelta(days=days):
        raise FrameRejected(f"capture time is older than the {days}-day retention period")


def frame_receive(
    *, camera: Camera | None, data: bytes, source: str, captured_at: datetime | None, original_name: str = "",
    content_type: str = "", latitude=None, longitude=None, submitted_by=None, camera_error: str = "",
    size: int | None = None, sha256: str | None = None, vehicle_make: str = "", vehicle_type: str = "",
) -> tuple[FrameJob, bool]:
    """Store one frame and judge it. Returns (job, created); a frame this camera already
    sent returns its existing job, unless that job was rejected (a corrected attempt makes
    a new job). A rejected frame is kept with its reason.

    `size` and `sha256` describe the file as sent when the upload handler kept only part
    of it (ingest.uploads); an oversized file is kept as its hash, size and first
    ALPR_INGEST_REJECTED_PREFIX_BYTES bytes, never whole (issue 18, defect 5).

    `vehicle_make` and `vehicle_type` (issue 21 §7) are what the camera recognised, if it
    recognises vehicles; a value that is not a plain word is refused with the frame kept."""
    refuse_unless_operator(submitted_by)  # ID-2, ID-4: the gate holds off the web too
    size = len(data) if size is None else size
    digest = sha256 or hashlib.sha256(data).hexdigest()
    if camera is not None:
        # Issue 21 §4: a rejected attempt does not answer for a corrected one.
        existing = (FrameJob.objects.filter(camera=camera, sha256=digest)
                    .exclude(status=FrameJob.Status.REJECTED).first())
        if existing is not None:
            return existing, False
    now = timezone.now()
    reason, kind = camera_error, None
    lat = lon = None
    make = body_type = ""
    oversized = size > settings.ALPR_INGEST_MAX_BYTES
    if oversized:
        data = data[:settings.ALPR_INGEST_REJECTED_PREFIX_BYTES]
        reason = reason or (f"file too large: {size:,} bytes (limit {settings.ALPR_INGEST_MAX_BYTES:,}); "
                            f"kept its SHA-256 and first {len(data):,} bytes")
    if not reason:
        try:
            kind, _, _ = validate_frame_bytes(data)
            _check_capture_time(captured_at, now, camera)
            lat = _coordinate(latitude, -90, 90, "latitude")
            lon = _coordinate(longitude, -180, 180, "longitude")
            make = _vehicle_word(vehicle_make, "vehicle_make", 40)
            body_type = _vehicle_word(vehicle_type, "vehicle_type", 30)
            if camera.kind == Camera.Kind.MOBILE and (lat is None or lon is None):
                raise FrameRejected("a mobile unit sends its coordinates with each frame")
            if not camera.active:
                raise FrameRejected("camera is not active")
        except FrameRejected as exc:
            reason = exc.reason
    job = FrameJob(
        camera=camera, source=source, submitted_by=submitted_by, received_at=now,
        captured_at=captured_at if captured_at is not None and timezone.is_aware(captured_at) else None,
        latitude=lat, longitude=lon, sha256=digest, size_bytes=size, original_name=(original_name or "")[:255],
        content_type=(content_type or "")[:100], vehicle_make=make, vehicle_type=body_type,
        status=FrameJob.Status.REJECTED if reason else FrameJob.Status.RECEIVED,
        reason=reason,
    )
    if data:
        suffix = "prefix.bin" if oversized else EXTENSIONS.get(kind, "bin")
        job.frame.save(f"{digest}.{suffix}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            job.save()
            if not reason:
                transaction.on_commit(lambda: enqueue(job.pk))
    except IntegrityError:
        # The same frame arrived twice at once: the other request made the job.
        return FrameJob.objects.exclude(status=FrameJob.Status.REJECTED).get(camera=camera, sha256=digest), False
    log = logger.warning if reason else logger.info
    log("frame job=%s camera=%s source=%s bytes=%s status=%s reason=%s", job.pk, camera.pk if camera else "-",
        source, size, job.status, reason or "-")
    return job, True


def enqueue(job_id: int) -> None:
    """Queue a job. If the broker is down the job stays 'received' and the sweeper
    queues it when the broker is back: accepted frames are never lost."""
    from ingest.frame_worker import background_enabled
    from ingest.tasks import process_frame

    if background_enabled():
        return  # issue 21 §2: the database worker (manage.py frame_worker) claims it; answer at once
    try:
        process_frame.delay(job_id)
    except Exception:  # the broker's errors are many; every one of them means "later"
        logger.exception("could not queue frame job %s; the sweeper will retry", job_id)


def frame_claim(job_id: int, *, claim: str, now=None) -> bool:
    """Claim a job for one delivery: a compare-and-swap UPDATE whose row count says who won.

    The race (issue 17): a redelivered task (acks_late) and the sweeper's re-queued one can
    both reach a job; reading the status and then setting PROCESSING let both run OCR on
    the frame. The UPDATE takes a job that nobody holds (received, or failed and retried)
    or that this same delivery already holds (Celery's retry and a killed worker's
    redelivery keep the task id), or one whose holder has gone quiet for
    ALPR_INGEST_STUCK_SECONDS (the sweeper's own threshold: that worker is taken for dead)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.ALPR_INGEST_STUCK_SECONDS)
    S = FrameJob.Status
    claimable = (Q(status__in=(S.RECEIVED, S.FAILED))
                 | Q(status=S.PROCESSING, claimed_by=claim)
                 | Q(status=S.PROCESSING, started_at__lt=stale)
                 | Q(status=S.PROCESSING, started_at__isnull=True))
    won = FrameJob.objects.filter(claimable, pk=job_id).update(
        status=S.PROCESSING, started_at=now, claimed_by=claim[:64], attempts=F("attempts") + 1)
    return won == 1


def frame_process(job_id: int, *, claim: str | None = None) -> FrameJob | None:
    """Read the plates of one frame job, once. `claim` names the delivery (the task id);
    a call without one is a delivery of its own."""
    claim = claim or f"call-{uuid.uuid4().hex}"
    job = FrameJob.objects.select_related("camera").filter(pk=job_id).first()
    if job is None:
        logger.warning("frame job %s does not exist", job_id)
        return None
    if not frame_claim(job.pk, claim=claim):
        # Done, rejected, or held by another live delivery: this one does nothing.
        logger.info("frame job=%s not claimed by %s: status %s", job.pk, claim, job.status)
        job.refresh_from_db()
        return job
    return frame_read(job, claim=claim)


def frame_read(job: FrameJob, *, claim: str) -> FrameJob:
    """Read the plates of a job this delivery has already claimed (frame_claim won for
    `claim`): frame_process after its claim, and the embedded worker, which claims while
    choosing its next job (ingest.frame_worker), so the claim and its attempt count once."""
    started = time.perf_counter()
    try:
        with job.frame.open("rb") as fh:
            frame_bytes = fh.read()  # read once: decoded here, stored with each read below
        image = decode(frame_bytes)
    except FrameRejected as exc:
        return _finish(job.pk, FrameJob.Status.REJECTED, exc.reason, claim=claim)
    from ingest.ocr import read_plates

    try:
        plates = read_plates(image)
    except Exception as exc:
        logger.exception("frame job %s: the OCR pipeline failed", job.pk)
        return _finish(job.pk, FrameJob.Status.FAILED, f"OCR pipeline error: {type(exc).__name__}: {exc}",
                       claim=claim)
    height, width = image.shape[:2]
    with transaction.atomic():
        # Lock the job row only (the camera join is nullable: PostgreSQL refuses FOR UPDATE on it).
        job = FrameJob.objects.select_for_update(of=("self",)).select_related("camera").get(pk=job.pk)
        if job.status == FrameJob.Status.DONE or job.claimed_by != claim[:64]:
            return job  # another delivery finished first, or took the job over as stale
        for plate in plates:
            read_record(
                camera=job.camera, plate_text=plate.text, captured_at=job.captured_at, confidence=plate.confidence,
                state=plate.state, plate_box=list(plate.box), frame_size=(width, height), frame_bytes=frame_bytes,
                crop_bytes=plate.crop_jpeg, latitude=job.latitude, longitude=job.longitude, ingest_job=job,
                plate_raw=plate.raw, vehicle_make=job.vehicle_make, vehicle_type=job.vehicle_type,
            )
        job.status, job.reads_count = FrameJob.Status.DONE, len(plates)
        job.finished_at = timezone.now()
        job.processing_seconds = time.perf_counter() - started
        job.reason = ""
        job.save(update_fields=["status", "reads_count", "finished_at", "processing_seconds", "reason"])
    logger.info("frame job=%s done reads=%s seconds=%.2f", job.pk, len(plates), job.processing_seconds)
    return job


def _finish(job_id: int, status: str, reason: str, *, claim: str) -> FrameJob:
    # Only while this delivery still holds the job (a stale takeover's result stands).
    FrameJob.objects.filter(pk=job_id, claimed_by=claim[:64]).update(status=status, reason=reason,
                                                                     finished_at=timezone.now())
    logger.warning("frame job=%s %s: %s", job_id, status, reason)
    return FrameJob.objects.get(pk=job_id)


def sweep_stuck(*, now=None) -> list[int]:
    """Re-queue jobs whose task was lost. Processing is idempotent, so a job that was in
    fact still running is merely processed by whichever delivery finishes first."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.ALPR_INGEST_STUCK_SECONDS)
    stuck = list(FrameJob.objects.filter(status=FrameJob.Status.RECEIVED, received_at__lt=cutoff)
                 .values_list("pk", flat=True)[:1000])
    stuck += list(FrameJob.objects.filter(status=FrameJob.Status.PROCESSING, started_at__lt=cutoff)
                  .values_list("pk", flat=True)[:1000])
    for pk in stuck:
        enqueue(pk)
    if stuck:
        logger.warning("re-queued %s stuck frame jobs", len(stuck))
    return stuck
