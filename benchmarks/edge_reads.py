"""Edge-camera read throughput into PostgreSQL with hot-list matching (issue 22).

Loads 1,000,000 hot-list entries (COPY), then posts N edge reads in the project's JSON to
`/api/cameras/reads/` through Django's test client (the whole stack: middleware, camera
token, parsing, EdgeEvent + Read rows, matching, access log), in batches, from one
process. About 1% of the reads are listed plates, so each must raise its hit before the
camera is answered (HT-1). Prints reads/s, hits/s and the per-request latency.

    .venv/bin/python benchmarks/edge_reads.py --reads 20000 --batch 50
    .venv/bin/python benchmarks/edge_reads.py --reads 5000 --batch 50 --crop   # with a plate crop each

Target (issue 22): >= 500 edge reads/s with matching against 1,000,000 entries.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import percentile, setup_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/alpr_edge"


def load_entries(n: int, rng: random.Random) -> list[str]:
    from django.db import connection

    from benchmarks.hotlist_match import synthetic_entries
    from hotlists.matching import bump_version
    from hotlists.models import Hotlist, HotlistEntry

    ncic, _ = Hotlist.objects.get_or_create(name="NCIC (edge benchmark)",
                                            defaults={"source": "ncic", "is_external": True})
    if HotlistEntry.objects.filter(hotlist=ncic).count() != n:
        HotlistEntry.objects.filter(hotlist=ncic).delete()
        entries = synthetic_entries(n, rng)
        t0 = time.perf_counter()
        raw = connection.connection
        with raw.cursor() as cur, cur.copy(
                "COPY hotlists_hotlistentry (hotlist_id, plate, pattern, state, reason, reference, vehicle_description,"
                " case_number, status, active_from, created_at, major_crime) FROM STDIN") as copy:
            for plate, state in entries:
                copy.write_row((ncic.pk, plate, "", state, "Stolen vehicle", "", "", "", "active", "2026-01-01",
                                "2026-01-01", ""))
        raw.commit()
        print(f"loaded {n:,} hot-list entries with COPY in {time.perf_counter() - t0:.1f} s")
    else:
        entries = list(HotlistEntry.objects.filter(hotlist=ncic).values_list("plate", "state"))
        print(f"{n:,} hot-list entries already loaded")
    bump_version(external=True)
    return [plate for plate, state in entries if state == "CA"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=50, help="reads per request")
    parser.add_argument("--listed", type=float, default=0.01, help="share of reads that are listed plates")
    parser.add_argument("--crop", action="store_true", help="send a base64 plate crop with each read")
    parser.add_argument("--warmup", type=int, default=20, help="requests before the timed run")
    parser.add_argument("--clients", type=int, default=1, help="concurrent senders (threads)")
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from accounts.models import Agency
    from alpr.models import Camera, Hit, Read
    from hotlists.matching import find_matches
    from ingest.models import EdgeEvent
    from ingest.synthetic import encode_jpeg, random_plate, render_frame

    rng = random.Random(22)
    listed = load_entries(args.entries, rng)
    # The reads' own generator: the entries' seed would draw the listed plates again.
    rng = random.Random(2201)
    agency = Agency.objects.order_by("pk").first() or Agency.objects.create(name="Oakland Police Department")
    camera, _ = Camera.objects.get_or_create(agency=agency, name="Edge benchmark camera",
                                             defaults={"latitude": 37.8044, "longitude": -122.2712})
    token = camera.issue_token()
    camera.save()
    crop = ""
    if args.crop:
        crop = base64.b64encode(encode_jpeg(render_frame("7ABC123", "CA", seed=1).crop)).decode()

    # The matcher's index is built once per process, on the first read: timed apart.
    probe = Read(plate=listed[0], state="CA", camera=camera, agency=agency, captured_at=timezone.now())
    t0 = time.perf_counter()
    assert find_matches(probe), "the benchmark's listed plate must match"
    print(f"matcher index built from PostgreSQL in {time.perf_counter() - t0:.1f} s")

    run = f"{time.time():.0f}"
    client = Client()
    latencies: list[float] = []
    expected_hits = 0
    sent = 0

    def batch_of(n: int, tag: str) -> list[dict]:
        nonlocal expected_hits
        now = timezone.now()
        items = []
        for i in range(n):
            if rng.random() < args.listed:
                plate = rng.choice(listed)
                expected_hits += 1
            else:
                plate = random_plate(rng)
            item = {"event_id": f"bench-{run}-{tag}-{i}", "plate": plate, "state": "CA",
                    "confidence": 0.9, "captured_at": (now - timedelta(seconds=2)).isoformat(),
                    "vehicle": {"color": rng.choice(["white", "black", "silver-gray", "red"]),
                                "color_confidence": 0.8, "body_type": "sedan-standard"}}
            if crop:
                item["plate_crop"] = crop
            items.append(item)
        return items

    def post(items: list[dict]) -> None:
        response = client.post("/api/cameras/reads/", json.dumps({"reads": items}),
                               content_type="application/json", HTTP_AUTHORIZATION=f"Camera {token}")
        assert response.status_code == 201, response.content[:500]

    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media, ALLOWED_HOSTS=["*"],
                                                                    DEBUG=False):
        assert not settings.DEBUG
        # Warm up (not timed), then ANALYZE as autovacuum would: a brand-new table's empty
        # statistics make PostgreSQL plan the duplicate check as a scan of the camera's events.
        for w in range(args.warmup):
            post(batch_of(args.batch, f"warm{w}"))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ingest_edgeevent; ANALYZE alpr_read; ANALYZE alpr_hit")
        reads_before = Read.objects.filter(camera=camera).count()
        hits_before = Hit.objects.filter(camera=camera).count()
        expected_hits = 0
        batches = []
        while sent < args.reads:
            batches.append(batch_of(min(args.batch, args.reads - sent), str(sent)))
            sent += len(batches[-1])
        started = time.perf_counter()
        if args.clients == 1:
            for items in batches:
                t = time.perf_counter()
                post(items)
                latencies.append(time.perf_counter() - t)
        else:
            # Several cameras at once, as gunicorn threads would serve them: each thread has
            # its own client and database connection.
            from concurrent.futures import ThreadPoolExecutor

            from django.db import connections

            def camera_thread(share: list[list[dict]]) -> list[float]:
                own = Client()
                times = []
                try:
                    for items in share:
                        t = time.perf_counter()
                        response = own.post("/api/cameras/reads/", json.dumps({"reads": items}),
                                            content_type="application/json", HTTP_AUTHORIZATION=f"Camera {token}")
                        assert response.status_code == 201, response.content[:500]
                        times.append(time.perf_counter() - t)
                finally:
                    connections.close_all()
                return times

            with ThreadPoolExecutor(args.clients) as pool:
                for times in pool.map(camera_thread, [batches[i::args.clients] for i in range(args.clients)]):
                    latencies.extend(times)
        elapsed = time.perf_counter() - started
    reads = Read.objects.filter(camera=camera).count() - reads_before
    hits = Hit.objects.filter(camera=camera).count() - hits_before
    print(f"entries: {args.entries:,}  reads posted: {sent:,} in {len(latencies):,} requests of {args.batch}"
          f" from {args.clients} client(s)"
          f"{' (with plate crop)' if crop else ''}")
    print(f"stored reads: {reads:,}  edge events in all: {EdgeEvent.objects.filter(camera=camera).count():,}  "
          f"hits: {hits:,} (expected >= {expected_hits:,})")
    print(f"elapsed: {elapsed:.1f} s  ->  {reads / elapsed:,.0f} reads/s, {hits / elapsed:,.1f} hits/s")
    print(f"request latency: mean {sum(latencies) / len(latencies) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, 99) * 1000:.0f} ms for {args.batch} reads "
          f"(a hit exists when its request returns: HT-1 within a second)")
    assert reads == sent and hits >= expected_hits


if __name__ == "__main__":
    main()
