"""Issue 21 §10: `make run`'s demo ends with the two-factor codes (not in the middle of its
output); start-up is quiet (no torch or broker warnings); the sample searches run after the
demo's frames are read."""

import logging
import warnings

import pytest
from django.core.management import call_command

from alpr.models import Search
from config.quiet import quiet_startup

pytestmark = pytest.mark.django_db


def test_the_two_factor_codes_are_the_last_lines(capsys, monkeypatch):
    monkeypatch.setattr("accounts.management.commands.demo.DEMO_MODULES", ["accounts.demo", "training.demo"])
    call_command("demo")
    lines = capsys.readouterr().out.splitlines()
    ready = next(i for i, line in enumerate(lines) if line.startswith("Demo ready."))
    assert lines[ready + 1].startswith("Two-factor sign-in")
    codes = lines[ready + 2:]
    assert [line.split(":")[0].strip() for line in codes] == ["administrator", "coordinator", "auditor", "designee",
                                                                 "records"]
    assert all(len(line.split(":")[1].split()) >= 5 for line in codes)


def test_start_up_silences_torch_and_the_absent_broker(monkeypatch):
    monkeypatch.setattr(warnings, "filters", list(warnings.filters))  # undone after the test
    for name in ("kombu", "ingest.services", "celery.app.trace"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)
    quiet_startup()
    assert not logging.getLogger("kombu.connection").isEnabledFor(logging.WARNING)
    assert not logging.getLogger("ingest.services").isEnabledFor(logging.INFO)
    assert not logging.getLogger("celery.app.trace").isEnabledFor(logging.INFO)
    assert logging.getLogger("ingest.services").isEnabledFor(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn_explicit("pin_memory ...", UserWarning, "dataloader.py", 1, module="torch.utils.data.dataloader")
        warnings.warn_explicit("ours", UserWarning, "x.py", 1, module="ingest.services")
    assert [str(w.message) for w in caught] == ["ours"]


def test_the_demo_and_the_worker_start_quietly(monkeypatch):
    called = []
    monkeypatch.setattr(logging.getLogger("alpr.search"), "level", logging.NOTSET)
    monkeypatch.setattr("accounts.management.commands.demo.quiet_startup", lambda: called.append("demo"))
    monkeypatch.setattr("accounts.management.commands.demo.DEMO_MODULES", ["accounts.demo"])
    monkeypatch.setattr("ingest.management.commands.frame_worker.quiet_startup", lambda: called.append("worker"))
    call_command("demo")
    call_command("frame_worker", "--once", "--nice", "0")
    assert called == ["demo", "worker"]
    # The demo's deliberately refused search does not print a warning at start-up.
    assert not logging.getLogger("alpr.search").isEnabledFor(logging.WARNING)


@pytest.mark.django_db(transaction=True)  # the frames are read when the demo's transaction commits
def test_the_sample_searches_run_after_the_frames_are_read(monkeypatch):
    from types import SimpleNamespace

    from ingest.demo import SEARCH_PLATE
    from ingest.synthetic import encode_jpeg, render_frame

    # The OCR model is not under test (it is another engineer's): every frame reads as the
    # demo's search plate.
    frame = render_frame(SEARCH_PLATE, "CA", seed=4)
    monkeypatch.setattr("ingest.ocr.read_plates", lambda image: [SimpleNamespace(
        text=SEARCH_PLATE, raw=SEARCH_PLATE, confidence=0.93, state="CA", box=frame.plate_box,
        crop_jpeg=encode_jpeg(frame.crop))])
    call_command("demo")
    run = Search.objects.filter(status=Search.Status.RUN)
    assert run.exists()
    assert all(search.result_count > 0 for search in run), list(run.values_list("case_number", "result_count"))
