"""Reads made by edge cameras, whatever their format (RD-1, RD-2, HT-1, RT-1; issue 22).

Each vendor module (`native`, `openalpr`, `platerecognizer`, `frigate`) turns its payload
into `EdgeRead`s with a pure `parse()`; `edge_reads_receive` is the one service that
judges, stores and matches them, so every format has the guarantees of frames:

- the device token (the views) or a configured camera (the Frigate consumer);
- idempotent: one accepted read per (camera, source, vendor event id), or per SHA-256 of
  the normalised read where the vendor gives no id;
- every refused read or payload is kept with its reason (`EdgeEvent`);
- stored through `alpr.services.reads.read_record`, the service OCR reads go through, so the
  retention clock starts at upload (RT-1) and the read is compared with every active
  hot list before the camera is answered (HT-1);
- one access-log entry per delivery (AU-1).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from alpr.frames import FrameRejected, validate_frame_bytes
from alpr.models import Camera, Read
from alpr.plates import normalize_plate
from alpr.services.reads import read_record, reads_record
from ingest.models import EdgeEvent
from ingest.services import _check_capture_time, _coordinate
from lib.errors import DomainError

logger = logging.getLogger("ingest.edge")


class EdgePayloadError(Exception):
    """A payload that yields no read: the reason says what is wrong, in the sender's terms."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class EdgeRead:
    """One read made elsewhere, normalised. Confidences are 0..1."""

    plate: str
    captured_at: datetime | None
    state: str = ""
    confidence: float | None = None
    latitude: object = None
    longitude: object = None
    plate_box: list[int] | None = None
    vehicle_color: str = ""
    vehicle_color_confidence: float | None = None
    vehicle_make: str = ""
    vehicle_make_confidence: float | None = None
    vehicle_type: str = ""
    vehicle_type_confidence: float | None = None
    frame: bytes = b""
    plate_crop: bytes = b""
    event_id: str = ""  # the vendor's id for this read, when it gives one
    problem: str = ""  # what the parser found wrong with this read alone (the others go on)
    raw: dict = field(default_factory=dict)  # the item as sent, kept with the event

    def content_key(self) -> str:
        """SHA-256 of the normalised read: the idempotency key when the vendor gives no id."""
        content = {
            "plate": normalize_plate(self.plate), "state": self.state,
            "captured_at": self.captured_at.isoformat() if self.captured_at else "",
            "confidence": self.confidence, "latitude": str(self.latitude), "longitude": str(self.longitude),
            "color": self.vehicle_color, "make": self.vehicle_make, "type": self.vehicle_type,
            "frame": hashlib.sha256(self.frame).hexdigest() if self.frame else "",
            "crop": hashlib.sha256(self.plate_crop).hexdigest() if self.plate_crop else "",
        }
        return "sha256:" + hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    @property
    def key(self) -> str:
        return self.event_id[:120] if self.event_id else self.content_key()


# --- Helpers the vendor modules share -----------------------------------------------------

def b64_image(value, what: str) -> bytes:
    """Decode a base64 image (a data: URL prefix is allowed); raise EdgePayloadError."""
    if value in (None, ""):
        return b""
    if not isinstance(value, str):
        raise EdgePayloadError(f"{what} is not a base64 string")
    if value.startswith("data:") and "," in value:
        value = value.split(",", 1)[1]
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise EdgePayloadError(f"{what} is not valid base64") from None


def confidence(value, *, scale: float = 1.0) -> float | None:
    """A confidence as 0..1 (OpenALPR sends percentages: scale=100)."""
    if value in (None, ""):
        return None
    try:
        number = float(value) / scale
    except (TypeError, ValueError):
        raise EdgePayloadError(f"confidence {value!r} is not a number") from None
    if not 0 <= number <= 1:
        raise EdgePayloadError(f"confidence {value!r} is out of range")
    return round(number, 4)


def epoch(value, *, millis: bool = False) -> datetime:
    try:
        seconds = float(value) / (1000 if millis else 1)
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise EdgePayloadError(f"time {value!r} is not an epoch {'in milliseconds' if millis else 'in seconds'}") \
            from None


def region_state(code) -> str:
    """'us-ca' / 'US-CA' / 'ca' -> 'CA'; a region outside the US keeps no state."""
    code = (code or "").strip().lower() if isinstance(code, str) else ""
    if code.startswith("us-") and len(code) == 5:
        return code[3:].upper()
    if len(code) == 2 and code.isalpha():
        return code.upper()
    return ""


