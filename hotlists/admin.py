from django.contrib import admin

from accesslog.models import ConfigurationChange
from config.admin_base import (
    AppendOnlyAdmin,
    ConfigurationAlarmAdmin,
    ObjectPermissionAdmin,
    RecordAdmin,
    WorkflowHistoryInline,
)
from hotlists.matching import bump_version
from hotlists.models import (
    FeedImport,
    Hotlist,
    HotlistEntry,
    HotlistEntryRequest,
    HotlistEntryUserObjectPermission,
    HotlistRequestEvent,
    MatcherVersion,
)
from hotlists.services.entries import HOTLIST_FIELDS, hotlist_weakens


class BumpsMatcher:
    """Edits made in the admin reach every process's matcher too."""

    def _bump(self):
        bump_version()
        bump_version(external=True)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._bump()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._bump()


@admin.register(Hotlist)
class HotlistAdmin(ConfigurationAlarmAdmin, BumpsMatcher, admin.ModelAdmin):
    """The model's clean() refuses to enable a source HL-1 does not permit (issue 19 §5),
    so the admin form shows that error; every save is a recorded configuration change (§6)."""

    list_display = ["name", "source", "kind", "is_external", "purpose", "active"]
    list_filter = ["source", "kind", "is_external", "active"]
    alarm_kind, alarm_fields, alarm_what = ConfigurationChange.Kind.HOTLIST, HOTLIST_FIELDS, "Hot list"

    def alarm_weakens(self, before, after):
        return hotlist_weakens(before, after)


@admin.register(HotlistEntry)
class HotlistEntryAdmin(BumpsMatcher, admin.ModelAdmin):
    list_display = ["plate", "pattern", "state", "hotlist", "status", "expires_at", "responsible"]
    list_filter = ["status", "hotlist"]
    search_fields = ["plate", "reference", "case_number"]
    raw_id_fields = ["responsible"]
    show_full_result_count = False

    def get_queryset(self, request):
        # HT-4: covert entries stay with their investigator, in the admin lists too.
        from hotlists.selectors import entries_visible_to

        return entries_visible_to(request.user, super().get_queryset(request))


class HotlistRequestEventInline(WorkflowHistoryInline):
    model = HotlistRequestEvent


@admin.register(HotlistEntryRequest)
class HotlistEntryRequestAdmin(RecordAdmin):
    """Read-only here: requests move only through the workflow (hotlists/services/entries.py)."""

    list_display = ["pk", "plate", "pattern", "state", "hotlist", "requester", "status", "entered_at", "expires_at"]
    list_filter = ["status", "hotlist"]
    search_fields = ["plate", "case_number", "requester__username"]
    inlines = [HotlistRequestEventInline]

    def get_queryset(self, request):
        from hotlists.selectors import requests_visible_to

        return requests_visible_to(request.user, super().get_queryset(request))


@admin.register(FeedImport)
class FeedImportAdmin(RecordAdmin):
    list_display = ["hotlist", "file_name", "status", "started_at", "rows_read", "added", "removed", "rejected_count",
                    "dropped_count", "dropped_categories"]
    list_filter = ["status", "hotlist"]

    @admin.display(description="Dropped by category (issue 19 §5)")
    def dropped_categories(self, obj):
        return ", ".join(f"{c}: {t['count']}" for c, t in (obj.dropped_by_category or {}).items()) or "—"


@admin.register(MatcherVersion)
class MatcherVersionAdmin(AppendOnlyAdmin):
    """The matcher's cache counter: written by the hot-list services only (HT-1)."""

    list_display = ["version", "external_version", "changed_at"]


@admin.register(HotlistEntryUserObjectPermission)
class HotlistEntryUserObjectPermissionAdmin(ObjectPermissionAdmin):
    """Who may see which covert entry (HT-4): granted when the entry is approved."""
