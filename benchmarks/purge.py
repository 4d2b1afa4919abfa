"""Retention purge at scale (issue: training and retention).

Loads N reads (default 5,000,000) spread over 60 days into PostgreSQL (with image files
for a sample), then purges the expired half through alpr.services.retention.purge() while a
concurrent writer inserts reads, and reports the purge's duration, rows per second and
the writer's worst insert latency.

    .venv/bin/python benchmarks/purge.py
Targets on the 2-core machine: 2.5M rows purged in <= 5 minutes; the writer's worst
insert latency during the purge <= 1 s.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

from benchmarks.common import percentile, setup_django

DB = "postgres://postgres@127.0.0.1:5432/alpr_bench_purge"


def writer(database_url: str, stop, results) -> None:
    setup_django(database_url)
    from datetime import UTC, datetime

    from alpr.models import Camera, Read

    camera = Camera.objects.order_by("pk").first()
    latencies = []
    while not stop.is_set():
        now = datetime.now(UTC)
        t0 = time.perf_counter()
        Read.objects.create(plate="9WRITER", plate_raw="9WRITER", state="CA", captured_at=now, uploaded_at=now,
                            camera=camera, agency_id=camera.agency_id, latitude=37.8, longitude=-122.27)
        latencies.append(time.perf_counter() - t0)
        time.sleep(0.02)  # ~50 reads/s: a busy camera network
    results.put(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads", type=int, default=5_000_000)
    parser.add_argument("--images", type=int, default=2000, help="reads (due for purge) that get image files")
    parser.add_argument("--database-url", default=DB)
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from alpr.models import Read
    from alpr.services.retention import purge
    from benchmarks.search import fill

    fill(args.reads, cameras=300, days=60, seed=3)
    due = Read.objects.order_by("uploaded_at").values_list("pk", flat=True)[:args.images]
    for pk in due:
        name = default_storage.save(f"bench/{pk}.jpg", ContentFile(b"\xff\xd8\xff" + b"x" * 2000 + b"\xff\xd9"))
        Read.objects.filter(pk=pk).update(crop=name)
    # spawn, not fork: a forked child would share this process's database socket.
    ctx = mp.get_context("spawn")
    stop, results = ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=writer, args=(args.database_url, stop, results))
    proc.start()
    time.sleep(3)
    t0 = time.perf_counter()
    run = purge()
    elapsed = time.perf_counter() - t0
    time.sleep(1)
    stop.set()
    latencies = results.get(timeout=60)
    proc.join(30)
    print(f"purged {run.reads_deleted:,} reads and {run.images_deleted:,} image files in {elapsed:.1f} s "
          f"= {run.reads_deleted / elapsed:,.0f} rows/s; kept {Read.objects.count():,} reads")
    print(f"concurrent writer: {len(latencies):,} inserts, p50 {percentile(latencies, 50) * 1000:.1f} ms, "
          f"p99 {percentile(latencies, 99) * 1000:.1f} ms, worst {max(latencies) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
