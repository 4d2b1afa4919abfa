"""Issue 22: reads made by edge cameras in the project's JSON (`POST /api/cameras/reads/`),
and the guarantees every edge format shares (ingest/edge/common.py): device token,
idempotency, refused payloads kept with a reason, retention from upload, hot-list
matching before the answer, access log, attributes stored and searchable."""

import base64
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accesslog.models import AccessEvent
from alpr.criteria import build_criteria
from alpr.models import Hit, Read
from alpr.selectors.reads import reads_for_query
from alpr.services.cameras import camera_issue_token, camera_revoke_token
from ingest.models import EdgeEvent
from ingest.synthetic import encode_jpeg, render_frame
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/cameras/reads/"


@pytest.fixture
def camera(administrator, home_agency):
    cam = factories.camera(home_agency, "Edge 1 — 14th & Broadway")
    return cam, camera_issue_token(camera=cam, by=administrator)


def _images(plate="7ABC123"):
    frame = render_frame(plate, "CA", seed=3)
    return encode_jpeg(frame.image), encode_jpeg(frame.crop)


def _read(plate="7ABC123", **extra):
    frame, crop = _images(plate)
    body = {
        "plate": plate, "state": "CA", "confidence": 0.94,
        "captured_at": (timezone.now() - timedelta(seconds=3)).isoformat(),
        "latitude": 37.8044, "longitude": -122.2712, "plate_box": [410, 300, 120, 40],
        "vehicle": {"color": "Red", "color_confidence": 0.81, "make": "Toyota", "make_confidence": 0.7,
                    "body_type": "sedan", "body_type_confidence": 0.9},
        "plate_crop": base64.b64encode(crop).decode(), "frame": base64.b64encode(frame).decode(),
    }
    body.update(extra)
    return body


def _post(client, token, body, url=URL):
    headers = {"HTTP_AUTHORIZATION": f"Camera {token}"} if token else {}
    return client.post(url, body, content_type="application/json", **headers)


def test_it_stores_a_read_with_images_attributes_and_confidences(camera, client):
    cam, token = camera
    response = _post(client, token, {"reads": [_read()]})
    assert response.status_code == 201, response.content
    (outcome,) = response.json()["reads"]
    assert outcome["status"] == "accepted" and outcome["duplicate"] is False
    read = Read.objects.get(edge_event_id=outcome["id"])
    assert (read.plate, read.state, read.camera, read.confidence) == ("7ABC123", "CA", cam, 0.94)
    assert read.frame and read.crop and read.frame_sha256 and read.crop_sha256 and read.plate_box == [410, 300, 120, 40]
    assert (read.vehicle_color, read.vehicle_make, read.vehicle_type) == ("RED", "TOYOTA", "SEDAN")
    confidences = (read.vehicle_color_confidence, read.vehicle_make_confidence, read.vehicle_type_confidence)
    assert confidences == (0.81, 0.7, 0.9)
    assert float(read.latitude) == pytest.approx(37.8044)
    # RT-1: the retention clock starts when the read reaches the system, not at capture.
    assert read.uploaded_at > read.captured_at and timezone.now() - read.uploaded_at < timedelta(seconds=30)
    event = EdgeEvent.objects.get(pk=outcome["id"])
    assert event.source == "native" and event.event_key.startswith("sha256:") and "[" in event.payload
    assert base64.b64encode(_images()[1]).decode() not in event.payload  # images live on the read, once


def test_it_matches_the_hot_lists_before_answering(camera, client):
    _, token = camera
    factories.entry(factories.hotlist(), "8XYZ412")
    started = time.monotonic()
    response = _post(client, token, _read("8XYZ412"))  # one read may be sent bare
    elapsed = time.monotonic() - started
    assert response.status_code == 201
    read = Read.objects.get(plate="8XYZ412")
    hit = Hit.objects.get(read=read)  # HT-1: the alert exists when the camera is answered
    assert hit.status == Hit.Status.ALERT and elapsed < 1.0
    assert "hit" not in response.content.decode().lower()  # a camera never learns what is listed


