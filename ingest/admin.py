from django.contrib import admin

from config.admin_base import RecordAdmin
from ingest.models import CameraSilence, EdgeEvent, FrameJob


@admin.register(FrameJob)
class FrameJobAdmin(RecordAdmin):
    list_display = ["pk", "camera", "source", "received_at", "status", "reads_count", "attempts", "reason"]
    list_filter = ["status", "source", "camera"]
    search_fields = ["sha256", "original_name"]


@admin.register(EdgeEvent)
class EdgeEventAdmin(RecordAdmin):
    """Issue 22: what edge cameras sent, refused payloads with their reasons."""

    list_display = ["pk", "camera", "source", "received_at", "status", "plate", "reason"]
    list_filter = ["status", "source", "camera"]
    search_fields = ["event_key", "payload_sha256", "plate"]


@admin.register(CameraSilence)
class CameraSilenceAdmin(RecordAdmin):
    """CAM-1: silent-camera alarms, raised and cleared by the periodic check (ingest/health.py)."""

    list_display = ["camera", "raised_at", "last_activity_at", "cleared_at", "resumed_at"]
    list_filter = [("cleared_at", admin.EmptyFieldListFilter), "camera__kind"]
