"""Issue 21 §1 in the browser: tiles from the agency's own MBTiles file appear on the map;
with no basemap the city boundary and the camera names are drawn; a polygon drawn on the
map filters the search. A tiny MBTiles file is generated in a temporary folder."""

import json
import math
from datetime import timedelta

import cv2
import numpy as np
import pytest
from django.utils import timezone

from lib.mbtiles import write_tiles
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAMERA = (37.8000, -122.2700)


def _tile_of(lat, lon, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture
def basemap(tmp_path, settings):
    """Tiles around the camera at the zooms a map of one camera can open at."""
    png = cv2.imencode(".png", np.full((256, 256, 3), (180, 215, 235), np.uint8))[1].tobytes()
    tiles = {}
    for z in range(10, 19):
        cx, cy = _tile_of(*CAMERA, z)
        for dx in (-2, -1, 0, 1, 2):
            for dy in (-2, -1, 0, 1, 2):
                tiles[(z, cx + dx, cy + dy)] = png
    path = tmp_path / "oakland.mbtiles"
    write_tiles(path, tiles)
    settings.ALPR_MAP_TILES_URL = ""
    settings.ALPR_MAP_TILES_FILE = str(path)
    return tiles


def _fill_lawful_search(page):  # noqa: F811 (the page under test)
    page.select_option("#id_purpose", "burglary")
    page.select_option("#id_offence_category", "PC459")
    page.fill("#id_case_number", "26-004512")
    page.fill("#id_justification", "Vehicle seen leaving the burglary at 2100 Broadway")
    page.check("#id_attest")
    page.fill("#id_captured_from", (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))


def test_tiles_from_the_local_file_appear_on_the_map(page, personas, home_agency, basemap):  # noqa: F811
    factories.camera(home_agency, "Broadway & Grand", latitude=CAMERA[0], longitude=CAMERA[1])
    sign_in(page, "analyst", PASSWORD)
    page.goto(page.base_url + "/alpr/search/")
    page.wait_for_selector("#area-map img.leaflet-tile-loaded")
    sources = page.eval_on_selector_all("#area-map img.leaflet-tile-loaded", "imgs => imgs.map(i => i.src)")
    assert sources and all("/map/tiles/" in s for s in sources)
    # Drawn, not merely requested: the browser decoded the PNG the file holds.
    assert page.eval_on_selector("#area-map img.leaflet-tile-loaded", "i => i.naturalWidth") == 256


def test_with_no_basemap_the_boundary_and_camera_names_are_drawn(page, personas, home_agency, settings,  # noqa: F811
                                                                 tmp_path):
    settings.ALPR_MAP_TILES_URL = settings.ALPR_MAP_TILES_FILE = ""
    boundary = tmp_path / "oakland.geojson"
    ring = [[-122.33, 37.76], [-122.20, 37.76], [-122.20, 37.85], [-122.33, 37.85], [-122.33, 37.76]]
    boundary.write_text(json.dumps({"type": "Feature", "properties": {"name": "Oakland"},
                                    "geometry": {"type": "Polygon", "coordinates": [ring]}}))
    settings.ALPR_MAP_BOUNDARY_GEOJSON = str(boundary)
    factories.camera(home_agency, "Broadway & Grand", latitude=CAMERA[0], longitude=CAMERA[1])
    factories.camera(home_agency, "MacArthur & High", latitude=37.7700, longitude=-122.2100)
    sign_in(page, "analyst", PASSWORD)
    page.goto(page.base_url + "/alpr/search/")
    assert page.locator("#area-map img.leaflet-tile").count() == 0  # no basemap at all
    assert page.locator("#area-map path.city-boundary").count() == 1
    box = page.locator("#area-map path.city-boundary").bounding_box()
    assert box["width"] > 50 and box["height"] > 50  # drawn around the cameras, not a dot
    assert sorted(page.locator("#area-map .camera-label").all_inner_texts()) == ["Broadway & Grand",
                                                                                 "MacArthur & High"]


def test_a_polygon_drawn_on_the_map_filters_the_search(page, personas, home_agency, settings):  # noqa: F811
    settings.ALPR_MAP_TILES_URL = settings.ALPR_MAP_TILES_FILE = ""
    inside = factories.camera(home_agency, "Broadway & Grand", latitude=CAMERA[0], longitude=CAMERA[1])
    outside = factories.camera(home_agency, "MacArthur & High", latitude=37.7700, longitude=-122.2000)
    factories.read(inside, "7ABC123", minutes_ago=30)
    factories.read(outside, "7ABC124", minutes_ago=30)
    sign_in(page, "analyst", PASSWORD)
    page.goto(page.base_url + "/alpr/search/")
    _fill_lawful_search(page)
    page.locator("#area-map").scroll_into_view_if_needed()
    marker = page.locator("#area-map path.leaflet-interactive").first.bounding_box()
    cx, cy = marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2
    page.click("#draw-polygon")
    for dx, dy in ((0, -40), (40, 30), (-40, 30)):  # a triangle around the first camera
        page.mouse.click(cx + dx, cy + dy)
    page.click("#finish-polygon")
    ring = json.loads(page.input_value("#id_polygon"))
    assert len(ring) == 4 and ring[0] == ring[-1]
    assert page.locator("#area-map path.search-polygon").count() == 1
    page.click("button.primary")
    page.wait_for_selector("h1 >> text=1 read")
    assert page.locator("table.results td.plate").all_inner_texts() == ["7ABC123"]
    assert page.locator("#map path.search-polygon").count() == 1  # the area searched, on the results map
