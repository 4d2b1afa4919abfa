"""Frigate license-plate events from its MQTT `frigate/events` topic (issue 22).

Frigate publishes `{"type": "new" | "update" | "end", "before": {...}, "after": {...}}`
for each tracked object; `after` has `id`, `camera`, `label` ("car", "motorcycle"...),
`start_time` and `frame_time` (epoch seconds), and once its LPR has read the plate,
`recognized_license_plate` and `recognized_license_plate_score` (0..1). Older versions
carry a base64 JPEG `thumbnail`.

A read is made from `update` and `end` events that carry a recognised plate; `new`
events and objects without a plate are not reads (parse returns []). The idempotency key
is the event id with the plate: the updates of one car make one read, and a plate
corrected by a later update is a second read (it may be the one on a hot list, HT-1).
The consumer is `manage.py frigate_consumer`; Frigate's camera names are mapped to
cameras there, as Frigate holds no device token.
"""

from __future__ import annotations

from ingest.edge.common import EdgePayloadError, EdgeRead, b64_image, confidence, epoch

READ_TYPES = {"update", "end"}


def camera_name(payload) -> str:
    after = payload.get("after") if isinstance(payload, dict) else None
    return str(after.get("camera") or "") if isinstance(after, dict) else ""


def parse(payload, files: dict | None = None) -> list[EdgeRead]:
    """A Frigate event (decoded) -> at most one read; EdgePayloadError when it is not one."""
    if not isinstance(payload, dict) or not isinstance(payload.get("after"), dict):
        raise EdgePayloadError("a Frigate event is {\"type\", \"before\", \"after\": {...}}")
    if payload.get("type") not in ("new", "update", "end"):
        raise EdgePayloadError(f"event type {payload.get('type')!r} is not new, update or end")
    after = payload["after"]
    plate = after.get("recognized_license_plate")
    if payload["type"] not in READ_TYPES or not plate:
        return []
    event_id = str(after.get("id") or "")
    read = EdgeRead(plate=str(plate), captured_at=None, raw=payload,
                    event_id=f"{event_id}:{plate}" if event_id else "")
    try:
        when = after.get("frame_time") or after.get("start_time")
        if when is None:
            raise EdgePayloadError("event without start_time")
        read.captured_at = epoch(when)
        read.confidence = confidence(after.get("recognized_license_plate_score"))
        read.frame = b64_image(after.get("thumbnail"), "thumbnail")
    except EdgePayloadError as exc:
        read.problem = exc.reason
    return [read]
