"""Demo cameras, and reads made the real way: frames the project renders (plates drawn
onto synthetic scenes) go through ingest and the OCR pipeline, then hot-list matching.
Seeds are chosen so the stock recogniser reads the demo's key plates; what it reads for
the background traffic is whatever it reads, as in real life."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from alpr.models import Camera, Read
from hotlists.demo import ALERT_PLATE, COVERT_PLATE
from ingest.models import FrameJob
from ingest.services import frame_receive
from ingest.synthetic import encode_jpeg, random_plate, render_frame

CAMERAS = [
    ("Broadway & Grand Ave (NB)", Camera.Kind.FIXED, 37.8116, -122.2651),
    ("International Blvd & 23rd Ave", Camera.Kind.FIXED, 37.7836, -122.2360),
    ("Hegenberger Rd at I-880", Camera.Kind.FIXED, 37.7335, -122.1985),
    ("MacArthur Blvd & High St", Camera.Kind.FIXED, 37.7885, -122.1990),
    ("Telegraph Ave & 40th St", Camera.Kind.FIXED, 37.8295, -122.2650),
    ("Patrol unit 2A12", Camera.Kind.MOBILE, None, None),
    # CAM-1: a trailer that has stopped sending (the demo's silent-camera alarm).
    ("Trailer 7, Mountain Blvd", Camera.Kind.TRAILER, 37.8240, -122.2110),
]
# CAM-1: the fixed cameras whose site the administrator attested; Telegraph Ave is left
# unattested, so the camera list and the administrator's dashboard show one.
ATTESTED = {
    "Broadway & Grand Ave (NB)": "Broadway at Grand Ave, northbound, city-limit style ALPR sign on the light pole",
    "International Blvd & 23rd Ave": "International Blvd at 23rd Ave, on the signal mast",
    "Hegenberger Rd at I-880": "Hegenberger Rd entrance to the city from I-880 (003 §418.8: city entrance)",
    "MacArthur Blvd & High St": "MacArthur Blvd at High St, eastbound",
}
SEARCH_PLATE = "3DMS368"  # several reads: try a partial search for 3DM*68
SEARCH_SEEDS = (100, 105, 107, 108, 109)
BACKGROUND_FRAMES = 30


def _send(camera, plate, captured_at, seed, **vehicle):
    frame = render_frame(plate, "CA", seed=seed)
    lat = lon = None
    if camera.kind == Camera.Kind.MOBILE:
        rng = random.Random(seed)
        lat, lon = round(37.80 + rng.uniform(-0.03, 0.03), 6), round(-122.25 + rng.uniform(-0.03, 0.03), 6)
    frame_receive(camera=camera, data=encode_jpeg(frame.image), source=FrameJob.Source.CAMERA,
                  captured_at=captured_at, original_name=f"demo-{seed}.jpg", content_type="image/jpeg",
                  latitude=lat, longitude=lon, **vehicle)


def _demo_boundary(cameras) -> Path:
    """Issue 21 §1: a service-area outline around the demo cameras (not a real city
    boundary), so a map with no basemap shows the boundary drawing."""
    points = [(c.latitude, c.longitude) for c in cameras if c.latitude is not None]
    south, north = float(min(p[0] for p in points)) - 0.01, float(max(p[0] for p in points)) + 0.01
    west, east = float(min(p[1] for p in points)) - 0.01, float(max(p[1] for p in points)) + 0.01
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    path = Path(settings.VAR_DIR) / "demo" / "service-area.geojson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "Feature", "properties": {"name": "Demo service area"},
                                "geometry": {"type": "Polygon", "coordinates": [ring]}}))
    return path


def load(ctx) -> None:
    home = ctx.agencies[settings.ALPR_HOME_AGENCY_ORI]
    cameras = []
    for name, kind, lat, lon in CAMERAS:
        camera, created = Camera.objects.get_or_create(
            agency=home, name=name, defaults={"kind": kind, "latitude": lat, "longitude": lon})
        if created:
            token = camera.issue_token()
            camera.save()
            if not cameras:
                ctx.lines.append(f"Camera '{name}' device token (shown once): {token}")
        cameras.append(camera)
    ctx.lines.append(f"Maps: a demo service-area outline is at {_demo_boundary(cameras)}; set "
                     "ALPR_MAP_BOUNDARY_GEOJSON to it to see it drawn on the maps.")
    _cameras_fitness(ctx, cameras)
    if Read.objects.filter(camera__in=cameras).exists() or FrameJob.objects.filter(camera__in=cameras).exists():
        ctx.lines.append("Reads: demo frames already processed.")
        return
    now = timezone.now()
    rng = random.Random(2026)
    for i in range(BACKGROUND_FRAMES):
        _send(rng.choice(cameras[:5]), random_plate(rng), now - timedelta(minutes=rng.randint(30, 7 * 24 * 60)), i)
    for i, seed in enumerate(SEARCH_SEEDS):
        # Issue 21 §7: as from a camera that recognises vehicles and sends make and body type.
        _send(cameras[i], SEARCH_PLATE, now - timedelta(hours=6 + 20 * i), seed,
              vehicle_make="Toyota", vehicle_type="sedan")
    _send(cameras[0], ALERT_PLATE, now - timedelta(minutes=3), 200)
    _send(cameras[1], COVERT_PLATE, now - timedelta(minutes=8), 201)
    ctx.lines.append(
        f"Reads: {BACKGROUND_FRAMES + len(SEARCH_SEEDS) + 2} rendered frames sent through ingest and the OCR pipeline "
        f"(processed when the demo commits). {ALERT_PLATE} raises a live alert for officers (the OCR reads it as an "
        f"equivalent plate); {COVERT_PLATE} a covert hit only the investigator sees. "
        f"Try a search for {SEARCH_PLATE[:3]}*{SEARCH_PLATE[-2:]} (sent with make TOYOTA, body type SEDAN).")


def _cameras_fitness(ctx, cameras) -> None:
    """CAM-1 demo data: right-of-way attestations of four fixed cameras, this shift's check
    of the patrol unit by the officer, and the trailer's silent-camera alarm."""
    from alpr.models import CameraSiteAttestation, ShiftCheck
    from alpr.services.cameras import camera_site_attest, shift_check_record
    from ingest.health import silence_raise
    from ingest.models import CameraSilence

    administrator, officer = ctx.users.get("administrator"), ctx.users.get("officer")
    by_name = {c.name: c for c in cameras}
    if administrator is not None:
        for name, signage in ATTESTED.items():
            camera = by_name[name]
            if not CameraSiteAttestation.objects.filter(camera=camera).exists():
                camera_site_attest(camera=camera, by=administrator, public_right_of_way=True,
                                   field_of_view="Traffic lanes of the public street only; no driveways or yards",
                                   signage_location=signage)
    unit = by_name["Patrol unit 2A12"]
    now = timezone.now()
    if officer is not None and not ShiftCheck.objects.filter(
            camera=unit, checked_at__gt=now - timedelta(hours=settings.ALPR_SHIFT_CHECK_HOURS)).exists():
        shift_check_record(camera=unit, by=officer, camera_working=True, aimed=True, lens_clean=True,
                           time_synced=True, note="Demo: checked at the start of the day shift")
    trailer = by_name["Trailer 7, Mountain Blvd"]
    if not CameraSilence.objects.filter(camera=trailer).exists():
        Camera.objects.filter(pk=trailer.pk).update(token_issued_at=now - timedelta(hours=3))
        silence_raise(trailer, last=None, now=now)
    ctx.lines.append("Cameras: four fixed cameras attested (Telegraph Ave is not), patrol unit 2A12 checked this "
                     "shift by the officer, and Trailer 7 raised a silent-camera alarm for the administrator.")


def after_frames(ctx) -> None:
    """Read the demo's frames now when the background worker (issue 21 §2) would take them
    later, so the sample searches and the audit of the modules after this one find reads."""
    from ingest import frame_worker

    if frame_worker.background_enabled():
        while frame_worker.run_once() is not None:
            pass
