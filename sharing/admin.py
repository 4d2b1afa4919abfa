from django.contrib import admin

from accesslog.models import ConfigurationChange
from config.admin_base import ConfigurationAlarmAdmin, RecordAdmin, WorkflowHistoryInline
from sharing.models import MOU, SharingPackage, SharingRequest, SharingRequestEvent


@admin.register(MOU)
class MOUAdmin(ConfigurationAlarmAdmin, admin.ModelAdmin):
    list_display = ["title", "agency", "starts_on", "ends_on"]
    # Issue 19 §6 (SH-6): standing access is a sharing rule; a new, longer or wider MOU widens it.
    alarm_kind, alarm_what = ConfigurationChange.Kind.SHARING, "MOU"
    alarm_fields = ["agency", "title", "scope", "starts_on", "ends_on"]

    def alarm_weakens(self, before, after):
        if not after:
            return False
        return (not before or after["ends_on"] > before["ends_on"] or after["starts_on"] < before["starts_on"]
                or after["scope"] != before["scope"] or after["agency"] != before["agency"])


class SharingRequestEventInline(WorkflowHistoryInline):
    model = SharingRequestEvent


@admin.register(SharingRequest)
class SharingRequestAdmin(RecordAdmin):
    """Read-only: requests move only through the protocol (sharing/services/requests.py)."""

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
