from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from accesslog.actions import Action
from accesslog.models import AccessEvent, AccessLogVerification, ConfigurationChange, EnvironmentFingerprint
from accesslog.services import record_access
from accounts import roles
from audits import redaction
from audits.models import (
    AccessLogDigest,
    AnnualReport,
    Audit,
    AuditEvent,
    AuditItem,
    AuditPopulation,
    AuditSchedule,
    BreachEvent,
    BreachRecord,
    ComplaintRecord,
    DataCorrection,
)
from audits.services.reports import annual_report_request
from config.admin_base import AppendOnlyAdmin, ReadOnlyInline, RecordAdmin, WorkflowHistoryInline
from lib.errors import DomainError


@admin.register(AccessEvent)
class AccessEventAdmin(AppendOnlyAdmin):
    """Read-only: the access log is append-only (AU-1)."""

    list_display = ["sequence", "occurred_at", "username", "agency_name", "action", "object_type", "object_id",
                    "purpose", "case_number", "outcome"]
    list_filter = ["outcome", "action"]
    search_fields = ["username", "case_number", "object_id", "purpose"]
    date_hierarchy = "occurred_at"
    list_select_related = ["user", "agency"]

    # HT-4 (issue 18): covert entries shown redacted and not found by what they hide.
    def get_changelist(self, request, **kwargs):
        return RedactedChangeList

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            queryset = redaction.exclude_covert(queryset, request.user)
        return queryset, may_have_duplicates

    def get_object(self, request, object_id, from_field=None):
        event = super().get_object(request, object_id, from_field)
        return redaction.redact([event], request.user)[0] if event is not None else None


class RedactedChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        self.result_list = redaction.redact(self.result_list, request.user)


@admin.register(AccessLogDigest)
class AccessLogDigestAdmin(AppendOnlyAdmin):
    """The signed daily digests (issue 19): read-only, append-only."""

    list_display = ["as_of", "last_sequence", "head_hash", "published_at", "triggered_by"]


@admin.register(AccessLogVerification)
class AccessLogVerificationAdmin(RecordAdmin):
    list_display = ["started_at", "ok", "entries_checked", "last_sequence", "problem", "triggered_by"]

    def has_delete_permission(self, request, obj=None):
        return False


class AuditItemInline(ReadOnlyInline):
    model = AuditItem
    fields = ["population", "position", "object_type", "object_id", "finding", "notes", "reviewed_by", "reviewed_at"]


class AuditEventInline(WorkflowHistoryInline):
    model = AuditEvent


@admin.register(Audit)
class AuditAdmin(RecordAdmin):
    """Audits are opened, reviewed and finalised in the audit pages; shown here read-only."""

    inlines = [AuditItemInline, AuditEventInline]
    list_display = ["pk", "title", "period_start", "period_end", "status", "opened_by", "finalised_at"]
    exclude = ["memo_pdf"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "memo_pdf"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditPopulation)
class AuditPopulationAdmin(RecordAdmin):
    """AU-2 (issue 20): the population an audit sampled, stored when it opened; never edited
    (re-deriving checks it against its SHA-256)."""

    list_display = ["audit", "population", "window_start", "window_end", "size", "sha256"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditSchedule)
class AuditScheduleAdmin(admin.ModelAdmin):
    """AU-5 (issue 20): the audit cadences (San Leandro quarterly, Alameda six-monthly for
    two years then annually); the auditors are reminded when one is due or late."""

    list_display = ["name", "policy", "cadence_months", "early_cadence_months", "starts_on", "active"]
    list_filter = ["active"]


@admin.register(DataCorrection)
class DataCorrectionAdmin(RecordAdmin):
    list_display = ["pk", "item", "owner", "status", "created_at", "corrected_at"]
    list_filter = ["status"]


class _RecordedByAdmin(admin.ModelAdmin):
    """Logs kept by hand in the admin: who recorded an entry is set, not typed."""

    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class BreachEventInline(WorkflowHistoryInline):
    model = BreachEvent


@admin.register(BreachRecord)
class BreachRecordAdmin(RecordAdmin):
    """BR-1, AU-4: data breaches involving ALPR data. Shown here read-only: a breach is
    reported and moved through its workflow on the breach pages (audits/breach_views.py),
    where each step is checked, kept in its history and logged; an admin edit would skip all three."""

    inlines = [BreachEventInline]
    list_display = ["pk", "discovered_on", "summary", "status", "california_residents_affected", "notified_on",
                    "attorney_general_notified_on"]
    list_filter = ["status"]
    date_hierarchy = "discovered_on"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComplaintRecord)
