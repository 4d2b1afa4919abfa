from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


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

    EXTERNAL_SOURCES = (Source.SVS, Source.NCIC, Source.DOJ_FELONY_WANTS, Source.DOJ_STOLEN_PLATES,
                        Source.DOJ_STOLEN_VEHICLES)

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

    class Meta:
        ordering = ["plate"]
        verbose_name_plural = "hot-list entries"
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


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Hotlist)
auditlog.register(HotlistEntry)