def test_it_is_idempotent_by_event_id_and_by_content(camera, client):
    _, token = camera
    with_id = _read("4TUV771", event_id="cam-000123")
    without = _read("5JKL002")
    first = _post(client, token, {"reads": [with_id, without]})
    assert first.status_code == 201
    with_id["confidence"] = 0.5  # a resend under the same vendor id is the same read
    again = _post(client, token, {"reads": [with_id, without]})
    assert again.status_code == 200
    assert [r["duplicate"] for r in again.json()["reads"]] == [True, True]
    assert [r["id"] for r in again.json()["reads"]] == [r["id"] for r in first.json()["reads"]]
    assert Read.objects.count() == 2 and EdgeEvent.objects.filter(status="accepted").count() == 2


@pytest.mark.parametrize("change,reason", [
    ({"plate": "!!"}, "is not a plate"),
    ({"captured_at": "yesterday"}, "not an ISO 8601"),
    ({"captured_at": None}, "capture time missing"),
    ({"captured_at": (timezone.now() + timedelta(hours=1)).isoformat()}, "in the future"),
    ({"captured_at": (timezone.now() - timedelta(days=400)).isoformat()}, "retention period"),
    ({"latitude": 123}, "latitude out of range"),
    ({"confidence": 7}, "out of range"),
    ({"frame": "not base64!"}, "frame is not valid base64"),
    ({"plate_crop": base64.b64encode(b"just text").decode()}, "plate crop: not a JPEG or PNG"),
])
def test_it_refuses_a_bad_read_with_a_reason_and_keeps_it(camera, client, change, reason):
    _, token = camera
    response = _post(client, token, {"reads": [_read(**change)]})
    assert response.status_code == 400
    (outcome,) = response.json()["reads"]
    assert outcome["status"] == "rejected" and reason in outcome["reason"]
    event = EdgeEvent.objects.get(pk=outcome["id"])
    assert event.reason == outcome["reason"] and event.payload and event.payload_sha256
    assert not Read.objects.exists()


def test_it_refuses_one_bad_read_and_keeps_the_others(camera, client):
    _, token = camera
    response = _post(client, token, {"reads": [_read("7ABC123"), _read("??")]})
    assert response.status_code == 201
    assert [r["status"] for r in response.json()["reads"]] == ["accepted", "rejected"]


@pytest.mark.parametrize("body,reason", [
    ("not json at all", "not JSON"),
    ('{"something": "else"}', "expected"),
    ('{"reads": []}', "holds no read"),
])
def test_it_refuses_and_keeps_a_payload_that_is_not_reads(camera, client, body, reason):
    _, token = camera
    response = client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Camera {token}")
    assert response.status_code == 400
    event = EdgeEvent.objects.get()
    assert event.status == "rejected" and reason in event.reason and event.payload == body


def test_it_refuses_without_a_valid_camera_token_and_logs_it(camera, client, administrator, officer):
    cam, token = camera
    assert _post(client, None, {"reads": [_read()]}).status_code == 401
    assert _post(client, "nope", {"reads": [_read()]}).status_code == 401
    camera_revoke_token(camera=cam, by=administrator)
    assert _post(client, token, {"reads": [_read()]}).status_code == 401
    client.force_login(officer)  # a member's session is not a camera
    assert _post(client, None, {"reads": [_read()]}).status_code == 401
    assert not Read.objects.exists()
    assert EdgeEvent.objects.filter(status="rejected", camera=None).count() == 4
    assert AccessEvent.objects.filter(action="ingest.edge_reads", outcome="denied").count() == 4


def test_it_logs_each_delivery_in_the_access_log(camera, client):
    cam, token = camera
    _post(client, token, {"reads": [_read(), _read("??")]})
    event = AccessEvent.objects.get(action="ingest.edge_reads")
    assert event.object_id == str(cam.pk) and event.username == f"camera:{cam.name}"
    assert event.data_elements["accepted"] == 1 and event.data_elements["rejected"] == 1
    assert event.data_elements["source"] == "native"


