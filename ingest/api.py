"""Camera intake: POST frames with a device token; answered at once with job ids, the work
happens in Celery (RD-2). Every frame received is kept, rejected ones with the reason."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alpr.devices import camera_from_request
from alpr.models import Camera
from ingest.models import FrameJob
from ingest.services import frame_receive
from lib.errors import error_body


def _job_json(job: FrameJob, created: bool) -> dict:
    return {"id": job.pk, "status": job.status, "reason": job.reason, "sha256": job.sha256, "duplicate": not created}


@csrf_exempt  # device-token authenticated: no browser session, no cookie to forge
@require_POST
def camera_frames(request):
    """multipart/form-data: one or more `frame` files, `captured_at` (ISO 8601 with zone;
    one for all frames or one per frame, in order), and for mobile units `latitude` and
    `longitude`; optionally `vehicle_make` and `vehicle_type` (body type) from cameras that
    recognise vehicles (issue 21 §7), for all the frames of the request. 202 with the jobs
    when any frame was accepted; otherwise 400 (bad frames)
    or 401 (camera token), still with the jobs that keep the bytes."""
    camera: Camera | None = camera_from_request(request)
    camera_error = "" if camera is not None else "unknown, inactive or revoked camera token"
    files = request.FILES.getlist("frame")
    if not files:
        return JsonResponse(error_body("no_frames", "Send one or more files in the 'frame' field."),
                            status=401 if camera is None else 400)
    if len(files) > settings.ALPR_INGEST_MAX_FRAMES_PER_REQUEST:
        return JsonResponse(error_body("too_many_frames",
                                       f"At most {settings.ALPR_INGEST_MAX_FRAMES_PER_REQUEST} frames per request."),
                            status=400)
    times = request.POST.getlist("captured_at")
    jobs = []
    for i, upload in enumerate(files):
        raw_time = times[i] if i < len(times) else (times[0] if len(times) == 1 else "")
        captured_at = parse_datetime(raw_time) if raw_time else None
        job, created = frame_receive(
            camera=camera, data=upload.read(), source=FrameJob.Source.CAMERA, captured_at=captured_at,
            size=upload.size, sha256=getattr(upload, "sha256", None),
            original_name=upload.name, content_type=upload.content_type,
            latitude=request.POST.get("latitude"), longitude=request.POST.get("longitude"),
            camera_error=camera_error,
            vehicle_make=request.POST.get("vehicle_make", ""), vehicle_type=request.POST.get("vehicle_type", ""),
        )
        if raw_time and captured_at is None and job.status == FrameJob.Status.REJECTED and not job.reason:
            job.reason = "capture time is not an ISO 8601 date-time"
        jobs.append(_job_json(job, created))
    accepted = [j for j in jobs if j["status"] != FrameJob.Status.REJECTED]
    if camera is None:
        status = 401
    elif accepted:
        status = 202
    else:
        status = 400
    return JsonResponse({"jobs": jobs}, status=status)
