"""Issue 22: Plate Recognizer Stream and Snapshot webhooks at /api/cameras/reads/platerecognizer/.

The sample payloads are recreated from Plate Recognizer's documented webhook formats
(`{"hook": {...}, "data": {...}}`, results with plate, score, region, box, vehicle,
model_make and color; the image, when sent, as the multipart `upload` file)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alpr.criteria import build_criteria
from alpr.models import Hit, Read
from alpr.selectors.reads import reads_for_query
from alpr.services.cameras import camera_issue_token
from ingest.edge import platerecognizer
from ingest.edge.common import EdgePayloadError
from ingest.models import EdgeEvent
from ingest.synthetic import encode_jpeg, render_frame
from tests import factories

URL = "/api/cameras/reads/platerecognizer/"


def _stamp(seconds_ago=3):
    return (datetime.now(UTC) - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _result(plate="7abc123", make="Toyota", colour="black", body="Sedan"):
    return {
        "box": {"xmin": 410, "ymin": 300, "xmax": 530, "ymax": 340},
        "plate": plate, "score": 0.903, "dscore": 0.81,
        "region": {"code": "us-ca", "score": 0.88},
        "vehicle": {"type": body, "score": 0.79, "box": {"xmin": 300, "ymin": 120, "xmax": 720, "ymax": 520}},
        "candidates": [{"plate": plate, "score": 0.903}],
        "model_make": [{"make": make, "model": "Camry", "score": 0.64}],
        "color": [{"color": colour, "score": 0.87}, {"color": "gray", "score": 0.05}],
        "orientation": [{"orientation": "Front", "score": 0.93}],
        "direction": 210, "source_url": "rtsp://10.0.0.8/stream1", "position_sec": 31.2,
    }


def stream_webhook(*results):
    return {"hook": {"target": "https://alpr.example.org/api/cameras/reads/platerecognizer/", "id": "camera-1",
                     "event": "recognition"},
            "data": {"camera_id": "camera-1", "filename": "camera-1_screenshots/20261201_150405.jpg",
                     "timestamp": _stamp(), "timestamp_local": _stamp(), "timestamp_camera": None,
                     "results": list(results) or [_result()]}}


def snapshot_webhook(*results):
    return {"hook": {"target": "https://alpr.example.org/api/cameras/reads/platerecognizer/", "id": 1234,
                     "event": "image.done", "filename": "upload.jpg"},
            "data": {"processing_time": 61.5, "filename": "upload.jpg", "version": 1, "camera_id": "lot-7",
                     "timestamp": _stamp(), "image_width": 1280, "image_height": 720,
                     "results": list(results) or [_result("6def456", "Ford", "white", "Pickup Truck")]}}


# --- parse: pure ---------------------------------------------------------------------------

def test_it_parses_a_stream_recognition():
    (read,) = platerecognizer.parse(stream_webhook())
    assert (read.plate, read.state, read.confidence, read.plate_box) == ("7abc123", "CA", 0.903, [410, 300, 120, 40])
    assert (read.vehicle_color, read.vehicle_make, read.vehicle_type) == ("BLACK", "TOYOTA", "SEDAN")
    assert (read.vehicle_color_confidence, read.vehicle_make_confidence, read.vehicle_type_confidence) == \
        (0.87, 0.64, 0.79)
    assert read.event_id == "" and read.key.startswith("sha256:") and read.problem == ""


def test_it_parses_a_snapshot_with_several_plates():
    reads = platerecognizer.parse(snapshot_webhook(_result("6def456", body="Pickup Truck"), _result("4tuv771")))
    assert [(r.plate, r.vehicle_type) for r in reads] == [("6def456", "PICKUP"), ("4tuv771", "SEDAN")]


def test_it_refuses_what_is_not_a_webhook():
    with pytest.raises(EdgePayloadError, match="hook"):
        platerecognizer.parse({"results": []})
    with pytest.raises(EdgePayloadError, match="results"):
        platerecognizer.parse({"hook": {}, "data": {}})
    (read,) = platerecognizer.parse({"hook": {}, "data": {"results": [_result()], "timestamp": "noon"}})
    assert "ISO 8601" in read.problem


# --- the endpoint --------------------------------------------------------------------------

@pytest.fixture
def camera(administrator, home_agency):
    cam = factories.camera(home_agency, "Stream camera-1")
    return cam, camera_issue_token(camera=cam, by=administrator)


@pytest.mark.django_db
def test_it_stores_a_stream_read_matches_it_and_dedupes_a_retry(camera, client):
    cam, token = camera
    factories.entry(factories.hotlist(), "7ABC123")
    body = stream_webhook()
    first = client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Camera {token}")
    assert first.status_code == 201, first.content
    read = Read.objects.get()
    assert read.camera == cam and read.plate == "7ABC123" and Hit.objects.filter(read=read).exists()
    retry = client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Camera {token}")
    assert retry.status_code == 200 and retry.json()["reads"][0]["duplicate"] is True
    assert Read.objects.count() == 1 and EdgeEvent.objects.get().source == "platerecognizer"


@pytest.mark.django_db
def test_it_takes_a_snapshot_with_its_image_as_multipart(camera, client, analyst):
    _, token = camera
    image = encode_jpeg(render_frame("6DEF456", "CA", seed=2).image)
    response = client.post(URL, {"json": json.dumps(snapshot_webhook()),
                                 "upload": SimpleUploadedFile("upload.jpg", image, "image/jpeg")},
                           HTTP_AUTHORIZATION=f"Camera {token}")
    assert response.status_code == 201, response.content
    read = Read.objects.get()
    assert read.frame.read() == image and read.vehicle_type == "PICKUP" and read.vehicle_make == "FORD"
    now = timezone.now()
    criteria = build_criteria(captured_from=now - timedelta(hours=1), captured_to=now, vehicle_color="White")
    assert list(reads_for_query(user=analyst, criteria=criteria)) == [read]


@pytest.mark.django_db
def test_it_refuses_a_bad_webhook_and_keeps_it(camera, client):
    _, token = camera
    response = client.post(URL, {"hook": {"event": "image.done"}}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Camera {token}")
    assert response.status_code == 400
    event = EdgeEvent.objects.get()
    assert event.status == "rejected" and "hook" in event.reason and "image.done" in event.payload
    assert client.post(URL, stream_webhook(), content_type="application/json").status_code == 401
