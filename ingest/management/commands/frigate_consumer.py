"""Frigate's license-plate reads from MQTT into the system (issue 22, RD-2, HT-1).

    manage.py frigate_consumer --host 127.0.0.1 --port 1883 --topic frigate/events \\
        --camera-map driveway=12 --camera-map gate=13

Subscribes to Frigate's event topic, and hands every `update` / `end` event that carries
a recognised plate to the edge-read service (ingest/edge/common.py) as a read of the
camera its Frigate name is mapped to: idempotent by event id, matched against the hot
lists as it is stored, refused payloads kept with their reason. Frigate holds no device
token, so the mapping here is the credential: only mapped Frigate cameras make reads.

The MQTT loop runs in this thread (client.loop), so every database call is made from
the thread that owns the connection. QoS 1: the broker redelivers what was not
acknowledged, and a redelivery is a duplicate, not a second read.
"""

from __future__ import annotations

import json
import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from alpr.models import Camera
from ingest.edge import frigate
from ingest.edge.common import EdgePayloadError, edge_payload_refuse, edge_reads_receive
from ingest.models import EdgeEvent

logger = logging.getLogger("ingest.edge.frigate")


def camera_map(values: list[str]) -> dict[str, Camera]:
    mapping = {}
    for value in values or []:
        name, sep, pk = value.partition("=")
        if not sep or not name or not pk.isdigit():
            raise CommandError(f"--camera-map {value!r}: use FRIGATE_CAMERA=CAMERA_ID")
        camera = Camera.objects.filter(pk=int(pk)).first()
        if camera is None:
            raise CommandError(f"--camera-map {value!r}: no camera #{pk}")
        mapping[name] = camera
    if not mapping:
        raise CommandError("Map at least one Frigate camera: --camera-map FRIGATE_CAMERA=CAMERA_ID")
    return mapping


def handle_message(payload: bytes, cameras: dict[str, Camera]) -> list:
    """One MQTT message -> outcomes ([] when the event is not a read). Never raises for
    a bad payload: it is kept with its reason."""
    source = EdgeEvent.Source.FRIGATE
    try:
        event = json.loads(payload)
        reads = frigate.parse(event)
    except (ValueError, EdgePayloadError) as exc:
        reason = exc.reason if isinstance(exc, EdgePayloadError) else "the message is not JSON"
        return [edge_payload_refuse(camera=None, source=source, raw=payload, reason=reason)]
    if not reads:
        return []
    name = frigate.camera_name(event)
    camera = cameras.get(name)
    if camera is None:
        return [edge_payload_refuse(camera=None, source=source, raw=payload,
                                    reason=f"Frigate camera {name!r} is not mapped to a camera (--camera-map)")]
    return edge_reads_receive(camera=camera, reads=reads, source=source, raw=payload)


class Command(BaseCommand):
    help = "Consume Frigate license-plate events from MQTT (issue 22)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1883)
        parser.add_argument("--topic", default="frigate/events")
        parser.add_argument("--username", default="")
        parser.add_argument("--password", default="")
        parser.add_argument("--client-id", default="alpr-frigate-consumer")
        parser.add_argument("--camera-map", action="append", default=[], metavar="FRIGATE_CAMERA=CAMERA_ID")
        parser.add_argument("--max-messages", type=int, default=0, help="Stop after this many messages (0: never).")
        parser.add_argument("--timeout", type=float, default=0, help="Stop after this many seconds (0: never).")

    def handle(self, *args, **options):
        try:
            import paho.mqtt.client as mqtt
        except ImportError as exc:  # pragma: no cover - a dependency in pyproject.toml
            raise CommandError("paho-mqtt is not installed (pip install paho-mqtt)") from exc
        cameras = camera_map(options["camera_map"])
        state = {"messages": 0, "reads": 0, "subscribed": False}

        def on_connect(client, userdata, flags, reason_code, properties=None):
            if reason_code.is_failure:
                logger.error("MQTT connection refused: %s", reason_code)
                return
            client.subscribe(options["topic"], qos=1)

        def on_subscribe(client, userdata, mid, reason_codes, properties=None):
            state["subscribed"] = True
            logger.info("subscribed to %s", options["topic"])

        def on_message(client, userdata, message):
            close_old_connections()
            outcomes = handle_message(message.payload, cameras)
            state["messages"] += 1
            state["reads"] += sum(1 for o in outcomes if o.created and o.event.status == EdgeEvent.Status.ACCEPTED)

        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=options["client_id"], clean_session=False)
        if options["username"]:
            client.username_pw_set(options["username"], options["password"] or None)
        client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
        try:
            client.connect(options["host"], options["port"], keepalive=30)
        except OSError as exc:
            raise CommandError(f"cannot reach the MQTT broker at {options['host']}:{options['port']}: {exc}") \
                from exc
        deadline = time.monotonic() + options["timeout"] if options["timeout"] else None
        try:
            while True:
                client.loop(timeout=0.2)
                if options["max_messages"] and state["messages"] >= options["max_messages"]:
                    break
                if deadline is not None and time.monotonic() > deadline:
                    break
        except KeyboardInterrupt:
            pass
        finally:
            client.disconnect()
        self.stdout.write(f"frigate_consumer: {state['messages']} messages, {state['reads']} reads stored")