# Vendor vocabularies -> the words the investigative search filters on: the search
# compares upper-case words exactly (alpr.selectors.reads), so "silver-gray", "Silver" and
# "silver" must all land as SILVER.
COLOURS = {
    "silver-gray": "SILVER", "silver-grey": "SILVER", "grey": "GRAY", "brown-beige": "BROWN",
    "gold-beige": "GOLD", "dark-blue": "BLUE", "light-blue": "BLUE", "dark-red": "RED",
}
BODY_TYPES = {
    "sedan-standard": "SEDAN", "sedan-compact": "SEDAN", "sedan-wagon": "WAGON", "suv-standard": "SUV",
    "suv-crossover": "SUV", "pickup-standard": "PICKUP", "pickup truck": "PICKUP", "pickup-truck": "PICKUP",
    "van-full": "VAN", "van-mini": "VAN", "minivan": "VAN", "truck-standard": "TRUCK", "big truck": "TRUCK",
    "tractor-trailer": "TRUCK", "motorcycle": "MOTORCYCLE", "bus": "BUS", "coupe": "COUPE",
    "hatchback": "HATCHBACK", "wagon": "WAGON", "convertible": "CONVERTIBLE", "sedan": "SEDAN", "suv": "SUV",
    "van": "VAN", "truck": "TRUCK", "pickup": "PICKUP",
}
UNKNOWN = {"", "unknown", "none", "null", "other"}


def colour_word(value) -> str:
    word = str(value or "").strip().lower()
    if word in UNKNOWN:
        return ""
    return COLOURS.get(word, word.replace("_", " ").upper())[:30]


def body_type_word(value) -> str:
    word = str(value or "").strip().lower()
    if word in UNKNOWN:
        return ""
    return BODY_TYPES.get(word, word.replace("_", " ").upper())[:30]


def make_word(value) -> str:
    word = str(value or "").strip()
    if word.lower() in UNKNOWN:
        return ""
    return word.replace("_", " ").upper()[:40]


# --- The service --------------------------------------------------------------------------

@dataclass
class EdgeOutcome:
    event: EdgeEvent
    created: bool
    read: Read | None = None
    hits: int = 0

    def to_json(self) -> dict:
        # A camera learns what became of its read, never stored data (no hits, no list names).
        return {"id": self.event.pk, "status": self.event.status, "reason": self.event.reason,
                "event_key": self.event.event_key, "duplicate": not self.created}


def _capped(text: str) -> tuple[str, str, int]:
    data = text.encode("utf-8", "replace")
    keep = settings.ALPR_EDGE_PAYLOAD_KEEP_BYTES
    return data[:keep].decode("utf-8", "ignore"), hashlib.sha256(data).hexdigest(), len(data)


def _without_images(item) -> object:
    """The item as sent with its long strings (base64 images) replaced by their size and
    hash: an accepted read keeps its images on the read, not twice."""
    if isinstance(item, dict):
        return {k: _without_images(v) for k, v in item.items()}
    if isinstance(item, list):
        return [_without_images(v) for v in item]
    if isinstance(item, str) and len(item) > 512:
        return f"[{len(item)} characters, sha256 {hashlib.sha256(item.encode()).hexdigest()}]"
    return item


def _judge(camera: Camera, read: EdgeRead, now: datetime) -> str:
    """Why this read is refused, or ''."""
    if read.problem:
        return read.problem
    if not camera.active:
        return "camera is not active"
    plate = normalize_plate(read.plate)
    if not 1 <= len(plate) <= 10:
        return f"{read.plate!r} is not a plate"
    try:
        _check_capture_time(read.captured_at, now, camera)
        read.latitude = _coordinate(read.latitude, -90, 90, "latitude")
        read.longitude = _coordinate(read.longitude, -180, 180, "longitude")
        if camera.kind == Camera.Kind.MOBILE and (read.latitude is None or read.longitude is None):
            raise FrameRejected("a mobile unit sends its coordinates with each read")
        for name, data in (("frame", read.frame), ("plate crop", read.plate_crop)):
            if data:
                try:
                    validate_frame_bytes(data)
                except FrameRejected as exc:
                    raise FrameRejected(f"{name}: {exc.reason}") from None
    except FrameRejected as exc:
        return exc.reason
    return ""


