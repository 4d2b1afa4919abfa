from django.contrib import admin

from ingest.models import FrameJob


@admin.register(FrameJob)
class FrameJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "camera", "source", "received_at", "status", "reads_count", "attempts", "reason"]
    list_filter = ["status", "source", "camera"]
    search_fields = ["sha256", "original_name"]
    readonly_fields = [f.name for f in FrameJob._meta.fields]

    def has_add_permission(self, request):
        return False
