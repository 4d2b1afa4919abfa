"""Issue 21 §3: the upload page shows what was read from each frame (crop, text,
confidence, any hit) with links to the reads, and says "read", not "queued", once read."""

from types import SimpleNamespace

import pytest

from ingest.synthetic import encode_jpeg, render_frame
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fixed_ocr(monkeypatch):
    # The OCR model is not under test here (and is another engineer's): it reads one plate.
    frame = render_frame("7ABC123", "CA", seed=4)

    def read_plates(image):
        return [SimpleNamespace(text="7ABC123", raw="7ABC123", confidence=0.93, state="CA",
                                box=frame.plate_box, crop_jpeg=encode_jpeg(frame.crop))]

    monkeypatch.setattr("ingest.ocr.read_plates", read_plates)
    return frame


def test_the_upload_page_shows_each_frame_s_plates_and_hits(page, personas, home_agency, tmp_path,  # noqa: F811
                                                            fixed_ocr):
    cam = factories.camera(home_agency)
    factories.entry(factories.hotlist(name="Stolen vehicles"), "7ABC123")
    path = tmp_path / "frame-0001.jpg"
    path.write_bytes(encode_jpeg(fixed_ocr.image))
    sign_in(page, "administrator", PASSWORD)
    page.goto(page.base_url + "/ingest/")
    page.select_option("#id_camera", str(cam.pk))
    page.set_input_files("#id_frames", str(path))
    page.click("button.primary")
    page.wait_for_selector(".msg >> text=1 frame(s) read: 1 plate(s) found.")
    assert "queued" not in page.inner_text(".messages")
    row = page.locator("tr.job-done", has_text="frame-0001.jpg")
    assert "Done" in row.inner_text() and "0.93 confidence" in row.inner_text()
    assert row.locator("a.badge.hit").inner_text() == "Hit: Stolen vehicles"
    row.locator("img.crop-thumb").wait_for()
    assert page.evaluate("() => document.querySelector('img.crop-thumb').naturalWidth") > 0
    row.locator("a.plate", has_text="7ABC123").click()
    page.wait_for_url("**/alpr/reads/*/")
