"""Ingest throughput through real Celery workers on PostgreSQL and Redis (issue: ingest).

Renders N frames, starts a worker with 1 and then 2 processes (the cores are shared
among them: ALPR_WORKER_PROCESSES), warms each process's OCR reader, submits the frames
through the same intake service the camera API uses, and reports frames per second and
the per-frame processing time.

    .venv/bin/python benchmarks/ingest.py --frames 40
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BROKER = "redis://127.0.0.1:6379/14"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/alpr_bench_ingest")
    parser.add_argument("--processes", default="1,2")
    args = parser.parse_args()
    os.environ["CELERY_BROKER_URL"] = BROKER
    from benchmarks.common import setup_django

    setup_django(args.database_url)
    import redis
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import Agency
    from alpr.models import Camera
    from ingest.models import FrameJob
    from ingest.services import frame_receive
    from ingest.synthetic import encode_jpeg, random_plate, render_frame

    redis.Redis.from_url(BROKER).flushdb()
    agency, _ = Agency.objects.get_or_create(ori="CA0010900", defaults={
        "name": "Oakland Police Department", "state": "CA", "kind": "municipal_police", "is_home": True})
    camera, _ = Camera.objects.get_or_create(agency=agency, name="Benchmark camera",
                                             defaults={"latitude": 37.8, "longitude": -122.27})
    import random

    rng = random.Random(1)
    frames = [encode_jpeg(render_frame(random_plate(rng), "CA", seed=i).image) for i in range(args.frames + 8)]
    print(f"{len(frames)} rendered 1280x720 frames ready")
    for run, processes in enumerate([int(p) for p in args.processes.split(",")], start=1):
        env = {**os.environ, "DATABASE_URL": args.database_url, "CELERY_BROKER_URL": BROKER,
               "ALPR_WORKER_PROCESSES": str(processes), "MEDIA_ROOT": str(settings.MEDIA_ROOT),
               "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"}
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", str(processes), "--pool", "prefork",
             "-l", "warning", "--without-gossip", "--without-mingle", "-n", f"bench{run}@%h"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def submit(batch, tag, run=run):
                jobs = []
                for i, data in enumerate(batch):
                    # A distinct byte per run and frame: the same frame twice would be one job.
                    payload = data[:-2] + bytes([run, i % 251]) + data[-2:]
                    job, _ = frame_receive(camera=camera, data=payload, source=FrameJob.Source.CAMERA,
                                           captured_at=timezone.now(), original_name=f"{tag}-{i}.jpg")
                    jobs.append(job.pk)
                return jobs

            def wait(jobs, timeout):
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    done = FrameJob.objects.filter(pk__in=jobs, status__in=["done", "failed", "rejected"]).count()
                    if done == len(jobs):
                        return
                    time.sleep(0.2)
                raise SystemExit(f"timed out: {done}/{len(jobs)} jobs finished")

            # Warm-up: load the OCR reader in every worker process.
            wait(submit(frames[-processes * 2:], f"warm{run}"), 300)
            started = time.perf_counter()
            jobs = submit(frames[:args.frames], f"run{run}")
            wait(jobs, 1800)
            elapsed = time.perf_counter() - started
            per_frame = list(FrameJob.objects.filter(pk__in=jobs).values_list("processing_seconds", flat=True))
            statuses = list(FrameJob.objects.filter(pk__in=jobs).values_list("status", flat=True))
            print(f"{processes} worker process(es): {len(jobs)} frames in {elapsed:.1f} s = "
                  f"{len(jobs) / elapsed:.2f} frames/s; per frame median {statistics.median(per_frame):.2f} s; "
                  f"done {statuses.count('done')}, failed {statuses.count('failed')}")
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
