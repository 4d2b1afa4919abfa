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
    The same frame from the same camera twice is one job (unique camera + sha256).
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

    camera = models.ForeignKey("alpr.Camera", on_delete=models.PROTECT, null=True, blank=True, related_name="jobs")
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
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(blank=True, help_text="Why it was rejected, or the error it failed with.")
    reads_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    processing_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            # Idempotent intake: a camera re-sending a frame makes no second job.
            models.UniqueConstraint(fields=["camera", "sha256"], name="one_job_per_camera_frame"),
        ]
        indexes = [
            # The sweeper: WHERE status IN ('received', 'processing') AND received_at / started_at < ...
            models.Index(fields=["status", "received_at"], name="job_status_time"),
            # The upload page: my recent jobs.
            models.Index(fields=["submitted_by", "received_at"], name="job_submitter_time"),
        ]

    def __str__(self):
        return f"Frame job #{self.pk} ({self.get_status_display()})"
