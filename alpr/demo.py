"""Demo cameras and reads with rendered images; some of them hit the demo hot lists."""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from alpr.models import Camera, Read
from alpr.services import read_record
from hotlists.demo import ALERT_PLATE, COVERT_PLATE
from ingest.synthetic import encode_jpeg, random_plate, render_frame

CAMERAS = [
    ("Broadway & Grand Ave (NB)", Camera.Kind.FIXED, 37.8116, -122.2651),
    ("International Blvd & 23rd Ave", Camera.Kind.FIXED, 37.7836, -122.2360),
    ("Hegenberger Rd at I-880", Camera.Kind.FIXED, 37.7335, -122.1985),
    ("MacArthur Blvd & High St", Camera.Kind.FIXED, 37.7885, -122.1990),
    ("Telegraph Ave & 40th St", Camera.Kind.FIXED, 37.8295, -122.2650),
    ("Patrol unit 2A12", Camera.Kind.MOBILE, None, None),
]
SEARCH_PLATE = "7ABC123"  # several reads: try a partial search for 7AB*23


def _record(camera, plate, captured_at, seed, state="CA"):
    frame = render_frame(plate, state, seed=seed)
    x, y, w, h = frame.plate_box
    lat = lon = None
    if camera.kind == Camera.Kind.MOBILE:
        rng = random.Random(seed)
        lat, lon = round(37.80 + rng.uniform(-0.03, 0.03), 6), round(-122.25 + rng.uniform(-0.03, 0.03), 6)
    return read_record(
        camera=camera, plate_text=plate, state=state, captured_at=captured_at, confidence=0.9,
        frame_bytes=encode_jpeg(frame.image), crop_bytes=encode_jpeg(frame.crop), plate_box=[x, y, w, h],
        frame_size=(frame.image.shape[1], frame.image.shape[0]), latitude=lat, longitude=lon,
        vehicle_color=frame.colour,
    )


def load(ctx) -> None:
    home = ctx.agencies[settings.ALPR_HOME_AGENCY_ORI]
    cameras = []
    for name, kind, lat, lon in CAMERAS:
        camera, created = Camera.objects.get_or_create(
            agency=home, name=name, defaults={"kind": kind, "latitude": lat, "longitude": lon})
        if created:
            token = camera.issue_token()
            camera.save()
            if len(cameras) == 0:
                ctx.lines.append(f"Camera '{name}' device token (shown once): {token}")
        cameras.append(camera)
    if Read.objects.filter(camera__in=cameras).exists():
        ctx.lines.append("Reads: demo reads already present.")
        return
    now = timezone.now()
    rng = random.Random(2026)
    for i in range(60):
        captured = now - timedelta(minutes=rng.randint(30, 7 * 24 * 60))
        _record(rng.choice(cameras), random_plate(rng), captured, seed=i)
    for i, camera in enumerate(cameras[:5]):
        _record(camera, SEARCH_PLATE, now - timedelta(hours=6 + 20 * i), seed=100 + i)
    _, hits = _record(cameras[0], ALERT_PLATE, now - timedelta(minutes=3), seed=200)
    _, covert_hits = _record(cameras[1], COVERT_PLATE, now - timedelta(minutes=8), seed=201)
    ctx.lines.append(f"Reads: 67 rendered reads; {len(hits) + len(covert_hits)} hits "
                     f"({ALERT_PLATE}: live alert for officers; {COVERT_PLATE}: covert, investigator only). "
                     f"Try a search for {SEARCH_PLATE[:3]}*{SEARCH_PLATE[-2:]}.")
