"""Plate Recognizer Stream and Snapshot webhooks (issue 22):
`POST /api/cameras/reads/platerecognizer/`.

Both post `{"hook": {"target", "id", "event"}, "data": {...}}`: Stream for each
recognition (`event: "recognition"`), Snapshot when an image is done
(`event: "image.done"`). `data` has `camera_id`, `timestamp` (ISO 8601, UTC),
`filename` and `results[]`, each with `plate` (lower case), `score` (0..1),
`region: {"code": "us-ca", "score"}`, `box: {xmin, ymin, xmax, ymax}`,
`vehicle: {"type": "Sedan", "score"}` and, with make/model/colour recognition on,
`model_make: [{"make", "model", "score"}]` and `color: [{"color", "score"}]`.
A webhook that sends the image posts multipart/form-data: the JSON in the `json` field,
the image in `upload`. Neither product gives an event id: the idempotency key is the
SHA-256 of the normalised read (which includes the image's hash).
"""

from __future__ import annotations

from django.utils.dateparse import parse_datetime

from ingest.edge.common import (
    EdgePayloadError,
    EdgeRead,
    body_type_word,
    colour_word,
    confidence,
    make_word,
    region_state,
)


def _top(guesses, key: str) -> tuple[str, float | None]:
    if not isinstance(guesses, list) or not guesses or not isinstance(guesses[0], dict):
        return "", None
    top = max(guesses, key=lambda g: float(g.get("score") or 0))
    return str(top.get(key) or ""), confidence(top.get("score"))


def _box(box) -> list[int] | None:
    if not isinstance(box, dict):
        return None
    try:
        x0, y0, x1, y1 = (int(box[k]) for k in ("xmin", "ymin", "xmax", "ymax"))
    except (KeyError, TypeError, ValueError):
        raise EdgePayloadError("box is {xmin, ymin, xmax, ymax}") from None
    return [x0, y0, x1 - x0, y1 - y0]


def parse(payload, files: dict | None = None) -> list[EdgeRead]:
    """A Stream or Snapshot webhook (decoded) -> reads; EdgePayloadError when it is not one."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise EdgePayloadError("a Plate Recognizer webhook is {\"hook\": {...}, \"data\": {...}}")
    data = payload["data"]
    results = data.get("results")
    if not isinstance(results, list):
        raise EdgePayloadError("data.results is missing")
    upload = (files or {}).get("upload")
    if upload is not None and getattr(upload, "oversized", False):
        raise EdgePayloadError(f"upload: file too large: {upload.size:,} bytes")
    frame = upload.read() if upload is not None else b""
    raw_time = data.get("timestamp")
    captured = parse_datetime(raw_time) if isinstance(raw_time, str) else None
    gps = data.get("gps") if isinstance(data.get("gps"), dict) else {}
    reads = []
    for i, item in enumerate(results):
        if not isinstance(item, dict):
            raise EdgePayloadError(f"data.results[{i}] is not an object")
        raw = {"hook": payload.get("hook"), "data": {**{k: v for k, v in data.items() if k != "results"},
                                                     "results": [item]}}
        read = EdgeRead(plate=str(item.get("plate") or ""), captured_at=captured, raw=raw, frame=frame)
        try:
            if raw_time is None:
                raise EdgePayloadError("data.timestamp is missing")
            if captured is None:
                raise EdgePayloadError("data.timestamp is not an ISO 8601 date-time")
            read.confidence = confidence(item.get("score"))
            region = item.get("region") if isinstance(item.get("region"), dict) else {}
            read.state = region_state(region.get("code"))
            read.plate_box = _box(item.get("box"))
            read.latitude, read.longitude = gps.get("latitude"), gps.get("longitude")
            vehicle = item.get("vehicle") if isinstance(item.get("vehicle"), dict) else {}
            read.vehicle_type = body_type_word(vehicle.get("type"))
            read.vehicle_type_confidence = confidence(vehicle.get("score")) if read.vehicle_type else None
            make, read.vehicle_make_confidence = _top(item.get("model_make"), "make")
            colour, read.vehicle_color_confidence = _top(item.get("color"), "color")
            read.vehicle_make, read.vehicle_color = make_word(make), colour_word(colour)
        except EdgePayloadError as exc:
            read.problem = exc.reason
        reads.append(read)
    return reads
