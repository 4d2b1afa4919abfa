from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accesslog.history import WorkflowHistory


class Hotlist(models.Model):
    """HL-1: only these sources exist; a custom BOLO list must name a permitted purpose."""

    class Source(models.TextChoices):
        SVS = "svs", "Stolen Vehicle System (SVS)"
        NCIC = "ncic", "NCIC"
        DOJ_FELONY_WANTS = "doj_felony_wants", "CA DOJ felony wants"
        DOJ_STOLEN_PLATES = "doj_stolen_plates", "CA DOJ stolen plates"
        DOJ_STOLEN_VEHICLES = "doj_stolen_vehicles", "CA DOJ stolen vehicles"
        AMBER = "amber", "Amber alert"
        SILVER = "silver", "Silver alert"
        BLUE = "blue", "Blue alert"
        CUSTOM_BOLO = "custom_bolo", "Custom BOLO"
        # Issue 19 §5: subscriptions vendors offer that HL-1 does not permit. They may be
        # recorded (e.g. to show what was turned down) but never enabled.
        NCIC_IMMIGRATION = "ncic_vif", "NCIC Immigration Violator File (not permitted, HL-1)"
        NCIC_GANG = "ncic_gang", "NCIC Gang File (not permitted, HL-1)"
        OTHER = "other", "Other outside list (not permitted, HL-1)"

    EXTERNAL_SOURCES = (Source.SVS, Source.NCIC, Source.DOJ_FELONY_WANTS, Source.DOJ_STOLEN_PLATES,
                        Source.DOJ_STOLEN_VEHICLES, Source.NCIC_IMMIGRATION, Source.NCIC_GANG, Source.OTHER)

    class Kind(models.TextChoices):
        ALERT = "alert", "Alert (officers in the field are alerted)"
        COVERT = "covert", "Covert (hits go to the responsible investigator only)"

    class Purpose(models.TextChoices):
        # HL-1: custom BOLO lists pertain solely to these.
        MISSING_PERSON = "missing_person", "Missing or at-risk persons"
        WITNESS_LOCATE = "witness_locate", "Witness locates"
        BURGLARY = "burglary", "Burglaries"
        GRAND_THEFT = "grand_theft", "Grand theft"
        VIOLENT_CRIME = "violent_crime", "Violent crime investigation"

    name = models.CharField(max_length=120, unique=True)
    feed_name = models.SlugField(
        max_length=60, blank=True, help_text="External lists: the drop-folder sub-folder their files arrive in (HL-2)."
    )
    source = models.CharField(max_length=24, choices=Source.choices)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ALERT)
    is_external = models.BooleanField(default=False, help_text="Downloaded from an outside source (HL-2).")
    purpose = models.CharField(max_length=24, choices=Purpose.choices, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.source == self.Source.CUSTOM_BOLO and not self.purpose:
            raise ValidationError({"purpose": "A custom BOLO list must name its permitted purpose (HL-1)."})
        if self.source in self.EXTERNAL_SOURCES and self.kind == self.Kind.COVERT:
            raise ValidationError({"kind": "Downloaded state and federal lists are alert lists."})
        if self.active and not self.source_permitted:
            # Issue 19 §5: a subscription the policy does not permit cannot be enabled.
            raise ValidationError({"active": f"{self.get_source_display()} is not a list the policy permits (HL-1, "
                                             "ALPR_HOTLIST_PERMITTED_SOURCES); it cannot be enabled."})

    @property
    def source_permitted(self) -> bool:
        from hotlists.screening import source_permitted

        return source_permitted(self.source)

    @property
    def is_covert(self) -> bool:
        return self.kind == self.Kind.COVERT


class HotlistEntry(models.Model):
    """One plate (or partial-plate pattern, HT-5) on a list. Internal entries become
    active only by approval and never outlive `expires_at` (HL-4, HL-5)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REMOVED = "removed", "Removed"

    hotlist = models.ForeignKey(Hotlist, on_delete=models.PROTECT, related_name="entries")
    plate = models.CharField(max_length=10, blank=True, help_text="Normalized plate (A-Z, 0-9).")
    pattern = models.CharField(max_length=12, blank=True, help_text="Partial plate with * and ? (HT-5).")
    state = models.CharField(max_length=2, blank=True)
    reason = models.CharField(max_length=200, blank=True, help_text="Category or reason (stolen vehicle, ...).")
    category = models.CharField(max_length=80, blank=True,
                                help_text="Downloaded lists: the NCIC file or CA DOJ category (issue 19 §5).")
    reference = models.CharField(max_length=60, blank=True, help_text="NCIC number or source reference.")
    vehicle_description = models.CharField(max_length=200, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="hotlist_entries",
        help_text="The member who asked for the entry; covert hits go to them (HT-4).",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    active_from = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    entered_on = models.DateField(null=True, blank=True, help_text="External lists: the source's entry date.")
    major_crime = models.CharField(max_length=200, blank=True, help_text="Partial plates: the major crime (HT-5).")

    class Meta:
        ordering = ["plate"]
        verbose_name_plural = "hot-list entries"
        permissions = [("view_covert_entry", "May see this covert entry and its hits")]
        constraints = [
            models.CheckConstraint(condition=~Q(plate="") | ~Q(pattern=""), name="entry_has_plate_or_pattern"),
        ]
        indexes = [
            # The database matcher's lookup: WHERE plate = %s AND status = 'active'.
            models.Index(fields=["plate", "status"], name="entry_plate_status"),
            # The expiry task: WHERE status = 'active' AND expires_at <= now.
            models.Index(fields=["status", "expires_at"], name="entry_expiry"),
        ]

    def __str__(self):
        return f"{self.plate or self.pattern} on {self.hotlist}"

    def is_live(self, at=None) -> bool:
        """Active and inside its window, whether or not the expiry task has run yet (HL-5)."""
        at = at or timezone.now()
        return (
            self.status == self.Status.ACTIVE
            and self.active_from <= at
            and (self.expires_at is None or at < self.expires_at)
        )


class HotlistEntryRequest(models.Model):
    """HL-3..HL-5: a member asks for a plate (or partial plate) on an internal list; the
    ALPR Administrator or a designee approves it before it is active, for at most
    ALPR_HOTLIST_MAX_DAYS. The workflow lives in hotlists/services/entries.py."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved (active)"
        DISAPPROVED = "disapproved", "Disapproved"
        REMOVAL_REQUESTED = "removal_requested", "Early removal requested"
        REMOVED = "removed", "Removed early"
        EXPIRED = "expired", "Expired"
        RENEWED = "renewed", "Replaced by a renewal"

    case_number = models.CharField("investigation case / report number", max_length=64)
    plate = models.CharField(max_length=10, blank=True)
    pattern = models.CharField("partial plate", max_length=12, blank=True,
                               help_text="Partial plate from a major crime report: * any characters, ? one (HT-5).")
    major_crime = models.CharField(max_length=200, blank=True, help_text="Required with a partial plate (HT-5).")
    state = models.CharField("state of issue", max_length=2)
    vehicle_description = models.CharField(max_length=200)
    justification = models.TextField("explanation / justification")
    hotlist = models.ForeignKey(Hotlist, on_delete=models.PROTECT, related_name="requests",
                                help_text="Which internal list: alert or covert.")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hotlist_requests")
    requester_name = models.CharField(max_length=200)
    requester_serial = models.CharField(max_length=20)
    entered_at = models.DateTimeField("date and time of entry", default=timezone.now)
    renews = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # ID-3: approved by the administrator (empty) or under this designation.
    designation = models.ForeignKey("accounts.Designation", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    entry = models.OneToOneField(HotlistEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="request")
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_at"]
        indexes = [
            # The approval queue: WHERE status = 'submitted' ORDER BY entered_at.
            models.Index(fields=["status", "entered_at"], name="request_queue"),
            # The expiry task: WHERE status IN (approved, removal_requested) AND expires_at <= now.
            models.Index(fields=["status", "expires_at"], name="request_expiry"),
        ]

    def __str__(self):
        return f"Request #{self.pk}: {self.plate or self.pattern} on {self.hotlist} ({self.get_status_display()})"


class HotlistRequestEvent(WorkflowHistory):
    """History of a request: each step, who took it, when, under which authority (HL-6)."""

    request = models.ForeignKey(HotlistEntryRequest, on_delete=models.CASCADE, related_name="history")

    def __str__(self):
        return f"Request #{self.request_id}: {self.from_status or '-'} -> {self.to_status}"


class FeedImport(models.Model):
    """HL-2: one import of a downloaded list file, applied whole or not at all."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected (nothing changed)"

    hotlist = models.ForeignKey(Hotlist, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", help_text="Empty: read from the drop folder.")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices)
    error = models.TextField(blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(default=list, blank=True, help_text="[{line, reason, text}] (first 1,000).")
    rejected_count = models.PositiveIntegerField(default=0)
    # Issue 19 §5: rows dropped because the policy prohibits their category (HL-1, SH-3).
    dropped_count = models.PositiveIntegerField(default=0)
    dropped_by_category = models.JSONField(
        default=dict, blank=True, help_text="{category: {reason, count}}: rows dropped by the category screen.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.hotlist} import {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class MatcherVersion(models.Model):
    """One row. Bumped in the same transaction as any change to what can match, so every
    process's in-memory matcher knows to reload (hotlists/matching.py). Two counters: the
    downloaded lists (large, replaced daily) and internal entries (small, changed often)
    are separate tiers, so approving one entry never rebuilds the million-row tier."""

    version = models.PositiveBigIntegerField(default=0, help_text="internal entries")
    external_version = models.PositiveBigIntegerField(default=0, help_text="downloaded lists")
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"matcher version {self.version}"


# Covert entries and their hits (HT-4): direct foreign-key object permissions, not
# guardian's generic tables (which leave orphans and are slow).
from guardian.models import UserObjectPermissionBase  # noqa: E402


class HotlistEntryUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(HotlistEntry, on_delete=models.CASCADE)


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Hotlist)
auditlog.register(HotlistEntryRequest)
