from django.contrib import admin

from accesslog.models import ConfigurationChange
from config.admin_base import ConfigurationAlarmAdmin, RecordAdmin
from hotlists.sources.models import HotlistSource, PullRecord
from hotlists.sources.services import SOURCE_FIELDS, source_pull_soon

# Where the list comes from and who vouches for the server: a change there can hand the
# department another list (or an impostor's), so it alarms like a widened permission.
_TRUST_FIELDS = ("kind", "url", "ca_bundle_path", "host", "port", "path", "host_key_fingerprint", "hotlist")


@admin.register(HotlistSource)
class HotlistSourceAdmin(ConfigurationAlarmAdmin, admin.ModelAdmin):
    """HL-2: where each downloaded list is pulled from. Secrets are not entered here: the
    form takes the names of environment variables and file paths. Every save is a recorded
    configuration change (issue 19 §6)."""

    list_display = ["hotlist", "kind", "enabled", "interval_hours", "layout", "last_success_at", "next_attempt_at",
                    "failed_attempts", "stale"]
    list_filter = ["kind", "enabled", "layout"]
    readonly_fields = ["next_attempt_at", "failed_attempts", "last_attempt_at", "last_success_at", "stale_since",
                       "created_at"]
    alarm_kind, alarm_fields, alarm_what = ConfigurationChange.Kind.HOTLIST, SOURCE_FIELDS, "Hot-list source"
    actions = ["pull_soon"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # a list is never fetched in the clear
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.action(description="Pull at the next check (within 5 minutes)", permissions=["change"])
    def pull_soon(self, request, queryset):
        for source in queryset.select_related("hotlist"):
            source_pull_soon(source=source, by=request.user, request=request)
        self.message_user(request, f"{queryset.count()} source(s) will be pulled within 5 minutes; see Pull records.")

    @admin.display(description="Stale (HL-2)", boolean=False)
    def stale(self, obj):
        return f"STALE since {obj.stale_since:%Y-%m-%d %H:%M}" if obj.stale_since else "—"

    def alarm_weakens(self, before, after):
        if not before or not after:
            return True
        if before.get("enabled") and not after.get("enabled"):
            return True  # the list stops being refreshed
        if (after.get("interval_hours") or 0) > (before.get("interval_hours") or 0):
            return True
        return any(before.get(name) != after.get(name) for name in _TRUST_FIELDS)


@admin.register(PullRecord)
class PullRecordAdmin(RecordAdmin):
    list_display = ["source", "started_at", "attempt", "outcome", "size_bytes", "duration_ms", "rows", "added",
                    "removed", "next_attempt_at", "error_start"]
    list_filter = ["outcome", "source"]
    list_select_related = ["source__hotlist", "feed_import"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="rows")
    def rows(self, obj):
        return obj.feed_import.rows_read if obj.feed_import_id else "—"

    @admin.display(description="added")
    def added(self, obj):
        return obj.feed_import.added if obj.feed_import_id else "—"

    @admin.display(description="removed")
    def removed(self, obj):
        return obj.feed_import.removed if obj.feed_import_id else "—"

    @admin.display(description="error")
    def error_start(self, obj):
        return obj.error[:120]