def edge_payload_refuse(*, camera: Camera | None, source: str, raw: str | bytes, reason: str,
                        request=None) -> EdgeOutcome:
    """A payload that yielded no read (not JSON, not the vendor's format, no camera):
    kept with the reason, and logged."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else (raw or "")
    payload, digest, size = _capped(text)
    event = EdgeEvent.objects.create(camera=camera, source=source, status=EdgeEvent.Status.REJECTED,
                                     reason=reason, payload=payload, payload_sha256=digest, payload_bytes=size,
                                     event_key="sha256:" + digest)
    _log(camera=camera, source=source, request=request, outcomes=[EdgeOutcome(event, True)])
    return EdgeOutcome(event, True)


def edge_reads_receive(*, camera: Camera | None, reads: list[EdgeRead], source: str, raw: str | bytes = "",
                       camera_error: str = "", request=None) -> list[EdgeOutcome]:
    """Judge, store and match reads made by an edge camera. Returns one outcome per read,
    in order: accepted (new), duplicate (the existing event), or rejected (kept).

    A bad read in a batch refuses that read only; the others are stored together through
    alpr.services.reads.reads_record and each is matched (HT-1) as it is stored."""
    if camera is None:
        reason = camera_error or "unknown, inactive or revoked camera token"
        return [edge_payload_refuse(camera=None, source=source, raw=raw, reason=reason, request=request)]
    if not reads:
        return [edge_payload_refuse(camera=camera, source=source, raw=raw, reason="the payload holds no read",
                                    request=request)]
    if len(reads) > settings.ALPR_EDGE_MAX_READS_PER_REQUEST:
        return [edge_payload_refuse(
            camera=camera, source=source, raw=raw, request=request,
            reason=f"{len(reads)} reads in one request (at most {settings.ALPR_EDGE_MAX_READS_PER_REQUEST})")]
    now = timezone.now()
    keys = [r.key for r in reads]
    # One query for the duplicates of the whole batch (vendor retries resend whole batches).
    existing = {e.event_key: e for e in EdgeEvent.objects.filter(
        camera=camera, source=source, status=EdgeEvent.Status.ACCEPTED, event_key__in=set(keys))}
    outcomes: list[EdgeOutcome | None] = [None] * len(reads)
    first: dict[str, int] = {}  # key -> index of its first read in this batch
    fresh: list[int] = []
    for i, key in enumerate(keys):
        if key in existing:
            outcomes[i] = EdgeOutcome(existing[key], False)
        elif key in first:
            continue  # the same read twice in one batch: answered after the first is stored
        else:
            first[key] = i
            fresh.append(i)
    # One commit per delivery (a commit per read is what bounded throughput, see
    # benchmarks/edge_reads.py); the camera is answered after the commit, so every hit
    # exists when it is (HT-1).
    with transaction.atomic():
        judged = {i: _judge(camera, reads[i], now) for i in fresh}
        good = [i for i in fresh if not judged[i]]
        try:
            # The batch in one INSERT per table; a concurrent delivery of one of these
            # reads (IntegrityError) or a refusal by the read service (DomainError) sends
            # the batch down the one-by-one path, which tells them apart.
            with transaction.atomic():
                stored = _store_batch(camera=camera, reads=[reads[i] for i in good], keys=[keys[i] for i in good],
                                      source=source, now=now)
            for i, outcome in zip(good, stored, strict=True):
                outcomes[i] = outcome
        except (IntegrityError, DomainError):
            for i in good:
                outcomes[i] = _receive_one(camera=camera, read=reads[i], key=keys[i], source=source, now=now)
        refused = [i for i in fresh if judged[i]]
        events = EdgeEvent.objects.bulk_create([
            _event(camera=camera, read=reads[i], key=keys[i], source=source, now=now, reason=judged[i])
            for i in refused])
        for i, event in zip(refused, events, strict=True):
            outcomes[i] = EdgeOutcome(event, True)
        for i, key in enumerate(keys):
            if outcomes[i] is None:
                outcomes[i] = EdgeOutcome(outcomes[first[key]].event, False)
        _log(camera=camera, source=source, request=request, outcomes=outcomes)
    return outcomes


def _event(*, camera: Camera, read: EdgeRead, key: str, source: str, now: datetime, reason: str = "") -> EdgeEvent:
    """The event for one read: an accepted one keeps the item without its images (they
    are on the read), a refused one keeps it whole (up to the limit) with the reason."""
    captured = read.captured_at if read.captured_at is not None and timezone.is_aware(read.captured_at) else None
    payload, digest, size = _capped(json.dumps(read.raw if reason else _without_images(read.raw), default=str))
    return EdgeEvent(camera=camera, source=source, event_key=key, received_at=now, captured_at=captured,
                     plate=(read.plate or "")[:40], payload=payload, payload_sha256=digest, payload_bytes=size,
                     status=EdgeEvent.Status.REJECTED if reason else EdgeEvent.Status.ACCEPTED, reason=reason)


def _read_fields(read: EdgeRead, camera: Camera, now: datetime, event: EdgeEvent) -> dict:
    return {
        "camera": camera, "plate_text": read.plate, "captured_at": read.captured_at, "confidence": read.confidence,
        "state": read.state, "plate_box": read.plate_box, "frame_bytes": read.frame, "crop_bytes": read.plate_crop,
        "latitude": read.latitude, "longitude": read.longitude, "uploaded_at": now,
        "vehicle_color": read.vehicle_color, "vehicle_make": read.vehicle_make, "vehicle_type": read.vehicle_type,
        "vehicle_color_confidence": read.vehicle_color_confidence,
        "vehicle_make_confidence": read.vehicle_make_confidence,
        "vehicle_type_confidence": read.vehicle_type_confidence, "edge_event": event,
    }


def _store_batch(*, camera: Camera, reads: list[EdgeRead], keys: list[str], source: str,
                 now: datetime) -> list[EdgeOutcome]:
    if not reads:
        return []
    events = EdgeEvent.objects.bulk_create([_event(camera=camera, read=read, key=key, source=source, now=now)
                                            for read, key in zip(reads, keys, strict=True)])
    stored = reads_record([_read_fields(read, camera, now, event) for read, event in zip(reads, events, strict=True)])
    return [EdgeOutcome(event, True, read, len(hits)) for event, (read, hits) in zip(events, stored, strict=True)]


def _receive_one(*, camera: Camera, read: EdgeRead, key: str, source: str, now: datetime) -> EdgeOutcome:
    """One read in its own savepoint: the path that tells a concurrent duplicate from a
    read the read service refuses."""
    reason = _judge(camera, read, now)
    if not reason:
        try:
            with transaction.atomic():
                event = _event(camera=camera, read=read, key=key, source=source, now=now)
                event.save()
                stored, hits = read_record(**_read_fields(read, camera, now, event))
            return EdgeOutcome(event, True, stored, len(hits))
        except IntegrityError:
            # The same read arrived twice at once: the other delivery stored it.
            existing = EdgeEvent.objects.filter(camera=camera, source=source, event_key=key,
                                                status=EdgeEvent.Status.ACCEPTED).first()
            if existing is not None:
                return EdgeOutcome(existing, False)
            reason = "the read could not be stored (integrity error)"
        except DomainError as exc:
            reason = exc.message
    event = _event(camera=camera, read=read, key=key, source=source, now=now, reason=reason)
    event.save()
    return EdgeOutcome(event, True)


def _log(*, camera: Camera | None, source: str, request, outcomes: list[EdgeOutcome]) -> None:
    """AU-1: one access-log entry per delivery, naming the camera and what became of it."""
    accepted = [o for o in outcomes if o.created and o.event.status == EdgeEvent.Status.ACCEPTED]
    rejected = [o for o in outcomes if o.event.status == EdgeEvent.Status.REJECTED]
    duplicates = [o for o in outcomes if not o.created]
    record_access(
        action=Action.INGEST_EDGE_READS, request=request, object_type="camera" if camera else "",
        object_id=camera.pk if camera else "", username=f"camera:{camera.name}" if camera else "",
        data_elements={"source": source, "accepted": len(accepted), "duplicates": len(duplicates),
                       "rejected": len(rejected), "events": [o.event.pk for o in outcomes][:200]},
        outcome=AccessEvent.Outcome.DENIED if camera is None else AccessEvent.Outcome.ALLOWED,
        detail="; ".join(sorted({o.event.reason for o in rejected}))[:1000],
    )
    log = logger.warning if rejected else logger.info
    log("edge reads camera=%s source=%s accepted=%s duplicates=%s rejected=%s", camera.pk if camera else "-",
        source, len(accepted), len(duplicates), len(rejected))
