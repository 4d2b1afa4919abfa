"""Retention purge at scale (issue: training and retention; issue 23: partitions).

Loads N reads (default 5,000,000) spread over 60 days into PostgreSQL (with image files
for a sample, and a few reads of the expired half under an active legal hold), then
purges the expired half through alpr.services.retention.purge() while a concurrent writer
inserts 50 reads/s, and reports the purge's duration, rows per second, the writer's worst
insert latency and the database size before and after. On the partitioned table (issue
23) whole days are dropped and only the part-day at the cutoff is deleted in batches; the
dropped days' image files are then deleted by the background sweep, timed separately.

    .venv/bin/python benchmarks/purge.py --database-url postgres://postgres@127.0.0.1:5432/NAME
Targets on the 2-core machine (issue 23): 2.5M rows purged in <= 10 s (files in the
background); the writer's worst insert <= 100 ms; the space returned.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

from benchmarks.common import percentile, setup_django

DB = "postgres://postgres@127.0.0.1:5432/alpr_bench_purge"


def writer(database_url: str, stop, results, ready=None) -> None:
    setup_django(database_url)
    from datetime import UTC, datetime

    from alpr.models import Camera, Read

    camera = Camera.objects.order_by("pk").first()
    latencies = []
    if ready is not None:
        ready.set()  # the purge starts once the writer is writing (set-up takes seconds)
    while not stop.is_set():
        now = datetime.now(UTC)
        t0 = time.perf_counter()
        Read.objects.create(plate="9WRITER", plate_raw="9WRITER", state="CA", captured_at=now, uploaded_at=now,
                            camera=camera, agency_id=camera.agency_id, latitude=37.8, longitude=-122.27)
        latencies.append(time.perf_counter() - t0)
        time.sleep(0.02)  # ~50 reads/s: a busy camera network
    results.put(latencies)


def _db_size() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database())")
        return cur.fetchone()[0]


def _hold(read_ids: list[int]):
    """An active legal hold (RT-2) on some expired reads: they must survive the purge."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Agency, User
    from alpr.models import LegalHold

    user, _ = User.objects.get_or_create(username="bench.holder",
                                         defaults={"agency": Agency.objects.get(ori="CA0010900")})
    LegalHold.objects.filter(case_number="BENCH-1").delete()  # an earlier run's
    hold = LegalHold.objects.create(case_number="BENCH-1", reason=LegalHold.Reason.ACTIVE_CRIMINAL,
                                    justification="benchmark", status=LegalHold.Status.ACTIVE, placed_by=user,
                                    review_on=timezone.localdate() + timedelta(days=90))
    hold.reads.add(*read_ids)
    return hold


def _time_phases() -> dict:
    """Wrap the purge's phases with timers (benchmark only), to say where the time goes."""
    from alpr import partitions
    from alpr.services import retention

    phases: dict[str, float] = {}

    def timed(owner, attr, label):
        original = getattr(owner, attr)

        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - t

        setattr(owner, attr, wrapper)

    timed(retention, "tally_finished_days", "daily tallies")
    timed(partitions, "ensure_ahead", "partitions ahead")
    timed(partitions, "drop_expired_days", "whole days dropped")
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads", type=int, default=5_000_000)
    parser.add_argument("--images", type=int, default=2000, help="reads (due for purge) that get image files")
    parser.add_argument("--held", type=int, default=100, help="expired reads under an active legal hold")
    parser.add_argument("--database-url", default=DB)
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection

    from alpr import partitions
    from alpr.models import Read
    from alpr.services.retention import purge
    from benchmarks.search import fill

    with connection.cursor() as cur:
        cur.execute("TRUNCATE alpr_legalhold_reads, alpr_imagesweep, alpr_pendingimage")
    fill(args.reads, cameras=300, days=60, seed=3)
    due = list(Read.objects.order_by("uploaded_at").values_list("pk", flat=True)[:args.images])
    for pk in due:
        name = default_storage.save(f"bench/{pk}.jpg", ContentFile(b"\xff\xd8\xff" + b"x" * 2000 + b"\xff\xd9"))
        Read.objects.filter(pk=pk).update(crop=name)
    # Held reads: every 1000th of the oldest, the first of them with an image file.
    held = due[::max(len(due) // max(args.held, 1), 1)][:args.held]
    hold = _hold(held)
    held_files = list(Read.objects.filter(pk__in=held).exclude(crop="").values_list("crop", flat=True))
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE alpr_read")
    before = _db_size()
    # spawn, not fork: a forked child would share this process's database socket.
    ctx = mp.get_context("spawn")
    stop, results, ready = ctx.Event(), ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=writer, args=(args.database_url, stop, results, ready))
    proc.start()
    ready.wait(120)
    time.sleep(3)
    phases = _time_phases()
    t0 = time.perf_counter()
    run = purge()
    elapsed = time.perf_counter() - t0
    time.sleep(1)
    stop.set()
    latencies = results.get(timeout=60)
    proc.join(30)
    after = _db_size()
    t1 = time.perf_counter()
    swept = partitions.sweep_images()
    sweep_s = time.perf_counter() - t1
    kept = Read.objects.filter(pk__in=held).count()
    print(f"partitioned: {partitions.enabled()}; dropped {run.days_dropped} whole days")
    print(f"purged {run.reads_deleted:,} reads in {elapsed:.1f} s = {run.reads_deleted / elapsed:,.0f} rows/s "
          f"(+ {run.images_deleted:,} image files deleted inline by the batched part); "
          f"kept {Read.objects.count():,} reads")
    print("  of which: " + ", ".join(f"{name} {secs:.1f} s" for name, secs in phases.items())
          + f", the rest (batched part-day, counts, other apps' steps) {elapsed - sum(phases.values()):.1f} s")
    print(f"held reads kept: {kept} of {len(held)} (purge run says {run.held_reads_kept}); their files present: "
          f"{sum(default_storage.exists(n) for n in held_files)} of {len(held_files)}; "
          f"hold still lists {hold.reads.count()} reads")
    print(f"background image sweep: {swept:,} files deleted in {sweep_s:.1f} s")
    print(f"database size: {before / 2**20:,.0f} MiB before, {after / 2**20:,.0f} MiB after "
          f"({(before - after) / 2**20:,.0f} MiB returned)")
    print(f"concurrent writer: {len(latencies):,} inserts, p50 {percentile(latencies, 50) * 1000:.1f} ms, "
          f"p99 {percentile(latencies, 99) * 1000:.1f} ms, worst {max(latencies) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
