from django.contrib import admin

from config.admin_base import RecordAdmin
from ingest.models import FrameJob


@admin.register(FrameJob)
class FrameJobAdmin(RecordAdmin):
    list_display = ["pk", "camera", "source", "received_at", "status", "reads_count", "attempts", "reason"]
    list_filter = ["status", "source", "camera"]
    search_fields = ["sha256", "original_name"]
