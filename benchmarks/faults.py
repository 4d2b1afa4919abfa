"""Fault drills for ingest (issue 8): Redis down, PostgreSQL restarted, a worker killed.

Each drill runs on its own private servers (a redis-server and a PostgreSQL cluster on
spare ports, started and removed here), so the machine's shared services are never
touched. Frames go in through the camera API (Django's test client, the real view and
intake service); a real Celery worker reads them with the real OCR pipeline.

    .venv/bin/python benchmarks/faults.py            # all three drills
    .venv/bin/python benchmarks/faults.py redis      # one of: redis, postgres, worker

- redis: the broker stops; cameras keep posting. Every upload must still answer 202 with
  a job id (kept as 'received'), and when Redis returns the sweeper queues them and the
  worker, which reconnects by itself, reads every one.
- postgres: the database restarts while the worker is reading frames. Jobs in flight
  fail their database call, retry with backoff, and finish; none is lost or doubled.
- worker: the worker is SIGKILLed mid-frame; a new one starts; the frame is read exactly
  once (the unacknowledged task is redelivered; processing is idempotent). Also a test:
  tests/test_worker_kill.py.
Result for each: frames accepted = done (+ rejected/failed, which must be 0 here), reads
created = frames, and no duplicate read.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REDIS_PORT, PG_PORT = 6391, 5441
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _run(*command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


def _as_postgres(*command):
    # initdb and pg_ctl refuse to run as root.
    return _run("su", "postgres", "-c", " ".join(str(c) for c in command)) if os.geteuid() == 0 else _run(*command)


class PrivatePostgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="alpr-pgdrill-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"

    def start(self):
        if not self.data.exists():
            _as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-o", f"'-p {PG_PORT} -k {self.dir}'", "-l",
                     self.dir / "log", "-w", "start")

    def restart(self):
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "restart", "-o",
                     f"'-p {PG_PORT} -k {self.dir}'", "-l", self.dir / "log")  # a log, or pg_ctl keeps our pipe

    def stop(self):
        subprocess.run(["su", "postgres", "-c", f"{PG_BIN}/pg_ctl -D {self.data} -m immediate stop"],  # noqa: S603,S607
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


def _worker(env, name):
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1", "--pool", "prefork", "-l", "warning",
         "--without-gossip", "--without-mingle", "-n", f"{name}@%h"], cwd=ROOT, env=env, start_new_session=True,
        stdout=open(Path(env["MEDIA_ROOT"]) / f"{name}.log", "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115


def _kill(proc, sig=signal.SIGTERM):
    try:
        os.killpg(proc.pid, sig)
        proc.wait(30)
    except ProcessLookupError:
        return  # already gone (the worker drill's SIGKILL)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _post(client, token, frames, tag):
    from django.utils import timezone

    answers = []
    for i, data in enumerate(frames):
        payload = data[:-2] + bytes([hash(tag) % 251, i % 251]) + data[-2:]
        started = time.perf_counter()
        response = client.post("/api/cameras/frames/", {"frame": _upload(payload, f"{tag}{i}.jpg"),
                                                        "captured_at": timezone.now().isoformat()},
                               HTTP_AUTHORIZATION=f"Camera {token}")
        answers.append((response.status_code, time.perf_counter() - started,
                        [j["id"] for j in response.json().get("jobs", [])]))
    return answers


def _upload(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _wait_done(ids, timeout):
    from ingest.models import FrameJob

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if FrameJob.objects.filter(pk__in=ids, status__in=["done", "rejected", "failed"]).count() == len(ids):
                return True
        except Exception:  # noqa: BLE001 - the database may be restarting under us
            from django.db import connection

            connection.close()
        time.sleep(1)
    return False


def _account(ids):
    from django.db.models import Count

    from alpr.models import Read
    from ingest.models import FrameJob

    statuses = dict(FrameJob.objects.filter(pk__in=ids).values_list("status").annotate(n=Count("id")))
    per_job = dict(Read.objects.filter(ingest_job__in=ids).values_list("ingest_job").annotate(n=Count("id")))
    return statuses, per_job


def _job_ids(answers) -> list[int]:
    return [job for _, _, jobs in answers for job in jobs]


def drill(kind: str, frames, env, client_factory) -> dict:
    """Start a worker, warm its OCR reader with two frames, then do the drill's fault."""
    from django.conf import settings
    from django.db import connection

    from ingest import services
    from ingest.models import FrameJob

    client, token = client_factory()
    result = {"drill": kind}
    workers = [_worker(env, f"{kind}drill")]
    try:
        assert _wait_done(_job_ids(_post(client, token, frames[:2], f"{kind}-warm")), 300), "warm-up frames not read"
        if kind == "redis":
            REDIS.stop()
            answers = _post(client, token, frames[2:8], f"{kind}-run")
            ids = _job_ids(answers)
            result["uploads_while_down"] = [a[0] for a in answers]
            result["upload_seconds_max"] = round(max(a[1] for a in answers), 2)
            result["received_while_down"] = FrameJob.objects.filter(pk__in=ids, status="received").count()
            REDIS.start()
            time.sleep(3)  # the worker reconnects on its own
            # The sweeper's next run, as if the stuck interval had passed.
            later = FrameJob.objects.latest("received_at").received_at + timedelta(
                seconds=settings.ALPR_INGEST_STUCK_SECONDS + 1)
            result["requeued_by_sweeper"] = len(services.sweep_stuck(now=later))
        elif kind == "postgres":
            ids = _job_ids(_post(client, token, frames[2:10], f"{kind}-run"))
            time.sleep(1.5)  # the worker is in the middle of the batch
            connection.close()
            started = time.perf_counter()
            PG.restart()
            result["restart_seconds"] = round(time.perf_counter() - started, 1)
        else:  # worker
            ids = _job_ids(_post(client, token, frames[2:4], f"{kind}-run"))
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not FrameJob.objects.filter(pk__in=ids, status="processing").exists():
                time.sleep(0.05)
            _kill(workers[0], signal.SIGKILL)
            result["killed_while_processing"] = True
            # A new worker: the broker redelivers the unacknowledged task after its visibility timeout.
            workers.append(_worker(env, f"{kind}drill2"))
        result["all_read"] = _wait_done(ids, 600)
    finally:
        for worker in workers:
            _kill(worker)
    statuses, per_job = _account(ids)
    result["frames"] = len(ids)
    result["statuses"] = statuses
    # Each rendered frame holds one plate: one read per frame, never two.
    result["reads_per_frame"] = sorted(set(per_job.values()))
    result["frames_without_read"] = len(ids) - len(per_job)
    result["lost"] = len(ids) - sum(statuses.get(s, 0) for s in ("done", "rejected", "failed"))
    # Deliveries that were interrupted and run again (the drill's fault at work).
    result["jobs_run_more_than_once"] = FrameJob.objects.filter(pk__in=ids, attempts__gt=1).count()
    return result


