from django.contrib import admin

from audits.models import AccessEvent
from config.admin_base import RecordAdmin


@admin.register(AccessEvent)
class AccessEventAdmin(RecordAdmin):
    """Read-only: the access log is append-only (AU-1)."""

    list_display = ["occurred_at", "username", "agency_name", "action", "object_type", "object_id",
                    "purpose", "case_number", "outcome"]
    list_filter = ["outcome", "action"]
    search_fields = ["username", "case_number", "object_id", "purpose"]
    date_hierarchy = "occurred_at"
    list_select_related = ["user", "agency"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
