"""Issue 21 §1: the offline basemap, tiles served by the application from the agency's
MBTiles file, to signed-in members only, with caching headers. A tiny MBTiles file is
generated in a temporary folder for each test."""

import logging

import cv2
import numpy as np
import pytest

from accounts.context_processors import map_tiles_url
from lib.mbtiles import write_tiles

pytestmark = pytest.mark.django_db


def _png(bgr) -> bytes:
    return cv2.imencode(".png", np.full((256, 256, 3), bgr, np.uint8))[1].tobytes()


@pytest.fixture
def basemap(tmp_path, settings):
    path = tmp_path / "region.mbtiles"
    tiles = {(0, 0, 0): _png((200, 220, 230)), (2, 1, 2): _png((10, 120, 30))}
    write_tiles(path, tiles)
    settings.ALPR_MAP_TILES_URL = ""
    settings.ALPR_MAP_TILES_FILE = str(path)
    return tiles


def test_a_tile_comes_from_the_file_with_caching_headers(login, officer, basemap):
    client = login(officer)
    response = client.get("/map/tiles/2/1/2")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    # XYZ y=2 at zoom 2 is TMS row 1: the same tile, not its mirror image.
    assert response.content == basemap[(2, 1, 2)]
    assert response["Cache-Control"] == "private, max-age=86400" and response["ETag"]
    again = client.get("/map/tiles/2/1/2", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_tile_the_file_does_not_hold_is_404(login, officer, basemap):
    assert login(officer).get("/map/tiles/2/1/1").status_code == 404


@pytest.mark.parametrize("address,message", [("23/0/0", "zoom 23"), ("2/4/0", "outside zoom 2"),
                                             ("2/0/4", "outside zoom 2"), ("0/1/0", "outside zoom 0")])
def test_a_tile_outside_the_pyramid_is_a_clear_400(login, officer, basemap, caplog, address, message):
    with caplog.at_level(logging.WARNING):
        response = login(officer).get(f"/map/tiles/{address}")
    assert response.status_code == 400 and message in response.json()["error"]["message"]
    assert "map tile refused" in caplog.text


@pytest.mark.parametrize("address", ["-1/0/0", "a/0/0", "1/0/0.png", "1/0"])
def test_malformed_addresses_match_no_tile(login, officer, basemap, address):
    assert login(officer).get(f"/map/tiles/{address}").status_code == 404


def test_signed_in_members_only(client, basemap):
    response = client.get("/map/tiles/0/0/0")
    assert response.status_code == 302 and "/map/tiles/" not in response.get("Location", "").split("?")[0]
    assert response.content != basemap[(0, 0, 0)]


def test_no_file_configured_and_a_broken_file(login, officer, settings, tmp_path, caplog):
    settings.ALPR_MAP_TILES_FILE = ""
    client = login(officer)
    assert client.get("/map/tiles/0/0/0").status_code == 404
    broken = tmp_path / "broken.mbtiles"
    broken.write_bytes(b"not a database at all" * 100)
    settings.ALPR_MAP_TILES_FILE = str(broken)
    response = client.get("/map/tiles/0/0/0")
    assert response.status_code == 503 and "offline basemap unusable" in caplog.text


def test_vector_tiles_are_refused_not_served_as_broken_images(login, officer, settings, tmp_path):
    path = tmp_path / "vector.mbtiles"
    write_tiles(path, {(0, 0, 0): b"\x1a\x03pbf"}, image_format="pbf")
    settings.ALPR_MAP_TILES_FILE = str(path)
    assert login(officer).get("/map/tiles/0/0/0").status_code == 503


def test_the_maps_use_the_tile_server_else_the_file_else_none(settings, basemap):
    assert map_tiles_url() == "/map/tiles/{z}/{x}/{y}"
    settings.ALPR_MAP_TILES_URL = "https://tiles.city.internal/{z}/{x}/{y}.png"
    assert map_tiles_url() == "https://tiles.city.internal/{z}/{x}/{y}.png"
    settings.ALPR_MAP_TILES_URL = settings.ALPR_MAP_TILES_FILE = ""
    assert map_tiles_url() == ""
