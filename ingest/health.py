"""CAM-1 (issue 20): the silent-camera alarm. A camera that sends no frame and no read for
ALPR_CAMERA_SILENT_MINUTES while it is expected to be working raises an alarm to the ALPR
Administrator (in-app notice, dashboard count, access log); the same periodic check
clears it when frames resume. Expected operation: an active fixed camera or trailer
always; an active mobile unit from its passed start-of-shift check (001 Alameda §(b)4)
for the shift (ALPR_SHIFT_CHECK_HOURS), so a unit parked between shifts raises nothing.

Raising is a compare-and-swap on the partial unique constraint (one open alarm per
camera) and clearing is a conditional UPDATE whose row count says who cleared it, so two
checks running together (two beat schedulers by mistake, a manual run) act once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from alpr.models import Camera, Read, ShiftCheck
from ingest.models import CameraSilence, FrameJob

logger = logging.getLogger(__name__)


@dataclass
class SilenceCheck:
    raised: list[CameraSilence] = field(default_factory=list)
    cleared: list[CameraSilence] = field(default_factory=list)


def last_activity(camera: Camera) -> datetime | None:
    """The camera's latest frame received or read captured (served by the indexes
    read_camera_time and job_camera_time)."""
    read = Read.objects.filter(camera=camera).order_by("-captured_at").values_list("captured_at", flat=True).first()
    frame = (FrameJob.objects.filter(camera=camera).order_by("-received_at")
             .values_list("received_at", flat=True).first())
    seen = [t for t in (read, frame) if t is not None]
    return max(seen) if seen else None


def expected_since(camera: Camera, *, now: datetime) -> datetime | None:
    """Since when the camera has been expected to send (None: it is not expected now).
    A fixed camera or trailer: since its device credential was issued (it cannot send
    before); a mobile unit: since this shift's passed start-of-shift check."""
    if not camera.active:
        return None
    if camera.kind != Camera.Kind.MOBILE:
        return camera.token_issued_at
    return (ShiftCheck.objects.filter(
        camera=camera, checked_at__lte=now, checked_at__gt=now - timedelta(hours=settings.ALPR_SHIFT_CHECK_HOURS),
        camera_working=True, aimed=True, lens_clean=True, time_synced=True)
        .order_by("-checked_at").values_list("checked_at", flat=True).first())


def _tell_administrators(*, key: str, subject: str, message: str) -> None:
    from accounts import roles
    from accounts.services import notify_role_holders

    notify_role_holders(role_names=(roles.ADMINISTRATOR,), key=key, subject=subject, message=message)


def check_silent_cameras(*, now: datetime | None = None) -> SilenceCheck:
    now = now or timezone.now()
    period = timedelta(minutes=settings.ALPR_CAMERA_SILENT_MINUTES)
    result = SilenceCheck()
    open_alarms = {a.camera_id: a for a in CameraSilence.objects.filter(cleared_at__isnull=True)}
    for camera in Camera.objects.filter(active=True).select_related("agency"):
        seen = last_activity(camera)
        alarm = open_alarms.pop(camera.pk, None)
        if alarm is not None:
            if seen is not None and (alarm.last_activity_at is None or seen > alarm.last_activity_at):
                silence_clear(alarm, resumed_at=seen, now=now, result=result)
            continue
        since = expected_since(camera, now=now)
        if camera.kind == Camera.Kind.MOBILE:
            if since is None:
                continue  # between shifts: a parked unit is not silent
            reference = max(since, seen) if seen is not None else since
        else:
            # A fixed camera or trailer with no credential yet cannot send: nothing to expect.
            reference = seen if seen is not None else since
            if reference is None:
                continue
        if now - reference >= period:
            silence_raise(camera, last=seen, now=now, result=result)
    # Alarms of cameras switched off meanwhile: a frame from them still clears the alarm.
    for alarm in open_alarms.values():
        seen = last_activity(alarm.camera)
        if seen is not None and (alarm.last_activity_at is None or seen > alarm.last_activity_at):
            silence_clear(alarm, resumed_at=seen, now=now, result=result)
    return result


def silence_raise(camera: Camera, *, last: datetime | None, now: datetime, result: SilenceCheck | None = None) -> None:
    try:
        with transaction.atomic():
            alarm = CameraSilence.objects.create(camera=camera, raised_at=now, last_activity_at=last)
            when = timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "never"
            record_access(action=Action.CAMERA_SILENT, object_type="camera", object_id=camera.pk,
                          data_elements={"camera": camera.name, "kind": camera.kind, "last_activity": when,
                                         "alarm": alarm.pk, "minutes": settings.ALPR_CAMERA_SILENT_MINUTES})
            _tell_administrators(
                key=f"camera-silent-{alarm.pk}", subject="ALPR camera silent",
                message=f"The camera {camera.name} ({camera.get_kind_display().lower()}) has sent no frame or read "
                        f"for more than {settings.ALPR_CAMERA_SILENT_MINUTES} minutes while it should be working "
                        f"(last: {when}). Check its power, network and aim (CAM-1).")
    except IntegrityError:
        return  # another check raised it first
    logger.warning("camera %s (%s) silent since %s", camera.pk, camera.name, last or "never")
    if result is not None:
        result.raised.append(alarm)


def silence_clear(alarm: CameraSilence, *, resumed_at: datetime, now: datetime, result: SilenceCheck) -> None:
    with transaction.atomic():
        if not CameraSilence.objects.filter(pk=alarm.pk, cleared_at__isnull=True).update(
                cleared_at=now, resumed_at=resumed_at):
            return  # another check cleared it
        alarm.cleared_at, alarm.resumed_at = now, resumed_at
        record_access(action=Action.CAMERA_SILENCE_CLEARED, object_type="camera", object_id=alarm.camera_id,
                      data_elements={"camera": alarm.camera.name, "alarm": alarm.pk,
                                     "resumed_at": resumed_at.isoformat()})
        _tell_administrators(
            key=f"camera-resumed-{alarm.pk}", subject="ALPR camera sending again",
            message=f"The camera {alarm.camera.name} is sending again "
                    f"({timezone.localtime(resumed_at):%Y-%m-%d %H:%M}); its silent-camera alarm is cleared.")
    logger.info("camera %s silence cleared (resumed %s)", alarm.camera_id, resumed_at)
    result.cleared.append(alarm)


def dashboard_silence_counts(user) -> list:
    """Issue 20 (registered in IngestConfig.ready): open silent-camera alarms of the
    administrator's agency."""
    from django.urls import reverse

    from accounts import roles
    from accounts.dashboard import ActionCount

    if not user.has_role(roles.ADMINISTRATOR):
        return []
    count = CameraSilence.objects.filter(cleared_at__isnull=True, camera__agency_id=user.agency_id).count()
    return [ActionCount("Silent cameras", count,
                        reverse("admin:ingest_camerasilence_changelist") + "?cleared_at__isempty=1")]
