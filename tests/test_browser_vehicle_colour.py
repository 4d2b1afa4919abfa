"""Issue 21 §7: a read's vehicle colour is estimated from the frame when the camera sends
none, stored with its confidence, shown, and searchable (by any name for the colour)."""

from datetime import timedelta

import cv2
import numpy as np
import pytest
from django.utils import timezone

from alpr.models import Read
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def car_frame(body_bgr, plate_box=(600, 420, 120, 60)):
    """A street-grey frame with a car's rear in one paint and a white plate on it."""
    image = np.full((720, 1280, 3), 110, dtype=np.uint8)
    x, y, w, h = plate_box
    cv2.rectangle(image, (x - 3 * w, y - 4 * h), (x + 4 * w, y + 3 * h), body_bgr, -1)
    cv2.rectangle(image, (x, y), (x + w, y + h), (245, 245, 245), -1)
    cv2.putText(image, "7ABC123", (x + 5, y + 40), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    return cv2.imencode(".jpg", image)[1].tobytes(), list(plate_box)


def test_an_analyst_finds_the_blue_car_by_colour_and_sees_the_estimate(page, personas, home_agency):  # noqa: F811
    cam = factories.camera(home_agency)
    blue, box = car_frame((160, 60, 20))  # BGR: a mid blue
    white, _ = car_frame((240, 240, 240))
    factories.read(cam, "7ABC123", minutes_ago=30, frame_bytes=blue, plate_box=box, frame_size=(1280, 720))
    factories.read(cam, "7ABC124", minutes_ago=30, frame_bytes=white, plate_box=box, frame_size=(1280, 720))
    # An edge camera that sends its own colour keeps it (no estimate over it).
    factories.read(cam, "7ABC125", minutes_ago=30, frame_bytes=white, plate_box=box, frame_size=(1280, 720),
                   vehicle_color="silver", vehicle_color_confidence=0.9)
    stored = dict(Read.objects.values_list("plate", "vehicle_color"))
    assert stored == {"7ABC123": "BLUE", "7ABC124": "WHITE", "7ABC125": "SILVER"}

    sign_in(page, "analyst", PASSWORD)
    page.goto(page.base_url + "/alpr/search/")
    assert "GREY/SILVER" in page.eval_on_selector_all("#colour-names option", "os => os.map(o => o.value)")
    page.select_option("#id_purpose", "burglary")
    page.select_option("#id_offence_category", "PC459")
    page.fill("#id_case_number", "26-004512")
    page.fill("#id_justification", "Blue getaway car seen leaving the burglary at 2100 Broadway")
    page.check("#id_attest")
    page.fill("#id_vehicle_color", "blue")
    page.fill("#id_captured_from", (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.click("button.primary")
    page.wait_for_selector("h1 >> text=1 read")
    assert page.locator("table.results td.plate").all_inner_texts() == ["7ABC123"]
    page.click("table.results tr:has-text('7ABC123') >> text=Open")
    colour = page.locator(".vehicle-colour").inner_text()
    assert colour.startswith("blue") and "confidence" in colour


def test_a_search_for_grey_silver_finds_a_camera_s_silver(page, personas, home_agency):  # noqa: F811
    cam = factories.camera(home_agency)
    factories.read(cam, "5XYZ001", minutes_ago=30, vehicle_color="silver")
    factories.read(cam, "5XYZ002", minutes_ago=30, vehicle_color="red")
    sign_in(page, "analyst", PASSWORD)
    page.goto(page.base_url + "/alpr/search/")
    page.select_option("#id_purpose", "burglary")
    page.select_option("#id_offence_category", "PC459")
    page.fill("#id_case_number", "26-004513")
    page.fill("#id_justification", "Silver sedan seen leaving the burglary at 2100 Broadway")
    page.check("#id_attest")
    page.fill("#id_vehicle_color", "GREY/SILVER")
    page.fill("#id_captured_from", (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.click("button.primary")
    page.wait_for_selector("h1 >> text=1 read")
    assert page.locator("table.results td.plate").all_inner_texts() == ["5XYZ001"]
