"""Issue 21 §2: on the embedded default with the background worker on (as `make run` sets
it), an accepted frame waits in the database instead of being read in the request, and
`manage.py frame_worker` claims it (compare-and-swap) and reads it with the same service."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from ingest import frame_worker
from ingest.models import FrameJob
from ingest.services import frame_receive
from ingest.synthetic import encode_jpeg, render_frame
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit runs, as in a request


@pytest.fixture
def fixed_ocr(monkeypatch):
    # The OCR model is not under test (it is another engineer's): it reads one plate, and
    # counts how often it is asked.
    frame = render_frame("7ABC123", "CA", seed=4)
    calls = []

    def read_plates(image):
        calls.append(1)
        return [SimpleNamespace(text="7ABC123", raw="7ABC123", confidence=0.93, state="CA",
                                box=frame.plate_box, crop_jpeg=encode_jpeg(frame.crop))]

    monkeypatch.setattr("ingest.ocr.read_plates", read_plates)
    return SimpleNamespace(frame=frame, calls=calls)


@pytest.fixture
def background(settings):
    settings.ALPR_INGEST_BACKGROUND = True
    settings.CELERY_BROKER_URL = ""


def _send(cam, frame, seed=0):
    job, _ = frame_receive(camera=cam, data=encode_jpeg(frame.image) + bytes([seed]), source=FrameJob.Source.CAMERA,
                           captured_at=timezone.now() - timedelta(minutes=1), original_name="f.jpg",
                           content_type="image/jpeg")
    return job


def test_it_leaves_the_frame_queued_for_the_worker_and_the_worker_reads_it(home_agency, fixed_ocr, background):
    cam = factories.camera(home_agency)
    job = _send(cam, fixed_ocr.frame)
    job.refresh_from_db()
    assert job.status == FrameJob.Status.RECEIVED and fixed_ocr.calls == []  # nothing read in the request
    assert frame_worker.run_once() == job.pk
    job.refresh_from_db()
    assert job.status == FrameJob.Status.DONE and job.reads_count == 1 and len(fixed_ocr.calls) == 1
    assert job.attempts == 1  # the worker's claim is the one attempt: it is not claimed again to be read
    assert frame_worker.run_once() is None  # nothing left


def test_without_the_setting_frames_are_still_read_in_process(home_agency, fixed_ocr, settings):
    settings.ALPR_INGEST_BACKGROUND = False
    job = _send(factories.camera(home_agency), fixed_ocr.frame)
    job.refresh_from_db()
    assert job.status == FrameJob.Status.DONE and len(fixed_ocr.calls) == 1


def test_a_claimed_job_is_not_claimed_again_until_its_worker_is_presumed_dead(home_agency, fixed_ocr, background,
                                                                               settings):
    cam = factories.camera(home_agency)
    first, second = _send(cam, fixed_ocr.frame, 1), _send(cam, fixed_ocr.frame, 2)
    assert frame_worker.claim_next() == first.pk
    assert frame_worker.claim_next() == second.pk  # the first is taken: the next worker gets the second
    assert frame_worker.claim_next() is None
    # A worker killed mid-frame: after ALPR_INGEST_STUCK_SECONDS its job is claimed again.
    later = timezone.now() + timedelta(seconds=settings.ALPR_INGEST_STUCK_SECONDS + 1)
    assert {frame_worker.claim_next(now=later), frame_worker.claim_next(now=later)} == {first.pk, second.pk}


def test_the_command_reads_what_is_queued_at_a_lower_priority(home_agency, fixed_ocr, background, capsys,
                                                               monkeypatch):
    niced = []
    monkeypatch.setattr("os.nice", niced.append)  # this test process keeps its priority
    cam = factories.camera(home_agency)
    jobs = [_send(cam, fixed_ocr.frame, i) for i in range(3)]
    call_command("frame_worker", "--once")
    assert niced == [10]  # the OCR yields the cores to the web requests (camera API ≤ 200 ms)
    assert "3 frame(s) read." in capsys.readouterr().out
    assert set(FrameJob.objects.filter(pk__in=[j.pk for j in jobs]).values_list("status", flat=True)) == {"done"}
