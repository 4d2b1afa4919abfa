"""Issue 21 §4: a corrected frame can be resubmitted (a rejected job does not block a new
attempt of the same image to the same camera), and the capture time defaults to now and
says which time zone it is in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ingest.models import FrameJob
from ingest.synthetic import encode_jpeg, render_frame
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_ocr(monkeypatch):
    # The OCR is not what is tested here: accepted jobs stay queued.
    monkeypatch.setattr("ingest.services.enqueue", lambda job_id: None)


def test_a_rejected_frame_is_corrected_and_sent_again(page, personas, home_agency, tmp_path, no_ocr):  # noqa: F811
    cam = factories.camera(home_agency)
    frame = tmp_path / "frame-0412.jpg"
    frame.write_bytes(encode_jpeg(render_frame("7ABC123", "CA", seed=4).image))
    sign_in(page, "pst", PASSWORD)
    page.goto(page.base_url + "/ingest/")
    assert "America/Los_Angeles" in page.inner_text("label[for=id_captured_at]")
    default = page.input_value("#id_captured_at")
    now = timezone.localtime()
    assert default[:10] == now.strftime("%Y-%m-%d"), default  # today, in the agency's zone
    # First attempt: the capture time typed a day ahead, so the frame is rejected.
    tomorrow = (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.select_option("#id_camera", str(cam.pk))
    page.fill("#id_captured_at", tomorrow)
    page.set_input_files("#id_frames", str(frame))
    page.click("button.primary")
    page.wait_for_selector(".msg.error >> text=capture time is in the future")
    # Corrected: the same image to the same camera, now with the default time. It is a new
    # job, accepted; the rejection stays on record.
    page.select_option("#id_camera", str(cam.pk))
    page.set_input_files("#id_frames", str(frame))
    page.click("button.primary")
    page.wait_for_selector(".msg >> text=1 frame(s) queued for reading")
    jobs = list(FrameJob.objects.filter(camera=cam).order_by("pk").values_list("status", flat=True))
    assert jobs == [FrameJob.Status.REJECTED, FrameJob.Status.RECEIVED]
    # Sending it a third time is still one accepted job: idempotent intake holds.
    page.select_option("#id_camera", str(cam.pk))
    page.set_input_files("#id_frames", str(frame))
    page.click("button.primary")
    page.wait_for_load_state()
    assert FrameJob.objects.filter(camera=cam).count() == 2
