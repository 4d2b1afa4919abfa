"""Edge-camera endpoints (issue 22): one per format, the same device token
(`Authorization: Camera <token>`, alpr/devices.py) and the same service behind each.

Answers: 201 when a read was stored, 200 when every read was already stored (a
redelivery) or the payload holds none by design (an agent heartbeat), 400 when nothing
was accepted, 401 without a valid camera token, 413 when the body is too large; always
with what became of each read (`reads`). A refused payload is kept with its reason.
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from alpr.devices import camera_from_request
from ingest.edge import native, openalpr, platerecognizer
from ingest.edge.common import EdgePayloadError, edge_payload_refuse, edge_reads_receive
from ingest.models import EdgeEvent
from lib.errors import error_body

CAMERA_ERROR = "unknown, inactive or revoked camera token"


def _decoded(request, form_field: str):
    """(payload, files, raw text) from a JSON body or a multipart form with the JSON in
    `form_field`; raises EdgePayloadError."""
    if request.content_type == "multipart/form-data":
        text = request.POST.get(form_field) or ""
        if not text:
            raise EdgePayloadError(f"multipart request without its '{form_field}' field")
        files = {name: request.FILES[name] for name in request.FILES}
    else:
        text = request.body.decode("utf-8", "replace")
        files = {}
    try:
        return json.loads(text), files, text
    except ValueError:
        raise EdgePayloadError("the body is not JSON") from None


def _receive(request, source: str, parse, form_field: str):
    camera = camera_from_request(request)
    try:
        raw = request.body if request.content_type != "multipart/form-data" else b""
    except RequestDataTooBig:
        outcome = edge_payload_refuse(camera=camera, source=source, raw="", request=request,
                                      reason="request body too large for a JSON payload")
        return JsonResponse({**error_body("request_too_large", outcome.event.reason),
                             "reads": [outcome.to_json()]}, status=413)
    if camera is None and not raw and not request.POST and not request.FILES:
        # Nothing was sent: nothing to keep (as a frame request without frames); the
        # refusal is logged. Whatever is sent without a valid token is kept below, so a
        # camera whose token was revoked or mistyped loses no read.
        record_access(action=Action.INGEST_EDGE_READS, request=request, outcome=AccessEvent.Outcome.DENIED,
                      data_elements={"source": source}, detail=CAMERA_ERROR + "; empty request")
        return JsonResponse(error_body("not_authenticated", "Send a valid camera token."), status=401)
    try:
        payload, files, raw = _decoded(request, form_field)
        reads = parse(payload, files)
    except EdgePayloadError as exc:
        outcome = edge_payload_refuse(camera=camera, source=source, raw=raw, request=request,
                                      reason=CAMERA_ERROR if camera is None else exc.reason)
        return JsonResponse({"reads": [outcome.to_json()]}, status=401 if camera is None else 400)
    if camera is not None and not reads:
        # By design no read (an agent heartbeat, a Frigate event without a plate): nothing to keep.
        return JsonResponse({"reads": []}, status=200)
    outcomes = edge_reads_receive(camera=camera, reads=reads, source=source, raw=raw,
                                  camera_error="" if camera else CAMERA_ERROR, request=request)
    body = {"reads": [o.to_json() for o in outcomes]}
    if camera is None:
        return JsonResponse({**error_body("not_authenticated", "Send a valid camera token."), **body}, status=401)
    if any(o.created and o.event.status == EdgeEvent.Status.ACCEPTED for o in outcomes):
        return JsonResponse(body, status=201)
    if all(not o.created for o in outcomes):
        return JsonResponse(body, status=200)
    return JsonResponse(body, status=400)


@csrf_exempt  # device-token authenticated: no browser session, no cookie to forge
@require_POST
def camera_reads(request):
    """The project's JSON (ingest/edge/native.py)."""
    return _receive(request, EdgeEvent.Source.NATIVE, native.parse, "reads")


@csrf_exempt
@require_POST
def camera_reads_openalpr(request):
    """OpenALPR / Rekor agent webhook (ingest/edge/openalpr.py)."""
    return _receive(request, EdgeEvent.Source.OPENALPR, openalpr.parse, "json")


@csrf_exempt
@require_POST
def camera_reads_platerecognizer(request):
    """Plate Recognizer Stream and Snapshot webhooks (ingest/edge/platerecognizer.py)."""
    return _receive(request, EdgeEvent.Source.PLATERECOGNIZER, platerecognizer.parse, "json")
