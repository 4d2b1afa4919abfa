"""What can happen to reads: stored with their images and SHA-256 sums (RD-1, RD-3),
then matched with the hot lists at once (HT-1)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from alpr.colour import estimate_from_bytes
from alpr.frames import EXTENSIONS, FrameRejected, sniff
from alpr.models import Camera, Hit, Read
from alpr.plates import normalize_plate
from alpr.selectors.cameras import shift_check_covers
from alpr.services.hits import hits_for_read
from lib.errors import DomainError


def _image_extension(data: bytes) -> str:
    try:
        return EXTENSIONS[sniff(data)]
    except FrameRejected:
        raise DomainError("Read images must be JPEG or PNG.") from None


def _read_build(
    *,
    camera: Camera,
    plate_text: str,
    captured_at: datetime,
    frame_bytes: bytes = b"",
    crop_bytes: bytes = b"",
    confidence: float | None = None,
    state: str = "",
    plate_box: list[int] | None = None,
    frame_size: tuple[int, int] | None = None,
    latitude=None,
    longitude=None,
    vehicle_color: str = "",
    vehicle_make: str = "",
    vehicle_type: str = "",
    uploaded_at: datetime | None = None,
    plate_raw: str | None = None,
    **extra,
) -> Read:
    """An unsaved read with its images stored (RD-1, RD-3); DomainError if it is not one."""
    plate = normalize_plate(plate_text)
    if not 1 <= len(plate) <= 10:
        raise DomainError(f"{plate_text!r} is not a plate.")
    if timezone.is_naive(captured_at):
        raise DomainError("The capture time needs a time zone.")
    read = Read(
        plate=plate,
        plate_raw=(plate_raw if plate_raw is not None else plate_text or "")[:40],
        state=(state or "").upper()[:2],
        confidence=confidence,
        captured_at=captured_at,
        uploaded_at=uploaded_at or timezone.now(),
        camera=camera,
        agency_id=camera.agency_id,
        # Fixed cameras: the read takes the camera's position; mobile units send their own.
        latitude=latitude if latitude is not None else camera.latitude,
        longitude=longitude if longitude is not None else camera.longitude,
        plate_box=plate_box,
        frame_width=frame_size[0] if frame_size else None,
        frame_height=frame_size[1] if frame_size else None,
        vehicle_color=vehicle_color.upper()[:30],
        vehicle_make=vehicle_make.upper()[:40],
        vehicle_type=vehicle_type.upper()[:30],
        # CAM-1: a mobile unit's read with no passed start-of-shift check is kept and flagged.
        shift_check_missing=not shift_check_covers(camera, captured_at),
        **extra,
    )
    for field, data in (("frame", frame_bytes), ("crop", crop_bytes)):
        if data:
            digest = hashlib.sha256(data).hexdigest()
            setattr(read, f"{field}_sha256", digest)
            getattr(read, field).save(f"{digest}.{_image_extension(data)}", ContentFile(data), save=False)
    # Issue 21 §7: a camera that sends no colour gets one estimated from the frame (alpr/colour.py).
    estimate = estimate_from_bytes(frame_bytes, plate_box) if not read.vehicle_color else None
    if estimate is not None:
        read.vehicle_color, read.vehicle_color_confidence = estimate.stored_name, estimate.confidence
    return read


@transaction.atomic
def read_record(*, camera: Camera, plate_text: str, captured_at: datetime, **fields) -> tuple[Read, list[Hit]]:
    """Store one read with its images and SHA-256 sums (RD-1, RD-3), then compare it
    with every active hot list at once (HT-1). Returns the read and its hits.

    Fields: camera, plate_text, captured_at (aware), and optionally frame_bytes,
    crop_bytes, confidence, state, plate_box, frame_size, latitude, longitude,
    vehicle_color / _make / _type and their _confidence (issue 22), uploaded_at,
    plate_raw, and the Read's links (ingest_job, edge_event)."""
    read = _read_build(camera=camera, plate_text=plate_text, captured_at=captured_at, **fields)
    read.save()
    return read, hits_for_read(read)


@transaction.atomic
def reads_record(items: list[dict]) -> list[tuple[Read, list[Hit]]]:
    """read_record for a batch (issue 22: edge cameras send reads by the hundred): the
    same reads, one INSERT for all of them, each matched at once (HT-1). All or none:
    a DomainError refuses the batch, and the caller stores the reads one by one."""
    reads = [_read_build(**fields) for fields in items]
    Read.objects.bulk_create(reads)
    return [(read, hits_for_read(read)) for read in reads]
