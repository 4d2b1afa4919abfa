"""Issue 21 §1: the search map is never blank (the cameras are drawn with their names, with
no tile server) and a search area is drawn on it as a rectangle instead of typed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_draws_the_search_area_around_one_camera(page, personas, home_agency, settings):  # noqa: F811
    settings.ALPR_MAP_TILES_URL = ""  # a closed network with no tile server
    inside = factories.camera(home_agency, "Broadway & Grand", latitude=37.8000, longitude=-122.2700)
    outside = factories.camera(home_agency, "MacArthur & High", latitude=37.7700, longitude=-122.2000)
    factories.read(inside, "7ABC123", minutes_ago=30)
    factories.read(outside, "7ABC124", minutes_ago=30)
    sign_in(page, "analyst", PASSWORD)
    page.goto(page.base_url + "/alpr/search/")
    labels = page.locator("#area-map .camera-label").all_inner_texts()
    assert sorted(labels) == ["Broadway & Grand", "MacArthur & High"]
    # The cameras are drawn in the order given; the first is the one to draw around.
    page.click("#draw-area")
    page.locator("#area-map").scroll_into_view_if_needed()
    marker = page.locator("#area-map path.leaflet-interactive").first.bounding_box()
    cx, cy = marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2
    page.mouse.move(cx - 40, cy - 40)
    page.mouse.down()
    page.mouse.move(cx, cy, steps=4)
    page.mouse.move(cx + 40, cy + 40, steps=4)
    page.mouse.up()
    south, west, north, east = (float(v) for v in page.input_value("#id_bbox").split(","))
    assert south < 37.80 < north and west < -122.27 < east
    assert not (south < 37.77 < north and west < -122.20 < east)
    page.select_option("#id_purpose", "burglary")
    page.select_option("#id_offence_category", "PC459")
    page.fill("#id_case_number", "26-004512")
    page.fill("#id_justification", "Vehicle seen leaving the burglary at 2100 Broadway")
    page.check("#id_attest")
    page.fill("#id_captured_from", (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.click("button.primary")
    page.wait_for_selector("h1 >> text=1 read")
    assert page.locator("table.results td.plate").all_inner_texts() == ["7ABC123"]


def test_a_search_with_no_results_still_shows_the_cameras_on_its_map(page, personas, home_agency):  # noqa: F811
    factories.camera(home_agency, "Broadway & Grand", latitude=37.8000, longitude=-122.2700)
    sign_in(page, "analyst", PASSWORD)
    page.goto(page.base_url + "/alpr/search/")
    page.select_option("#id_purpose", "burglary")
    page.select_option("#id_offence_category", "PC459")
    page.fill("#id_case_number", "26-004512")
    page.fill("#id_justification", "Vehicle seen leaving the burglary at 2100 Broadway")
    page.check("#id_attest")
    page.fill("#id_plate", "9NONE99")
    page.fill("#id_captured_from", (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.click("button.primary")
    page.wait_for_selector("h1 >> text=0 reads")
    assert page.locator("#map .camera-label").all_inner_texts() == ["Broadway & Grand"]