REDIS, PG = PrivateRedis(), PrivatePostgres()


def main():
    kinds = sys.argv[1:] or ["redis", "postgres", "worker"]
    media = Path(tempfile.mkdtemp(prefix="alpr-faults-media-"))
    database_url = f"postgres://postgres@127.0.0.1:{PG_PORT}/alpr_faults"
    broker = f"redis://127.0.0.1:{REDIS_PORT}/0"
    os.environ.update({"CELERY_BROKER_URL": broker, "MEDIA_ROOT": str(media), "ALPR_INGEST_STUCK_SECONDS": "10"})
    REDIS.start()
    PG.start()
    try:
        from benchmarks.common import setup_django

        setup_django(database_url)
        from django.test import Client
        from django.test.utils import setup_test_environment

        from accounts.models import Agency
        from alpr.models import Camera
        from ingest.synthetic import encode_jpeg, random_plate, render_frame

        setup_test_environment()
        import random

        rng = random.Random(5)
        frames = [encode_jpeg(render_frame(random_plate(rng), "CA", seed=i).image) for i in range(10)]
        agency, _ = Agency.objects.get_or_create(ori="CA0010900", defaults={
            "name": "Oakland Police Department", "state": "CA", "kind": "municipal_police", "is_home": True})

        def client_factory():
            camera = Camera.objects.create(agency=agency, name=f"Drill camera {time.time()}", latitude=37.8,
                                           longitude=-122.27)
            token = camera.issue_token()
            camera.save()
            return Client(), token

        env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker, "MEDIA_ROOT": str(media),
               "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING", "ALPR_WORKER_PROCESSES": "1",
               "CELERY_VISIBILITY_TIMEOUT": "10"}
        for kind in kinds:
            started = time.perf_counter()
            result = drill(kind, frames, env, client_factory)
            result["seconds"] = round(time.perf_counter() - started, 1)
            print(result, flush=True)
    finally:
        REDIS.stop()
        PG.stop()
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
