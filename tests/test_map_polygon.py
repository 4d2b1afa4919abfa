"""Issue 21 §1: a polygon drawn on the map sets the search area: validated input (closed
ring, at most MAX_SEARCH_VERTICES corners, latitude/longitude in range), then the reads
inside it, server-side point in polygon; and the city boundary file's checks."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.context_processors import map_boundary
from alpr.criteria import build_criteria
from alpr.selectors.reads import reads_for_query
from lib.errors import DomainError
from lib.geo import MAX_SEARCH_VERTICES, GeometryError, contains, load_boundary, validate_ring
from tests import factories
from tests.test_alpr_api import _search_body
from tests.test_alpr_api import api as api  # noqa: F401 (the test API client fixture)

# A triangle over downtown Oakland: its box holds both test cameras, the triangle only one.
TRIANGLE = [[37.80, -122.28], [37.82, -122.28], [37.80, -122.26], [37.80, -122.28]]


def _criteria(**extra):
    now = timezone.now()
    return build_criteria(captured_from=now - timedelta(days=2), captured_to=now, **extra)


def test_point_in_polygon_rules():
    assert contains(TRIANGLE, 37.805, -122.275)
    assert not contains(TRIANGLE, 37.818, -122.262)  # inside the box, outside the triangle
    assert not contains(TRIANGLE, 37.79, -122.27)
    # A concave ring (a U): the notch is outside.
    u_shape = [[0, 0], [0, 3], [3, 3], [3, 2], [1, 2], [1, 1], [3, 1], [3, 0], [0, 0]]
    assert contains(u_shape, 0.5, 1.5) and contains(u_shape, 2, 0.5) and not contains(u_shape, 2, 1.5)


@pytest.mark.parametrize("ring,message", [
    ([[37.8, -122.2], [37.9, -122.2], [37.8, -122.1]], "at least three corners"),
    ([[37.8, -122.2], [37.9, -122.2], [37.8, -122.1], [37.85, -122.15]], "not closed"),
    ([[97.8, -122.2], [37.9, -122.2], [37.8, -122.1], [97.8, -122.2]], "outside latitude"),
    ([[37.8, -192.2], [37.9, -122.2], [37.8, -122.1], [37.8, -192.2]], "outside latitude"),
    ([[37.8, "x"], [37.9, -122.2], [37.8, -122.1], [37.8, "x"]], "not a pair of numbers"),
    ([[37.8, -122.2, 5, 6], [37.9, -122.2], [37.8, -122.1], [37.8, -122.2]], "not a pair of numbers"),
    ([[37.8, float("nan")], [37.9, -122.2], [37.8, -122.1], [37.8, float("nan")]], "not a finite"),
    ([[37.8, -122.2], [37.9, -122.2], [38.0, -122.2], [37.8, -122.2]], "encloses no area"),
    ("<script>alert(1)</script>", "list of"),
])
def test_bad_polygons_are_refused_with_the_reason(ring, message):
    with pytest.raises(GeometryError, match=message):
        validate_ring(ring)


def test_too_many_corners():
    import math
    ring = [[37.8 + 0.01 * math.sin(i / 20), -122.2 + 0.01 * math.cos(i / 20)]
            for i in range(MAX_SEARCH_VERTICES + 1)]
    with pytest.raises(GeometryError, match=f"at most {MAX_SEARCH_VERTICES}"):
        validate_ring([*ring, ring[0]])
    assert len(validate_ring([*ring[:MAX_SEARCH_VERTICES], ring[0]])) == MAX_SEARCH_VERTICES + 1


@pytest.mark.django_db
def test_the_search_returns_only_reads_inside_the_polygon(analyst, home_agency):
    inside = factories.camera(home_agency, "Inside", latitude=37.805, longitude=-122.275)
    corner = factories.camera(home_agency, "Box corner", latitude=37.818, longitude=-122.262)
    far = factories.camera(home_agency, "Far", latitude=37.70, longitude=-122.10)
    for cam in (inside, corner, far):
        factories.read(cam, "7ABC123")
    criteria = _criteria(polygon=TRIANGLE)
    assert {r.camera for r in reads_for_query(user=analyst, criteria=criteria)} == {inside}
    # Stored with the search and read back unchanged (Q-2: the data elements used).
    assert type(criteria).from_json(criteria.to_json()).polygon == TRIANGLE
    # With other criteria too: a plate not read inside finds nothing.
    assert not reads_for_query(user=analyst, criteria=_criteria(polygon=TRIANGLE, plate="9XYZ999")).exists()


@pytest.mark.django_db
def test_the_database_decides_as_the_point_in_polygon_rule_does(analyst, home_agency):
    # A concave polygon (a U over downtown) and a grid of cameras, some in the notch: the
    # search (SQL) returns exactly the reads lib.geo.contains puts inside.
    import random

    u_shape = [[37.80, -122.28], [37.83, -122.28], [37.83, -122.25], [37.82, -122.25], [37.82, -122.27],
               [37.81, -122.27], [37.81, -122.25], [37.80, -122.25], [37.80, -122.28]]
    rng = random.Random(21)
    expected = set()
    for i in range(40):
        lat, lon = round(rng.uniform(37.795, 37.835), 6), round(rng.uniform(-122.285, -122.245), 6)
        cam = factories.camera(home_agency, f"Cam {i}", latitude=lat, longitude=lon)
        read = factories.read(cam, f"7ABC{i:03d}")
        if contains(u_shape, lat, lon):
            expected.add(read.pk)
    found = {r.pk for r in reads_for_query(user=analyst, criteria=_criteria(polygon=u_shape))}
    assert found == expected and 5 < len(expected) < 35


def test_build_criteria_refuses_a_bad_polygon_clearly():
    with pytest.raises(DomainError, match="not closed"):
        _criteria(polygon=TRIANGLE[:-1] + [[37.81, -122.27]])


@pytest.mark.django_db
def test_the_search_page_refuses_a_malformed_polygon(login, analyst):
    response = login(analyst).post("/alpr/search/", {
        "purpose": "burglary", "offence_category": "PC459", "case_number": "26-1",
        "justification": "Vehicle seen leaving a burglary", "attest": "on",
        "captured_from": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "captured_to": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "polygon": "[[37.8, -122.2], [37.9",
    })
    assert response.status_code == 400 and "A polygon is JSON" in response.content.decode()


@pytest.mark.django_db
def test_the_api_search_takes_a_polygon_and_refuses_an_open_ring(api, analyst, home_agency):  # noqa: F811
    inside = factories.camera(home_agency, "Inside", latitude=37.805, longitude=-122.275)
    factories.read(inside, "7ABC123")
    factories.read(factories.camera(home_agency, "Box corner", latitude=37.818, longitude=-122.262), "7ABC124")
    client = api(analyst)
    refused = client.post("/api/searches/", _search_body(plate="", polygon=TRIANGLE[:-1] + [[37.81, -122.27]]),
                          format="json")
    assert refused.status_code == 400 and "not closed" in json.dumps(refused.json())
    response = client.post("/api/searches/", _search_body(plate="", polygon=TRIANGLE), format="json")
    assert response.status_code == 201, response.content
    reads = client.get(f"/api/searches/{response.json()['id']}/reads/").json()
    assert [r["plate"] for r in reads["results"]] == ["7ABC123"]


# --- the city boundary file -----------------------------------------------------------------

def _write(tmp_path, data, name="city.geojson"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_a_boundary_feature_collection_is_read(tmp_path):
    ring = [[-122.28, 37.80], [-122.28, 37.82], [-122.26, 37.80], [-122.28, 37.80]]  # GeoJSON: lon, lat
    path = _write(tmp_path, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Oakland"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]})
    drawn = load_boundary(path)
    assert drawn["features"][0]["geometry"] == {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize("content,message", [
    ("{not json", "not JSON"),
    ({"type": "Point", "coordinates": [-122.2, 37.8]}, "not a Polygon"),
    ({"type": "Polygon", "coordinates": [[[-122.2, 37.8], [-122.1, 37.8], [-122.1, 37.9]]]}, "at least three"),
    ({"type": "Polygon", "coordinates": [[[-122.2, 97.8], [-122.1, 37.8], [-122.1, 37.9], [-122.2, 97.8]]]},
     "outside latitude"),
    ({"type": "FeatureCollection", "features": []}, "no Polygon"),
])
def test_a_bad_boundary_file_is_refused_with_the_reason(tmp_path, content, message):
    with pytest.raises(GeometryError, match=message):
        load_boundary(_write(tmp_path, content))


def test_a_bad_boundary_setting_leaves_the_maps_without_it_and_logs_why(tmp_path, settings, caplog):
    settings.ALPR_MAP_BOUNDARY_GEOJSON = str(_write(tmp_path, "{not json", name="bad.geojson"))
    assert map_boundary() is None and "ALPR_MAP_BOUNDARY_GEOJSON not drawn" in caplog.text
    settings.ALPR_MAP_BOUNDARY_GEOJSON = str(tmp_path / "missing.geojson")
    assert map_boundary() is None and "no boundary file" in caplog.text
