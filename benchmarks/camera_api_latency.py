"""Camera API latency under OCR load on the embedded default (issue 21 §2: "the camera API
answers in ≤ 200 ms whatever the OCR load").

Starts what `make run` starts, on a throw-away SQLite database: runserver and the
background frame worker (manage.py frame_worker, ALPR_INGEST_BACKGROUND=1, no broker).
Then a camera POSTs frames to /api/cameras/frames/ one after another, faster than the
worker can read them, so every request after the first arrives while the OCR is busy.
Reports the response times (median, 95th percentile, max) and how many frames the worker
had read by the end. With --eager it measures the old in-process path instead.

    /work/main/.venv/bin/python benchmarks/camera_api_latency.py --frames 40
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _multipart(image: bytes, name: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"captured_at\"\r\n\r\n"
        f"{datetime.now(UTC).isoformat()}\r\n".encode(),
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"frame\"; filename=\"{name}\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n".encode() + image + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between a camera's frames")
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--eager", action="store_true", help="the old path: frames read in the request")
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="alpr-bench-api-")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(ALPR_VAR_DIR=var, DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="WARNING",
               ALPR_INGEST_BACKGROUND="0" if args.eager else "1")
    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603

    import django

    django.setup()
    from accounts.models import Agency
    from alpr.models import Camera
    from ingest.models import FrameJob
    from ingest.synthetic import encode_jpeg, random_plate, render_frame

    agency, _ = Agency.objects.get_or_create(ori="CA0010900", defaults={
        "name": "Oakland Police Department", "state": "CA", "kind": "municipal_police", "is_home": True})
    camera = Camera.objects.create(agency=agency, name="Benchmark camera", latitude=37.8, longitude=-122.27)
    token = camera.issue_token()
    camera.save()
    rng = random.Random(1)
    frames = [encode_jpeg(render_frame(random_plate(rng), "CA", seed=i).image) for i in range(args.frames)]
    print(f"{len(frames)} rendered 1280x720 frames ({statistics.mean(map(len, frames)) / 1024:.0f} KiB each)")

    procs = [subprocess.Popen([python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{args.port}"],  # noqa: S603
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    if not args.eager:
        procs.append(subprocess.Popen([python, "manage.py", "frame_worker", "--poll", "0.2"],  # noqa: S603
                                      cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    url = f"http://127.0.0.1:{args.port}/api/cameras/frames/"
    try:
        for _ in range(150):  # the server is up when its health check answers
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1)  # noqa: S310
                break
            except Exception:
                time.sleep(0.2)
        def post(image, name):
            body, content_type = _multipart(image, name)
            request = urllib.request.Request(url, data=body, method="POST", headers={
                "Authorization": f"Camera {token}", "Content-Type": content_type})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                response.read()
                if response.status not in (200, 201, 202):
                    raise SystemExit(f"{name}: HTTP {response.status}")
            return time.perf_counter() - started

        if not args.eager:
            # Warm up: the worker loads the OCR model on its first frame (about 30 s); measure
            # while it is reading frames, not while it is still starting.
            post(encode_jpeg(render_frame("7ABC123", "CA", seed=999).image), "warm-up.jpg")
            deadline = time.monotonic() + 300
            while not FrameJob.objects.filter(status=FrameJob.Status.DONE).exists() and time.monotonic() < deadline:
                time.sleep(0.5)
            print("worker warm: first frame read")
        timings = []
        for i, image in enumerate(frames):
            timings.append(post(image, f"bench-{i}.jpg"))
            time.sleep(args.interval)
        read = FrameJob.objects.filter(status=FrameJob.Status.DONE).exclude(original_name="warm-up.jpg").count()
        busy = FrameJob.objects.filter(status__in=[FrameJob.Status.RECEIVED, FrameJob.Status.PROCESSING]).count()
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    ms = sorted(t * 1000 for t in timings)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    mode = "in-process (eager)" if args.eager else "background worker"
    print(f"{mode}: {len(ms)} POSTs, median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms; "
          f"first {timings[0] * 1000:.0f} ms; {read} frame(s) read by the end, {busy} still "
          "queued or being read")


if __name__ == "__main__":
    main()
