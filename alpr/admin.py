from django.contrib import admin, messages

from accesslog.models import ConfigurationChange
from alpr.models import (
    Camera,
    DataSource,
    DispositionCode,
    Hit,
    HitStatusChange,
    HitUserObjectPermission,
    LegalHold,
    LegalHoldEvent,
    PurgeRun,
    Read,
    ReadDailyTally,
    Search,
    StopReport,
)
from alpr.services.cameras import camera_issue_token, camera_revoke_token
from config.admin_base import ConfigurationAlarmAdmin, ObjectPermissionAdmin, RecordAdmin, WorkflowHistoryInline


@admin.register(DataSource)
class DataSourceAdmin(ConfigurationAlarmAdmin, admin.ModelAdmin):
    """RT-4: the sources reads come from (a regional centre, a group of cameras); their
    retention is set on the retention schedule page by the ALPR Administrator."""

    alarm_kind, alarm_what = ConfigurationChange.Kind.RETENTION, "Data source"
    alarm_fields = ["name", "description"]
    list_display = ["name", "description"]


@admin.register(Camera)
class CameraAdmin(ConfigurationAlarmAdmin, admin.ModelAdmin):
    # Issue 19 §6: a camera added, switched on or moved watches somewhere new.
    alarm_kind, alarm_what = ConfigurationChange.Kind.CAMERA, "Camera"
    # RT-4: a camera moved to another data source keeps its reads for that source's retention.
    alarm_fields = ["name", "kind", "agency", "description", "latitude", "longitude", "active", "data_source"]

    def alarm_weakens(self, before, after):
        if not after or not after["active"]:
            return False
        return (not before or not before["active"]
                or (before["latitude"], before["longitude"]) != (after["latitude"], after["longitude"]))

    list_display = ["name", "kind", "agency", "data_source", "latitude", "longitude", "active", "token_prefix",
                    "token_revoked_at"]
    list_filter = ["kind", "agency", "active"]
    search_fields = ["name", "description"]
    readonly_fields = ["token_prefix", "token_issued_at", "token_revoked_at"]
    actions = ["issue_token", "revoke_token"]

    @admin.action(description="Issue a new device token (rotates; shown once)", permissions=["change"])
    def issue_token(self, request, queryset):
        for camera in queryset:
            token = camera_issue_token(camera=camera, by=request.user, request=request)
            messages.warning(request, f"{camera.name}: new device token {token} (copy it now; it is not stored).")

    @admin.action(description="Revoke the device token", permissions=["change"])
    def revoke_token(self, request, queryset):
        for camera in queryset:
            camera_revoke_token(camera=camera, by=request.user, request=request)
        messages.success(request, f"Revoked {queryset.count()} token(s).")


@admin.register(Read)
class ReadAdmin(admin.ModelAdmin):
    """Reads are evidence: viewable by staff with permission, never edited here."""

    list_display = ["plate", "state", "captured_at", "camera", "confidence", "uploaded_at"]
    list_filter = ["camera"]
    date_hierarchy = "captured_at"
    list_select_related = ["camera"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class HitStatusChangeInline(WorkflowHistoryInline):
    model = HitStatusChange


@admin.register(Hit)
class HitAdmin(admin.ModelAdmin):
    list_display = ["plate", "status", "is_covert", "camera", "captured_at", "created_at"]
    list_filter = ["status", "is_covert", "match_kind"]
    inlines = [HitStatusChangeInline]
    readonly_fields = [f.name for f in Hit._meta.fields]

    def get_queryset(self, request):
        # HT-4: covert hits stay with the responsible investigator, in the admin too.
        from alpr.selectors.hits import hits_visible_to

        return hits_visible_to(request.user)


@admin.register(Search)
class SearchAdmin(RecordAdmin):
    list_display = ["created_at", "user", "purpose", "offence_category", "case_number", "status", "flagged_for_audit",
                    "result_count"]
    list_filter = ["status", "purpose", "flagged_for_audit"]
    search_fields = ["case_number", "user__username"]


@admin.register(DispositionCode)
class DispositionCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "active"]


@admin.register(StopReport)
class StopReportAdmin(admin.ModelAdmin):
    list_display = ["hit", "responding_member", "case_number", "disposition", "responded_at"]
    list_filter = ["disposition"]
    readonly_fields = ["documented_by", "documented_at"]


@admin.register(HitUserObjectPermission)
class HitUserObjectPermissionAdmin(ObjectPermissionAdmin):
    """Who may see which covert hit (HT-4): granted by the system when the hit is raised."""


class LegalHoldEventInline(WorkflowHistoryInline):
    model = LegalHoldEvent


@admin.register(LegalHold)
class LegalHoldAdmin(RecordAdmin):
    inlines = [LegalHoldEventInline]
    list_display = ["pk", "case_number", "reason", "status", "placed_by", "placed_at", "review_on"]
    list_filter = ["status", "reason"]
    exclude = ["reads"]


@admin.register(ReadDailyTally)
class ReadDailyTallyAdmin(RecordAdmin):
    """AU-4: per-day read counts kept after the purge, for the annual report."""

    list_display = ["day", "camera", "reads", "tallied_at"]
    date_hierarchy = "day"


@admin.register(PurgeRun)
class PurgeRunAdmin(RecordAdmin):
    list_display = ["started_at", "finished_at", "cutoff", "dry_run", "reads_deleted", "images_deleted",
                    "held_reads_kept"]

    def has_delete_permission(self, request, obj=None):
        return False
