from django.contrib import admin

from config.admin_base import RecordAdmin
from ingest.models import EdgeEvent, FrameJob


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
