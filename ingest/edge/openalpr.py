"""OpenALPR / Rekor agent webhooks (issue 22): `POST /api/cameras/reads/openalpr/`.

The agent (alprd) posts JSON documents told apart by `data_type`:

- `alpr_group`: one vehicle seen over several frames, with the best plate
  (`best_plate_number`, `best_confidence` in percent, `best_region` such as "us-ca"),
  the best plate's details in `best_plate` (corner `coordinates`, `plate_crop_jpeg`),
  `epoch_start` in milliseconds, `gps_latitude` / `gps_longitude` on mobile units,
  `vehicle_crop_jpeg`, and the vehicle's attributes as ranked guesses:
  `vehicle: {color|make|body_type: [{"name", "confidence"}]}`. The agent may send a
  preview group first (`is_preview`) and the final one later, with the same ids;
- `alpr_results`: the plates of one frame, `results[]` with `plate`, `confidence`,
  `region`, `coordinates`, `plate_index`; `epoch_time` in milliseconds; no images;
- `heartbeat`: the agent's health, not a read (ignored).

The idempotency key is the group's (or frame's) uuid with the plate, so a preview and
its final group are one read unless the plate changed, and a redelivery is a duplicate.
"""

from __future__ import annotations

from ingest.edge.common import (
    EdgePayloadError,
    EdgeRead,
    b64_image,
    body_type_word,
    colour_word,
    confidence,
    epoch,
    make_word,
    region_state,
)

IGNORED = {"heartbeat"}


def _best(guesses) -> tuple[str, float | None]:
    """The top guess of a ranked attribute list [{"name", "confidence" (percent)}]."""
    if not isinstance(guesses, list) or not guesses or not isinstance(guesses[0], dict):
        return "", None
    top = max(guesses, key=lambda g: float(g.get("confidence") or 0))
    return str(top.get("name") or ""), confidence(top.get("confidence"), scale=100)


def _box(coordinates) -> list[int] | None:
    """Four corner points -> [x, y, width, height]."""
    if not isinstance(coordinates, list) or not coordinates:
        return None
    try:
        xs = [int(p["x"]) for p in coordinates]
        ys = [int(p["y"]) for p in coordinates]
    except (KeyError, TypeError, ValueError):
        raise EdgePayloadError("coordinates are points {x, y}") from None
    return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


def _group(payload: dict) -> list[EdgeRead]:
    plate = str(payload.get("best_plate_number") or "")
    group_id = str(payload.get("uuid") or payload.get("best_uuid") or "")
    read = EdgeRead(plate=plate, captured_at=None, raw=payload,
                    event_id=f"group:{group_id}:{plate}" if group_id else "")
    try:
        if "epoch_start" not in payload:
            raise EdgePayloadError("alpr_group without epoch_start")
        read.captured_at = epoch(payload["epoch_start"], millis=True)
        read.confidence = confidence(payload.get("best_confidence"), scale=100)
        read.state = region_state(payload.get("best_region"))
        read.latitude, read.longitude = payload.get("gps_latitude"), payload.get("gps_longitude")
        best = payload.get("best_plate") or {}
        if not isinstance(best, dict):
            raise EdgePayloadError("best_plate is an object")
        read.plate_box = _box(best.get("coordinates"))
        read.plate_crop = b64_image(best.get("plate_crop_jpeg"), "best_plate.plate_crop_jpeg")
        # The agent sends the vehicle's crop, not the whole frame: it is the read's image (RD-3).
        read.frame = b64_image(payload.get("vehicle_crop_jpeg"), "vehicle_crop_jpeg")
        vehicle = payload.get("vehicle") or {}
        if not isinstance(vehicle, dict):
            raise EdgePayloadError("vehicle is an object")
        colour, read.vehicle_color_confidence = _best(vehicle.get("color"))
        make, read.vehicle_make_confidence = _best(vehicle.get("make"))
        body, read.vehicle_type_confidence = _best(vehicle.get("body_type"))
        read.vehicle_color, read.vehicle_make, read.vehicle_type = colour_word(colour), make_word(make), \
            body_type_word(body)
    except EdgePayloadError as exc:
        read.problem = exc.reason
    return [read]


def _results(payload: dict) -> list[EdgeRead]:
    results = payload.get("results")
    if not isinstance(results, list):
        raise EdgePayloadError("alpr_results without a results list")
    frame_id = str(payload.get("uuid") or "")
    reads = []
    for i, item in enumerate(results):
        if not isinstance(item, dict):
            raise EdgePayloadError(f"results[{i}] is not an object")
        plate = str(item.get("plate") or "")
        index = item.get("plate_index", i)
        read = EdgeRead(plate=plate, captured_at=None, raw={**{k: v for k, v in payload.items() if k != "results"},
                                                                "results": [item]},
                        event_id=f"results:{frame_id}:{index}" if frame_id else "")
        try:
            if "epoch_time" not in payload:
                raise EdgePayloadError("alpr_results without epoch_time")
            read.captured_at = epoch(payload["epoch_time"], millis=True)
            read.confidence = confidence(item.get("confidence"), scale=100)
            read.state = region_state(item.get("region"))
            read.latitude, read.longitude = payload.get("gps_latitude"), payload.get("gps_longitude")
            read.plate_box = _box(item.get("coordinates"))
        except EdgePayloadError as exc:
            read.problem = exc.reason
        reads.append(read)
    return reads


def parse(payload, files: dict | None = None) -> list[EdgeRead]:
    """An agent's JSON (decoded) -> reads ([] for a heartbeat); EdgePayloadError otherwise."""
    if not isinstance(payload, dict):
        raise EdgePayloadError("an OpenALPR agent payload is a JSON object")
    kind = payload.get("data_type")
    if kind == "alpr_group":
        return _group(payload)
    if kind == "alpr_results":
        return _results(payload)
    if kind in IGNORED:
        return []
    raise EdgePayloadError(f"data_type {kind!r} is not alpr_group or alpr_results")
