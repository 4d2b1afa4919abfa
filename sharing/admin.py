from django.contrib import admin

from config.admin_base import RecordAdmin
from sharing.models import MOU, SharingPackage, SharingRequest, SharingRequestEvent


@admin.register(MOU)
class MOUAdmin(admin.ModelAdmin):
    list_display = ["title", "agency", "starts_on", "ends_on"]


class SharingRequestEventInline(admin.TabularInline):
    model = SharingRequestEvent
    extra = 0
    can_delete = False
    readonly_fields = ["transition", "from_status", "to_status", "by", "at", "note"]


@admin.register(SharingRequest)
class SharingRequestAdmin(RecordAdmin):
    """Read-only: requests move only through the protocol (sharing/services.py)."""

    list_display = ["pk", "agency", "basis", "status", "refusal_rule", "received_on"]
    list_filter = ["status", "basis", "refusal_rule"]
    inlines = [SharingRequestEventInline]

    def get_queryset(self, request):
        from sharing.selectors import requests_visible_to

        return requests_visible_to(request.user)


@admin.register(SharingPackage)
class SharingPackageAdmin(RecordAdmin):
    list_display = ["request", "created_by", "created_at", "expires_at", "reads_count", "downloads"]
    readonly_exclude = ("file",)
    exclude = ["file"]  # downloaded only through the logged, permission-checked view
