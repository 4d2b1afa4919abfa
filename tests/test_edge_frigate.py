"""Issue 22: Frigate license-plate events from MQTT (`manage.py frigate_consumer`).

The sample events are recreated from Frigate's documented `frigate/events` messages
(type new / update / end, with `before` and `after` objects; `recognized_license_plate`
and its score once the plate is read). The consumer is tested against a private
Mosquitto broker started on a free local port."""

import json
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from alpr.models import Hit, Read
from ingest.edge import frigate
from ingest.edge.common import EdgePayloadError
from ingest.management.commands.frigate_consumer import handle_message
from ingest.models import EdgeEvent
from tests import factories


def frigate_event(kind="end", plate="8XYZ412", event_id="1764601445.123456-k3x9qa", camera="driveway"):
    now = timezone.now().timestamp()
    before = {"id": event_id, "camera": camera, "frame_time": now - 2, "label": "car", "sub_label": None,
              "top_score": 0.81, "false_positive": False, "start_time": now - 5, "end_time": None,
              "score": 0.8, "box": [424, 500, 536, 712], "area": 23744, "region": [264, 450, 667, 853],
              "current_zones": ["street"], "entered_zones": ["street"], "has_snapshot": True, "has_clip": True,
              "stationary": False, "recognized_license_plate": None, "recognized_license_plate_score": None}
    after = {**before, "frame_time": now - 1, "top_score": 0.86, "score": 0.85,
             "end_time": now - 1 if kind == "end" else None,
             "recognized_license_plate": plate, "recognized_license_plate_score": 0.91}
    return {"type": kind, "before": before, "after": after}


# --- parse: pure ---------------------------------------------------------------------------

def test_it_parses_an_event_with_a_recognised_plate():
    (read,) = frigate.parse(frigate_event())
    assert (read.plate, read.confidence, read.problem) == ("8XYZ412", 0.91, "")
    assert read.event_id == "1764601445.123456-k3x9qa:8XYZ412"
    assert frigate.camera_name(frigate_event()) == "driveway"


def test_it_makes_no_read_of_a_new_event_or_one_without_a_plate():
    assert frigate.parse(frigate_event(kind="new")) == []
    assert frigate.parse(frigate_event(plate=None)) == []
    with pytest.raises(EdgePayloadError, match="Frigate event"):
        frigate.parse({"type": "end"})
    with pytest.raises(EdgePayloadError, match="not new, update or end"):
        frigate.parse({**frigate_event(), "type": "deleted"})


# --- the consumer's handling, without a broker --------------------------------------------

@pytest.fixture
def camera(home_agency):
    return factories.camera(home_agency, "Driveway (Frigate)")


@pytest.mark.django_db
def test_it_stores_an_update_once_and_a_corrected_plate_as_a_second_read(camera):
    cameras = {"driveway": camera}
    first = handle_message(json.dumps(frigate_event(kind="update")).encode(), cameras)
    again = handle_message(json.dumps(frigate_event(kind="end")).encode(), cameras)  # same event, same plate
    assert first[0].created and not again[0].created and Read.objects.count() == 1
    handle_message(json.dumps(frigate_event(kind="end", plate="8XYZ41Z")).encode(), cameras)
    assert Read.objects.count() == 2


@pytest.mark.django_db
def test_it_keeps_what_it_cannot_use_with_the_reason(camera):
    handle_message(b"{not json", {"driveway": camera})
    handle_message(json.dumps(frigate_event(camera="backyard")).encode(), {"driveway": camera})
    reasons = sorted(EdgeEvent.objects.values_list("reason", flat=True))
    assert reasons == ["Frigate camera 'backyard' is not mapped to a camera (--camera-map)", "the message is not JSON"]
    assert not Read.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_bad_camera_map(camera):
    with pytest.raises(CommandError, match="FRIGATE_CAMERA=CAMERA_ID"):
        call_command("frigate_consumer", "--camera-map", "driveway")
    with pytest.raises(CommandError, match="no camera"):
        call_command("frigate_consumer", "--camera-map", "driveway=999999")


# --- against a real broker -----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker(tmp_path):
    binary = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if shutil.which("/usr/sbin/mosquitto") else None)
    if binary is None:
        pytest.skip("mosquitto is not installed (Debian: apt-get install mosquitto); the MQTT test needs a broker")
    pytest.importorskip("paho.mqtt", reason="paho-mqtt is not installed (pip install paho-mqtt)")
    port = _free_port()
    config = tmp_path / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    # The broker binary found on PATH, with a config written here: no outside input.
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.PIPE,  # noqa: S603
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail(f"mosquitto did not start: {process.stdout.read().decode(errors='replace')}")
    yield port
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_it_consumes_a_frigate_event_from_mosquitto_and_raises_the_hit(broker, home_agency):
    import paho.mqtt.client as mqtt

    cam = factories.camera(home_agency, "Driveway (Frigate)")
    factories.entry(factories.hotlist(), "8XYZ412")
    stop = threading.Event()

    def publish():
        # The consumer subscribes after it starts: publish until it has taken a message.
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="frigate-test-publisher")
        client.connect("127.0.0.1", broker)
        client.loop_start()
        while not stop.is_set():
            client.publish("frigate/events", json.dumps(frigate_event()), qos=1).wait_for_publish(2)
            stop.wait(0.3)
        client.loop_stop()
        client.disconnect()

    publisher = threading.Thread(target=publish, daemon=True)
    publisher.start()
    try:
        call_command("frigate_consumer", "--host", "127.0.0.1", "--port", str(broker), "--topic", "frigate/events",
                     "--camera-map", f"driveway={cam.pk}", "--max-messages", "1", "--timeout", "20")
    finally:
        stop.set()
        publisher.join(timeout=5)
    read = Read.objects.get(camera=cam)
    assert read.plate == "8XYZ412" and read.confidence == 0.91 and read.edge_event.source == "frigate"
    assert Hit.objects.filter(read=read).exists()
