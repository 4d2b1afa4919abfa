"""Issue 22: the OpenALPR / Rekor agent webhook at /api/cameras/reads/openalpr/.

The sample payloads are recreated from the agent's documented `alpr_group` and
`alpr_results` formats (field names and units as documented; values made up)."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.models import Hit, Read
from alpr.services.cameras import camera_issue_token
from ingest.edge import openalpr
from ingest.edge.common import EdgePayloadError
from ingest.models import EdgeEvent
from ingest.synthetic import encode_jpeg, render_frame
from tests import factories

URL = "/api/cameras/reads/openalpr/"


def _ms(seconds_ago=4):
    return int((timezone.now() - timedelta(seconds=seconds_ago)).timestamp() * 1000)


def alpr_group(plate="8XYZ412", uuid="a1b2c3d4-group-0001"):
    frame = render_frame(plate, "CA", seed=5)
    corners = [{"x": 402, "y": 311}, {"x": 518, "y": 309}, {"x": 519, "y": 348}, {"x": 403, "y": 350}]
    return {
        "version": 2, "data_type": "alpr_group", "epoch_start": _ms(6), "epoch_end": _ms(4),
        "frame_start": 1201, "frame_end": 1219, "company_id": "00000000-company", "agent_uid": "agent-xyz",
        "agent_version": "4.1.1", "agent_type": "alprd", "camera_id": 1803957, "country": "us",
        "uuid": uuid, "uuids": ["cam1803957-1700000000001", "cam1803957-1700000000002"],
        "plate_indexes": [0, 0], "candidates": [
            {"plate": plate, "confidence": 91.2, "matches_template": 1, "plate_index": 0, "frame": 1210},
            {"plate": plate[:-1] + "Z", "confidence": 80.1, "matches_template": 0, "plate_index": 0, "frame": 1210}],
        "best_plate_number": plate, "best_confidence": 91.2, "best_region": "us-ca",
        "best_region_confidence": 97.3, "matches_template": True, "best_image_width": 1280,
        "best_image_height": 720, "best_uuid": "cam1803957-1700000000002", "travel_direction": 182.5,
        "is_parked": False, "is_preview": False, "gps_latitude": 37.8044, "gps_longitude": -122.2712,
        "best_plate": {
            "plate": plate, "confidence": 91.2, "matches_template": 1, "plate_index": 0, "region": "us-ca",
            "region_confidence": 97, "processing_time_ms": 42.1, "requested_topn": 10, "coordinates": corners,
            "plate_crop_jpeg": base64.b64encode(encode_jpeg(frame.crop)).decode(),
            "vehicle_region": {"x": 300, "y": 120, "width": 420, "height": 400},
        },
        "vehicle_crop_jpeg": base64.b64encode(encode_jpeg(frame.image)).decode(),
        "vehicle": {
            "color": [{"name": "silver-gray", "confidence": 88.4}, {"name": "white", "confidence": 7.1}],
            "make": [{"name": "honda", "confidence": 71.0}, {"name": "acura", "confidence": 12.5}],
            "make_model": [{"name": "honda_civic", "confidence": 60.2}],
            "body_type": [{"name": "sedan-standard", "confidence": 93.7}],
            "year": [{"name": "2010-2014", "confidence": 40.0}],
        },
    }


def alpr_results(plates=("6DEF456", "4TUV771"), uuid="cam1803957-1700000000050"):
    results = []
    for i, plate in enumerate(plates):
        results.append({
            "plate": plate, "confidence": 89.5 - i, "matches_template": 1, "plate_index": i, "region": "us-ca",
            "region_confidence": 95, "processing_time_ms": 30.5, "requested_topn": 10,
            "coordinates": [{"x": 100 + 200 * i, "y": 200}, {"x": 210 + 200 * i, "y": 200},
                            {"x": 210 + 200 * i, "y": 240}, {"x": 100 + 200 * i, "y": 240}],
            "vehicle_region": {"x": 50, "y": 100, "width": 300, "height": 300},
            "candidates": [{"plate": plate, "confidence": 89.5, "matches_template": 1}],
        })
    return {"version": 2, "data_type": "alpr_results", "epoch_time": _ms(), "img_width": 1280, "img_height": 720,
            "processing_time_ms": 88.0, "regions_of_interest": [], "results": results, "uuid": uuid,
            "camera_id": 1803957, "agent_uid": "agent-xyz", "agent_version": "4.1.1", "agent_type": "alprd",
            "site_id": "oakland-14th", "company_id": "00000000-company"}


# --- parse: pure ---------------------------------------------------------------------------

def test_it_parses_an_alpr_group_with_its_best_plate_images_and_attributes():
    (read,) = openalpr.parse(alpr_group())
    assert (read.plate, read.state, read.confidence, read.problem) == ("8XYZ412", "CA", 0.912, "")
    assert read.plate_box == [402, 309, 117, 41] and read.plate_crop[:3] == b"\xff\xd8\xff" and read.frame
    assert (read.vehicle_color, read.vehicle_make, read.vehicle_type) == ("SILVER", "HONDA", "SEDAN")
    assert (read.vehicle_color_confidence, read.vehicle_make_confidence) == (0.884, 0.71)
    assert read.event_id == "group:a1b2c3d4-group-0001:8XYZ412"
    assert abs((timezone.now() - read.captured_at).total_seconds() - 6) < 2


def test_it_parses_alpr_results_one_read_per_plate():
    reads = openalpr.parse(alpr_results())
    assert [(r.plate, r.state, r.plate_box) for r in reads] == [("6DEF456", "CA", [100, 200, 110, 40]),
                                                                 ("4TUV771", "CA", [300, 200, 110, 40])]
    assert reads[0].event_id != reads[1].event_id and not reads[0].frame


def test_it_ignores_a_heartbeat_and_refuses_other_types():
    assert openalpr.parse({"data_type": "heartbeat", "agent_uid": "agent-xyz"}) == []
    with pytest.raises(EdgePayloadError, match="not alpr_group or alpr_results"):
        openalpr.parse({"data_type": "something_else"})
    with pytest.raises(EdgePayloadError, match="JSON object"):
        openalpr.parse([1, 2])
    (read,) = openalpr.parse({**alpr_group(), "epoch_start": "soon"})
    assert "epoch" in read.problem


# --- the endpoint --------------------------------------------------------------------------

@pytest.fixture
def camera(administrator, home_agency):
    cam = factories.camera(home_agency, "Agent 1803957")
    return cam, camera_issue_token(camera=cam, by=administrator)


def _post(client, token, body):
    return client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Camera {token}")


@pytest.mark.django_db
def test_it_stores_a_group_and_raises_the_hit(camera, client):
    cam, token = camera
    factories.entry(factories.hotlist(), "8XYZ412")
    response = _post(client, token, alpr_group())
    assert response.status_code == 201, response.content
    read = Read.objects.get()
    assert read.camera == cam and read.vehicle_color == "SILVER" and read.crop and read.frame
    assert Hit.objects.filter(read=read).exists()
    assert EdgeEvent.objects.get().source == "openalpr"


@pytest.mark.django_db
def test_it_makes_one_read_of_a_preview_and_its_final_group(camera, client):
    _, token = camera
    preview = {**alpr_group(), "is_preview": True}
    assert _post(client, token, preview).status_code == 201
    assert _post(client, token, alpr_group()).status_code == 200
    assert Read.objects.count() == 1


@pytest.mark.django_db
def test_it_stores_results_and_answers_a_heartbeat(camera, client):
    _, token = camera
    assert _post(client, token, alpr_results()).status_code == 201
    assert sorted(Read.objects.values_list("plate", flat=True)) == ["4TUV771", "6DEF456"]
    heartbeat = _post(client, token, {"data_type": "heartbeat", "agent_uid": "agent-xyz"})
    assert heartbeat.status_code == 200 and heartbeat.json() == {"reads": []}


@pytest.mark.django_db
def test_it_refuses_a_bad_payload_and_keeps_it(camera, client):
    _, token = camera
    response = _post(client, token, {"data_type": "alpr_alert"})
    assert response.status_code == 400
    event = EdgeEvent.objects.get()
    assert event.status == "rejected" and "alpr_alert" in event.reason and "alpr_alert" in event.payload
    assert client.post(URL, alpr_group(), content_type="application/json").status_code == 401
