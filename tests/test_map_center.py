"""Issue 17 §4: a map with no points is centred where the settings say (ALPR_MAP_CENTER),
fed to the static scripts through a json_script island, never coordinates typed into JS."""

import json
import re
from pathlib import Path

import pytest

STATIC_JS = Path(__file__).resolve().parent.parent / "static" / "js"


@pytest.mark.django_db
def test_the_search_page_carries_the_configured_map_centre(login, analyst, settings):
    settings.ALPR_MAP_CENTER = (38.5816, -121.4944)  # Sacramento
    body = login(analyst).get("/alpr/search/").content.decode()
    island = re.search(r'<script id="map-center" type="application/json">(.*?)</script>', body)
    assert island and json.loads(island.group(1)) == [38.5816, -121.4944]


def test_the_map_scripts_hold_no_coordinates_of_their_own():
    for script in ("map.js", "area_map.js"):
        text = (STATIC_JS / script).read_text()
        assert 'getElementById("map-center")' in text
        assert not re.search(r"setView\(\[\s*-?\d", text), script