class ComplaintRecordAdmin(_RecordedByAdmin):
    """AU-4: community complaints about ALPR use, for the annual report."""

    list_display = ["received_on", "summary", "outcome", "resolved_on"]
    list_filter = ["outcome"]


@admin.register(AnnualReport)
class AnnualReportAdmin(RecordAdmin):
    """AU-4: the annual report to the Privacy Advisory Commission. The changelist has a year
    selector; the ALPR Coordinator generates, everyone allowed to view downloads."""

    list_display = ["year", "status", "progress", "stage", "requested_by", "requested_at", "downloads"]
    exclude = ["pdf", "csv_zip", "html", "figures"]
    change_list_template = "admin/audits/annualreport/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in ("pdf", "csv_zip", "html", "figures")]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Outputs")
    def downloads(self, obj):
        from django.utils.html import format_html

        if obj.status != AnnualReport.Status.DONE:
            return obj.error[:100] if obj.error else "—"
        links = [(fmt, reverse("admin:audits_annualreport_download", args=[obj.pk, fmt]))
                 for fmt in ("pdf", "html", "zip")]
        return format_html('<a href="{}">PDF</a> · <a href="{}">HTML</a> · <a href="{}">CSV (ZIP)</a>',
                           *[u for _, u in links])

    def get_urls(self):
        return [
            path("generate/", self.admin_site.admin_view(self.generate_view), name="audits_annualreport_generate"),
            path("<int:pk>/download/<str:fmt>/", self.admin_site.admin_view(self.download_view),
                 name="audits_annualreport_download"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        this_year = timezone.localdate().year
        extra_context = {
            **(extra_context or {}),
            "years": list(range(this_year, this_year - 6, -1)),
            "default_year": this_year - 1,
            "can_generate": request.user.has_role(roles.COORDINATOR),
            "running": AnnualReport.objects.filter(status__in=[AnnualReport.Status.QUEUED,
                                                               AnnualReport.Status.RUNNING]).exists(),
        }
        return super().changelist_view(request, extra_context)

    def generate_view(self, request):
        if request.method != "POST":
            return redirect("admin:audits_annualreport_changelist")
        try:
            year = int(request.POST.get("year", ""))
            report = annual_report_request(user=request.user, year=year)
        except (ValueError, DomainError) as exc:
            self.message_user(request, getattr(exc, "message", "Choose a year."), messages.ERROR)
        else:
            report.refresh_from_db()
            self.message_user(request, f"Annual report {report.year}: {report.get_status_display()}.")
        return redirect("admin:audits_annualreport_changelist")

    def download_view(self, request, pk: int, fmt: str):
        if not self.has_view_permission(request):
            raise Http404
        report = AnnualReport.objects.filter(pk=pk, status=AnnualReport.Status.DONE).first()
        if report is None or fmt not in ("pdf", "html", "zip"):
            raise Http404
        record_access(action=Action.ANNUAL_REPORT_DOWNLOAD, user=request.user, request=request,
                      object_type="annual_report", object_id=report.pk, data_elements={"format": fmt})
        if fmt == "html":
            return TemplateResponse(request, "audits/annual_report_page.html", {"report": report})
        body, content_type, name = {
            "pdf": (bytes(report.pdf), "application/pdf", f"alpr-annual-report-{report.year}.pdf"),
            "zip": (bytes(report.csv_zip), "application/zip", f"alpr-annual-report-{report.year}-csv.zip"),
        }[fmt]
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@admin.register(ConfigurationChange)
class ConfigurationChangeAdmin(AppendOnlyAdmin):
    """Issue 19 §6: the configuration history, never edited or deleted here."""

    list_display = ["changed_at", "kind", "summary", "username", "source", "weakens"]
    list_filter = ["weakens", "kind", "source"]
    search_fields = ["summary", "object_repr", "username"]
    date_hierarchy = "changed_at"


@admin.register(EnvironmentFingerprint)
class EnvironmentFingerprintAdmin(AppendOnlyAdmin):
    list_display = ["digest", "recorded_at"]
