from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


def frame_upload_to(instance, filename):
    day = (instance.received_at or timezone.now()).strftime("%Y/%m/%d")
    return f"frames/{day}/{filename}"


class FrameJob(models.Model):
    """One frame received from a camera or an upload (RD-2), and what became of it.

    Every received byte is kept with its SHA-256, rejected frames included (for review).
    The same frame from the same camera twice is one job (unique camera + sha256), unless
    the first was rejected.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        CAMERA = "camera", "Camera API"
        UPLOAD = "upload", "Browser upload"

    # No separate FK index: job_camera_time (camera, received_at) serves camera lookups.
    camera = models.ForeignKey("alpr.Camera", on_delete=models.PROTECT, null=True, blank=True, related_name="jobs",
                               db_index=False)
    source = models.CharField(max_length=8, choices=Source.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    captured_at = models.DateTimeField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    frame = models.FileField(upload_to=frame_upload_to, max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField(default=0)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # Issue 21 §7: what a camera that recognises vehicles sends with the frame (optional),
    # stored on every read of the frame as the edge formats store theirs (RD-1).
    vehicle_make = models.CharField(max_length=40, blank=True)
    vehicle_type = models.CharField("body type", max_length=30, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(blank=True, help_text="Why it was rejected, or the error it failed with.")
    reads_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    # The delivery (Celery task id) that claimed the job (ingest.services.frame_claim).
    claimed_by = models.CharField(max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    processing_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            # Idempotent intake: a camera re-sending a frame makes no second job. A rejected
            # job does not count (issue 21 §4): once the camera or the capture time is
            # corrected the same image may be sent again, and the rejection stays on record.
            models.UniqueConstraint(fields=["camera", "sha256"], condition=~models.Q(status="rejected"),
                                    name="one_live_job_per_camera_frame"),
        ]
        indexes = [
            # The sweeper: WHERE status IN ('received', 'processing') AND received_at / started_at < ...
            models.Index(fields=["status", "received_at"], name="job_status_time"),
            # CAM-1 silent-camera check: WHERE camera_id = %s ORDER BY received_at DESC LIMIT 1.
            models.Index(fields=["camera", "received_at"], name="job_camera_time"),
            # The upload page: my recent jobs.
            models.Index(fields=["submitted_by", "received_at"], name="job_submitter_time"),
        ]

    def __str__(self):
        return f"Frame job #{self.pk} ({self.get_status_display()})"


class EdgeEvent(models.Model):
    """One read sent by an edge camera (a camera that reads plates itself: OpenALPR /
    Rekor agents, Plate Recognizer, Frigate, or the project's own JSON), or one payload
    that yielded no read, and what became of it (RD-1, RD-2; issue 22).

    Every payload received is kept: an accepted read's item without its images (they are
    on the read), a refused one whole up to ALPR_EDGE_PAYLOAD_KEEP_BYTES with the SHA-256
    and size of all of it, and the reason. Idempotent: one accepted event per (camera,
    source, event key), the key being the vendor's event id or the SHA-256 of the
    normalised read. The retention purge removes events with their reads (RT-1).
    """

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        NATIVE = "native", "Project JSON"
        OPENALPR = "openalpr", "OpenALPR / Rekor agent"
        PLATERECOGNIZER = "platerecognizer", "Plate Recognizer"
        FRIGATE = "frigate", "Frigate (MQTT)"

    # No separate FK index: one_accepted_edge_event (camera, source, event_key) serves
    # camera lookups of accepted events, and every index costs the intake (issue 22).
    camera = models.ForeignKey("alpr.Camera", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="edge_events", db_index=False)
    source = models.CharField(max_length=16, choices=Source.choices)
    event_key = models.CharField(max_length=120, blank=True,
                                 help_text="The vendor's event id, or sha256:<hash of the normalised read>.")
    received_at = models.DateTimeField(default=timezone.now)
    captured_at = models.DateTimeField(null=True, blank=True)
    plate = models.CharField(max_length=40, blank=True, help_text="As sent, for review of refused reads.")
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.TextField(blank=True, help_text="Why it was refused.")
    payload = models.TextField(blank=True, help_text="What was sent (images of accepted reads left out).")
    payload_sha256 = models.CharField(max_length=64, blank=True)
    payload_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            # Idempotent intake: a camera re-sending a read (vendor retries, MQTT redelivery)
            # makes no second read. Refused attempts are all kept, hence the condition.
            models.UniqueConstraint(fields=["camera", "source", "event_key"], condition=models.Q(status="accepted"),
                                    name="one_accepted_edge_event"),
        ]
        indexes = [
            # The retention purge: WHERE received_at < cutoff (RT-1).
            models.Index(fields=["received_at"], name="edge_event_received"),
            # Review of refused payloads: WHERE status = 'rejected' ORDER BY received_at DESC;
            # partial, so accepted reads (nearly all) do not pay for it.
            models.Index(fields=["received_at"], condition=models.Q(status="rejected"), name="edge_event_rejected"),
        ]

    def __str__(self):
        return f"Edge event #{self.pk} {self.source} ({self.get_status_display()})"


class CameraSilence(models.Model):
    """CAM-1: a camera that has gone silent during its expected operation: no frame and no
    read for ALPR_CAMERA_SILENT_MINUTES (ingest/health.py). Raised by the periodic check to
    the ALPR Administrator, cleared by the same check when frames resume; both are in the
    access log. Expected operation: an active fixed camera or trailer always; a mobile unit
    from its start-of-shift check (001 Alameda §(b)4) for ALPR_SHIFT_CHECK_HOURS. A mobile
    unit silent across shifts also breaks Hayward's transfer rule (001 §429.5(c): "not to
    exceed 30 days between transfers"); this alarm names it long before."""

    camera = models.ForeignKey("alpr.Camera", on_delete=models.PROTECT, related_name="silences", db_index=False)
    raised_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(null=True, blank=True, help_text="The last frame or read before it.")
    cleared_at = models.DateTimeField(null=True, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True, help_text="The first frame or read after it.")

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            # One open alarm per camera: two checks running together raise it once.
            models.UniqueConstraint(fields=["camera"], condition=models.Q(cleared_at__isnull=True),
                                    name="one_open_silence_per_camera"),
        ]
        indexes = [models.Index(fields=["camera", "raised_at"], name="silence_camera_time")]

    def __str__(self):
        return f"{self.camera} silent since {self.raised_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None
