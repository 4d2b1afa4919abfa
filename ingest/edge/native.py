"""The project's own JSON for a read made elsewhere (issue 22): `POST /api/cameras/reads/`.

    {"reads": [{
        "event_id": "cam7-000123",              # optional; else the SHA-256 of the read
        "plate": "7ABC123", "state": "CA", "confidence": 0.94,
        "captured_at": "2026-12-01T15:04:05Z",  # ISO 8601 with a zone
        "latitude": 37.81, "longitude": -122.26, # mobile units: required
        "plate_box": [x, y, w, h],
        "vehicle": {"color": "red", "color_confidence": 0.81, "make": "Toyota", "make_confidence": 0.7,
                    "body_type": "sedan", "body_type_confidence": 0.9},
        "plate_crop": "<base64 JPEG/PNG>", "frame": "<base64 JPEG/PNG>"
    }, ...]}

One read may also be sent bare (the object itself). As multipart/form-data the JSON is
the `reads` field and the images are files: `frame` and `plate_crop` for a single read,
`frame_<i>` and `plate_crop_<i>` for read i (from 0) of many.
"""

from __future__ import annotations

from django.utils.dateparse import parse_datetime

from ingest.edge.common import (
    EdgePayloadError,
    EdgeRead,
    b64_image,
    body_type_word,
    colour_word,
    confidence,
    make_word,
)


def _one(item, index: int, files: dict, many: bool) -> EdgeRead:
    if not isinstance(item, dict):
        raise EdgePayloadError(f"read {index} is not an object")
    read = EdgeRead(plate=str(item.get("plate") or ""), captured_at=None, raw=item,
                    event_id=str(item.get("event_id") or "")[:120])
    try:
        raw_time = item.get("captured_at")
        read.captured_at = parse_datetime(raw_time) if isinstance(raw_time, str) else None
        if raw_time and read.captured_at is None:
            raise EdgePayloadError("captured_at is not an ISO 8601 date-time")
        read.state = str(item.get("state") or "").strip().upper()[:2]
        read.confidence = confidence(item.get("confidence"))
        read.latitude, read.longitude = item.get("latitude"), item.get("longitude")
        box = item.get("plate_box")
        if box is not None:
            if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, int) for v in box)):
                raise EdgePayloadError("plate_box is four whole numbers: x, y, width, height")
            read.plate_box = box
        vehicle = item.get("vehicle") or {}
        if not isinstance(vehicle, dict):
            raise EdgePayloadError("vehicle is an object")
        read.vehicle_color = colour_word(vehicle.get("color") or vehicle.get("colour"))
        read.vehicle_color_confidence = confidence(vehicle.get("color_confidence", vehicle.get("colour_confidence")))
        read.vehicle_make = make_word(vehicle.get("make"))
        read.vehicle_make_confidence = confidence(vehicle.get("make_confidence"))
        read.vehicle_type = body_type_word(vehicle.get("body_type"))
        read.vehicle_type_confidence = confidence(vehicle.get("body_type_confidence"))
        suffix = f"_{index}" if many else ""
        read.frame = _file(files, "frame" + suffix) or b64_image(item.get("frame"), "frame")
        read.plate_crop = _file(files, "plate_crop" + suffix) or b64_image(item.get("plate_crop"), "plate_crop")
    except EdgePayloadError as exc:
        # This read is refused (and kept); the others in the request go on.
        read.problem = exc.reason
    return read


def _file(files: dict, name: str) -> bytes:
    upload = files.get(name)
    if upload is None:
        return b""
    if getattr(upload, "oversized", False):
        raise EdgePayloadError(f"{name}: file too large: {upload.size:,} bytes")
    return upload.read()


def parse(payload, files: dict | None = None) -> list[EdgeRead]:
    """The project's JSON (decoded) -> reads; EdgePayloadError when it is not that format."""
    files = files or {}
    if isinstance(payload, dict) and "reads" in payload:
        items = payload["reads"]
        if not isinstance(items, list):
            raise EdgePayloadError("'reads' is a list of read objects")
    elif isinstance(payload, dict) and "plate" in payload:
        items = [payload]
    elif isinstance(payload, list):
        items = payload
    else:
        raise EdgePayloadError("expected {\"reads\": [...]} or one read object with a 'plate'")
    if not items:
        raise EdgePayloadError("the payload holds no read")
    many = len(items) > 1
    return [_one(item, i, files, many) for i, item in enumerate(items)]
