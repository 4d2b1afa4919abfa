from django import forms
from django.contrib import admin, messages

from accesslog.models import ConfigurationChange
from alpr.models import (
    Camera,
    CameraSiteAttestation,
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
    ShiftCheck,
    StopReport,
)
from alpr.selectors.cameras import current_attestation
from alpr.services.cameras import (
    camera_go_live_problem,
    camera_go_live_refused,
    camera_issue_token,
    camera_revoke_token,
    camera_site_attest,
)
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

    list_display = ["name", "kind", "agency", "data_source", "latitude", "longitude", "active", "right_of_way",
                    "token_prefix",
                    "token_revoked_at"]
    list_filter = ["kind", "agency", "active"]
    search_fields = ["name", "description"]
    readonly_fields = ["token_prefix", "token_issued_at", "token_revoked_at", "right_of_way"]
    actions = ["issue_token", "revoke_token"]

    @admin.display(description="Right-of-way attestation (CAM-1)")
    def right_of_way(self, obj):
        if obj.kind != Camera.Kind.FIXED:
            return "—"
        attestation = current_attestation(obj) if obj.pk else None
        if attestation is None:
            return "NOT ATTESTED at this position"
        return (f"{attestation.attested_at:%Y-%m-%d} by {attestation.attested_by}; signage: "
                f"{attestation.signage_location}")

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)

        class CameraForm(base):
            def clean(self):
                # CAM-1: a fixed camera goes live only with a right-of-way attestation at its position.
                cleaned = super().clean()
                probe = Camera(pk=self.instance.pk, kind=cleaned.get("kind"), active=cleaned.get("active", False),
                               latitude=cleaned.get("latitude"), longitude=cleaned.get("longitude"),
                               name=cleaned.get("name") or self.instance.name)
                problem = camera_go_live_problem(probe)
                if problem:
                    camera_go_live_refused(camera=probe, by=request.user, reason=problem, request=request)
                    raise forms.ValidationError(problem)
                return cleaned

        return CameraForm

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


class SiteAttestationForm(forms.ModelForm):
    # The box must be ticked: a camera that sees private property is re-aimed, not attested.
    public_right_of_way = forms.BooleanField(
        required=True, label="Views only the public right of way",
        help_text="I have checked on site that the camera sees only the public right of way and other public "
                  "property (policy 002, DGO I-12 §3.1).")

    class Meta:
        model = CameraSiteAttestation
        fields = ["camera", "public_right_of_way", "field_of_view", "signage_location", "note"]

    def _post_clean(self):
        pass  # the service builds and validates the row (the position comes from the camera)


@admin.register(CameraSiteAttestation)
class CameraSiteAttestationAdmin(admin.ModelAdmin):
    """CAM-1: who attested a fixed camera's site, when, at which position, and where its
    signage is (003 §418.8). Added through the service; never edited afterwards."""

    form = SiteAttestationForm
    list_display = ["camera", "attested_at", "attested_by", "latitude", "longitude", "signage_location"]
    list_filter = ["camera__agency"]
    search_fields = ["camera__name", "signage_location"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in self.model._meta.fields]

    def get_queryset(self, request):
        # Each agency's administrator sees and attests its own cameras (deny by default).
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(camera__agency_id=request.user.agency_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "camera":
            cameras = Camera.objects.filter(kind=Camera.Kind.FIXED, latitude__isnull=False, longitude__isnull=False)
            if not request.user.is_superuser:
                cameras = cameras.filter(agency_id=request.user.agency_id)
            kwargs["queryset"] = cameras
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = camera_site_attest(camera=data["camera"], by=request.user, request=request,
                                   public_right_of_way=data["public_right_of_way"],
                                   field_of_view=data["field_of_view"], signage_location=data["signage_location"],
                                   note=data.get("note", ""))
        for field in saved._meta.concrete_fields:  # the admin's own log and redirect read obj
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False


@admin.register(ShiftCheck)
class ShiftCheckAdmin(RecordAdmin):
    """CAM-1: start-of-shift checks, recorded by officers on the shift-check page."""

    list_display = ["camera", "checked_at", "checked_by", "camera_working", "aimed", "lens_clean", "time_synced"]
    list_filter = ["camera__agency", "camera"]


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
