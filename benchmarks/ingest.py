"""Ingest throughput through real Celery workers on PostgreSQL and Redis (issue: ingest).

Reads the real US dev frames (../shared/datasets/openalpr-us-dev, issue 23: real frames,
not rendered ones; `--synthetic` renders frames instead), starts a worker with 1 and then
2 processes (the cores are shared among them: ALPR_WORKER_PROCESSES), warms each
process's OCR reader, submits the frames through the same intake service the camera API
uses, and reports frames per second, the per-frame processing time and the speed-up.

Every run is distinct: each frame carries a JPEG comment with a nonce of this invocation
and run, so no frame is the duplicate of one an earlier invocation left in the database
(a duplicate answers with its old job, done at once: a rerun once printed 772 frames/s);
a frame that is not new stops the benchmark.

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
DEV_FRAMES = ROOT.parent / "shared" / "datasets" / "openalpr-us-dev"


def with_comment(jpeg: bytes, text: bytes) -> bytes:
    """The same picture with a COM segment after SOI: different bytes, same pixels."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    return jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]


def load_frames(count: int, synthetic: bool) -> tuple[list[bytes], str]:
    if not synthetic:
        if not DEV_FRAMES.is_dir():
            raise SystemExit(f"{DEV_FRAMES} is absent: pass --synthetic to time rendered frames instead")
        files = sorted(DEV_FRAMES.glob("*.jpg"))
        frames = [f.read_bytes() for f in files]
        # More frames than the set holds: the set again (distinct bytes by the comment).
        return [frames[i % len(frames)] for i in range(count)], f"real dev frames ({len(files)} in the set)"
    import random

    from ingest.synthetic import encode_jpeg, random_plate, render_frame

    rng = random.Random(1)
    return ([encode_jpeg(render_frame(random_plate(rng), "CA", seed=i).image) for i in range(count)],
            "rendered 1280x720 frames")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/alpr_bench_ingest")
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--synthetic", action="store_true", help="rendered frames instead of the real dev frames")
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

    redis.Redis.from_url(BROKER).flushdb()
    agency, _ = Agency.objects.get_or_create(ori="CA0010900", defaults={
        "name": "Oakland Police Department", "state": "CA", "kind": "municipal_police", "is_home": True})
    camera, _ = Camera.objects.get_or_create(agency=agency, name="Benchmark camera",
                                             defaults={"latitude": 37.8, "longitude": -122.27})
    import secrets

    nonce = secrets.token_hex(8)
    frames, kind = load_frames(args.frames + 8, args.synthetic)
    print(f"{len(frames)} frames ready: {kind}; run nonce {nonce}")
    rates = {}
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
                    # Distinct bytes per invocation, run and frame: the same frame twice would be one job.
                    payload = with_comment(data, f"bench {nonce} {tag} {i}".encode())
                    job, created = frame_receive(camera=camera, data=payload, source=FrameJob.Source.CAMERA,
                                                 captured_at=timezone.now(), original_name=f"{tag}-{i}.jpg")
                    if not created:
                        raise SystemExit(f"frame {tag}-{i} was not new (job {job.pk}): the run would not be timed")
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
            rates[processes] = len(jobs) / elapsed
            print(f"{processes} worker process(es): {len(jobs)} frames in {elapsed:.1f} s = "
                  f"{len(jobs) / elapsed:.2f} frames/s; per frame median {statistics.median(per_frame):.2f} s; "
                  f"done {statuses.count('done')}, rejected {statuses.count('rejected')}, "
                  f"failed {statuses.count('failed')}", flush=True)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
    if len(rates) > 1:
        one = rates[min(rates)]
        print("speed-up over the fewest processes: "
              + ", ".join(f"{p}: {r / one:.2f}x" for p, r in sorted(rates.items())))


if __name__ == "__main__":
    main()