def test_it_takes_images_as_multipart_files(camera, client):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    _, token = camera
    frame, crop = _images()
    body = _read()
    del body["frame"], body["plate_crop"]
    response = client.post(URL, {"reads": json.dumps({"reads": [body]}),
                                 "frame": SimpleUploadedFile("f.jpg", frame, "image/jpeg"),
                                 "plate_crop": SimpleUploadedFile("c.jpg", crop, "image/jpeg")},
                           HTTP_AUTHORIZATION=f"Camera {token}")
    assert response.status_code == 201, response.content
    read = Read.objects.get()
    assert read.frame.read() == frame and read.crop.read() == crop


def test_it_wants_coordinates_from_a_mobile_unit(administrator, home_agency, client):
    unit = factories.camera(home_agency, "Patrol unit 2A12", kind="mobile")
    token = camera_issue_token(camera=unit, by=administrator)
    response = _post(client, token, _read(latitude=None, longitude=None))
    assert response.status_code == 400 and "coordinates" in response.json()["reads"][0]["reason"]


def test_it_finds_an_edge_read_by_colour_and_body_type(camera, client, analyst):
    _, token = camera
    _post(client, token, {"reads": [_read("7ABC123", vehicle={"color": "silver-gray", "body_type": "SUV"}),
                                    _read("6DEF456", vehicle={"color": "white"})]})
    now = timezone.now()
    criteria = build_criteria(captured_from=now - timedelta(hours=1), captured_to=now, vehicle_color="silver")
    found = reads_for_query(user=analyst, criteria=criteria)
    assert [r.plate for r in found] == ["7ABC123"]
    criteria = build_criteria(captured_from=now - timedelta(hours=1), captured_to=now, vehicle_type="suv")
    assert [r.plate for r in reads_for_query(user=analyst, criteria=criteria)] == ["7ABC123"]


def test_it_purges_edge_events_with_their_reads(camera, client):
    from alpr.services.retention import purge

    _, token = camera
    _post(client, token, {"reads": [_read(), _read("??")]})
    later = timezone.now() + timedelta(days=400)
    run = purge(now=later)
    assert run.reads_deleted == 1 and run.edge_events_deleted == 2
    assert not EdgeEvent.objects.exists()


def test_it_keeps_nothing_of_an_empty_request_without_a_token(client):
    assert client.post(URL, {}).status_code == 401
    assert not EdgeEvent.objects.exists()
    assert AccessEvent.objects.filter(action="ingest.edge_reads", outcome="denied").count() == 1


def test_it_tells_a_read_the_service_refuses_from_the_others_in_a_batch(camera, client, monkeypatch):
    from ingest.edge import common

    _, token = camera
    monkeypatch.setattr(common, "_judge", lambda camera, read, now: "")  # let the read service judge the plate
    response = _post(client, token, {"reads": [_read("7ABC123"), _read("!!")]})
    assert response.status_code == 201
    assert [r["status"] for r in response.json()["reads"]] == ["accepted", "rejected"]
    assert "is not a plate" in response.json()["reads"][1]["reason"]
    assert list(Read.objects.values_list("plate", flat=True)) == ["7ABC123"]


def test_it_answers_a_concurrent_delivery_of_the_same_read_as_a_duplicate(camera, client, monkeypatch):
    """The race: another delivery of a read stores it between this one's duplicate check
    and its insert; the unique constraint catches it and the camera hears 'duplicate'."""
    from ingest.edge import common

    cam, token = camera
    judge, raced = common._judge, []

    def judge_while_another_delivery_commits(camera, read, now):
        if read.event_id == "cam-race" and not raced:
            raced.append(EdgeEvent.objects.create(camera=cam, source="native", event_key="cam-race",
                                                  status="accepted"))
        return judge(camera, read, now)

    monkeypatch.setattr(common, "_judge", judge_while_another_delivery_commits)
    response = _post(client, token, {"reads": [_read("7ABC123", event_id="cam-race"), _read("6DEF456")]})
    assert response.status_code == 201
    first, second = response.json()["reads"]
    assert first["duplicate"] is True and first["id"] == raced[0].pk
    assert second["status"] == "accepted" and second["duplicate"] is False
    assert list(Read.objects.values_list("plate", flat=True)) == ["6DEF456"]
