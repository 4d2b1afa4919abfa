"""Issue 21 §2: on the embedded default with the background worker (as `make run` starts it)
an upload answers at once, its frames wait as "Queued", and the page shows each frame's
progress and plates as the worker reads them, without a reload."""

import pytest

from ingest import frame_worker
from ingest.models import FrameJob
from ingest.synthetic import encode_jpeg, render_frame
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.test_frame_worker import fixed_ocr  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_upload_answers_at_once_and_shows_each_frame_as_the_worker_reads_it(  # noqa: F811
        page, personas, home_agency, tmp_path, fixed_ocr, settings):  # noqa: F811
    settings.ALPR_INGEST_BACKGROUND, settings.CELERY_BROKER_URL = True, ""
    cam = factories.camera(home_agency)
    paths = []
    for i in range(2):
        path = tmp_path / f"frame-000{i + 1}.jpg"
        path.write_bytes(encode_jpeg(render_frame("7ABC123", "CA", seed=10 + i).image))
        paths.append(str(path))
    sign_in(page, "administrator", PASSWORD)
    page.goto(page.base_url + "/ingest/")
    page.select_option("#id_camera", str(cam.pk))
    page.set_input_files("#id_frames", paths)
    page.click("button.primary")
    page.wait_for_selector(".msg >> text=2 frame(s) queued for reading")
    assert fixed_ocr.calls == []  # the request read nothing: it answered at once
    for name in ("frame-0001.jpg", "frame-0002.jpg"):
        assert "Queued" in page.locator("tr", has_text=name).inner_text()
    first = FrameJob.objects.get(original_name="frame-0001.jpg")
    assert frame_worker.run_once() == first.pk  # the worker, as its own process would
    # The page's poll shows the frame done with its plate, the other still waiting.
    page.locator("tr.job-done", has_text="frame-0001.jpg").locator("a.plate", has_text="7ABC123").wait_for()
    assert "Queued" in page.locator("tr", has_text="frame-0002.jpg").inner_text()
    assert frame_worker.run_once() is not None
    page.locator("tr.job-done", has_text="frame-0002.jpg").wait_for()
