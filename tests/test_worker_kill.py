"""A real Celery worker on Redis and PostgreSQL is killed (SIGKILL) in the middle of a
frame; another worker starts; the frame is processed exactly once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from alpr.models import Read
from config.celery import app as celery_app
from ingest.models import FrameJob
from ingest.synthetic import encode_jpeg, render_frame
from ingest.tasks import process_frame
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent
VISIBILITY = 5


def _worker(queue: str, log_path: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {**os.environ,
           "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV": "development",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "ALPR_VAR_DIR": str(settings.VAR_DIR), "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY)}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-c", "1", "--pool", "prefork",
               "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"]
    log = open(log_path, "ab")  # noqa: SIM115  (kept open for the worker's lifetime)
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,  # noqa: S603
                            stdout=log, stderr=subprocess.STDOUT)


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _status(pk):
    return FrameJob.objects.filter(pk=pk).values_list("status", flat=True).first()


def test_a_killed_worker_loses_no_frame_and_duplicates_nothing(personas, home_agency, tmp_path):
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        pytest.skip("needs PostgreSQL and a Redis broker (DATABASE_URL and CELERY_BROKER_URL)")
    camera = factories.camera(home_agency)
    data = encode_jpeg(render_frame("3DMS368", "CA", seed=1).image)
    job = FrameJob(camera=camera, source=FrameJob.Source.CAMERA, captured_at=timezone.now(), sha256="k" * 64,
                   size_bytes=len(data))
    job.frame.save("kill-test.jpg", ContentFile(data), save=False)
    job.save()
    queue = f"alpr-kill-{uuid.uuid4().hex[:8]}"
    # send_task goes through the broker even though unit tests run tasks in-process.
    celery_app.send_task(process_frame.name, args=[job.pk], queue=queue)

    first = _worker(queue, tmp_path / "worker1.log")
    try:
        _wait_for(lambda: _status(job.pk) == FrameJob.Status.PROCESSING, 90, "the first worker to start the frame")
        os.killpg(first.pid, signal.SIGKILL)  # the whole worker, parent and child, mid-task
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert _status(job.pk) == FrameJob.Status.PROCESSING
    assert not Read.objects.filter(ingest_job_id=job.pk).exists()

    time.sleep(VISIBILITY + 1)  # the unacknowledged task becomes visible again
    second = _worker(queue, tmp_path / "worker2.log")
    try:
        try:
            _wait_for(lambda: _status(job.pk) == FrameJob.Status.DONE, 120, "the second worker to finish the frame")
        except AssertionError:
            print((tmp_path / "worker2.log").read_text()[-3000:])
            raise
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(second.pid, signal.SIGKILL)
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.reads_count >= 1
    assert Read.objects.filter(ingest_job_id=job.pk).count() == job.reads_count  # exactly once
