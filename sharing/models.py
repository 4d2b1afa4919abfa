from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accesslog.history import WorkflowHistory


class MOU(models.Model):
    """SH-6: standing access for an agency under a memorandum of understanding."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="mous")
    title = models.CharField(max_length=200)
    scope = models.TextField(help_text="What data the MOU covers, for which purposes.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    document = models.FileField(upload_to="private/mous/%Y/", blank=True)

    class Meta:
        verbose_name = "MOU"
        ordering = ["-ends_on"]

    def __str__(self):
        return f"{self.title} ({self.agency}, {self.starts_on} to {self.ends_on})"

    def is_current(self, on_date) -> bool:
        return self.starts_on <= on_date <= self.ends_on


class SharingRequest(models.Model):
    """SH-1..SH-7: a request for ALPR data from another party, and what became of it.
    The workflow (refusals the law requires, the 3-step protocol) is in sharing/services/requests.py."""

    class Basis(models.TextChoices):
        LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (subpoena, court order, warrant) — SH-1"
        VOLUNTARY = "voluntary", "Written request from a California law-enforcement agency — SH-2"
        MOU = "mou", "Standing access under a current MOU — SH-6"

    class Instrument(models.TextChoices):
        SUBPOENA = "subpoena", "Subpoena"
        COURT_ORDER = "court_order", "Court order"
        WARRANT = "warrant", "Warrant"

    class ReceivedVia(models.TextChoices):
        LETTER = "letter", "Written letter"
        EMAIL = "email", "E-mail"
        PORTAL = "portal", "Portal"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        REFUSED = "refused", "Refused by law (automatic)"
        ROUTED_TO_RECORDS = "routed_to_records", "Routed to Records (public-records request)"
        RIGHT_NEED_DOCUMENTED = "right_need_documented", "Step 1: right and need to know documented"
        RECORDED = "recorded", "Step 2: requester and justification recorded"
        HONOURED = "honoured", "Step 3: honoured"
        DENIED = "denied", "Step 3: denied"

    class RefusalRule(models.TextChoices):
        OUT_OF_STATE = "out_of_state", "Agency outside California (Civil Code 1798.90.55)"
        FEDERAL = "federal", "Federal agency (Civil Code 1798.90.55)"
        IMMIGRATION = "immigration", "Federal immigration enforcement (Gov. Code 7284 et seq.)"
        REPRODUCTIVE_HEALTH = "reproductive_health", "Reproductive health care prosecution (DGO I-12 C.3(6))"
        PROHIBITED_USE = "prohibited_use", "Another use Q-6 prohibits (privacy, harassment, protected " \
                                           "characteristic, personal use, First Amendment)"
        NO_CONFIRMATION = "no_confirmation", "No written confirmation of permitted use (SH-3)"
        NOT_LAW_ENFORCEMENT = "not_law_enforcement", "Voluntary requests only from California law enforcement"
        MOU_NOT_CURRENT = "mou_not_current", "No current MOU"

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="sharing_requests")
    requester_name = models.CharField(max_length=200)
    requester_title = models.CharField(max_length=200, blank=True)
    requester_contact = models.CharField(max_length=200)
    purpose = models.TextField("intended purpose")
    plates = models.CharField(max_length=500, blank=True, help_text="Plates requested, comma-separated.")
    cameras = models.ManyToManyField("alpr.Camera", blank=True, related_name="+")
    window_from = models.DateTimeField()
    window_to = models.DateTimeField()
    case_number = models.CharField("related case number", max_length=64)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    instrument = models.CharField(max_length=12, choices=Instrument.choices, blank=True)
    instrument_number = models.CharField(max_length=100, blank=True)
    instrument_court = models.CharField(max_length=200, blank=True)
    instrument_date = models.DateField(null=True, blank=True)
    instrument_copy = models.FileField(upload_to="private/sharing/instruments/%Y/", blank=True)
    mou = models.ForeignKey(MOU, on_delete=models.PROTECT, null=True, blank=True, related_name="requests")
    # SH-3: the requester's written confirmation that the data will not be used for
    # immigration enforcement or reproductive-health prosecutions.
    confirmation_statement = models.TextField(blank=True)
    confirmation_document = models.FileField(upload_to="private/sharing/confirmations/%Y/", blank=True)
    received_on = models.DateField()
    received_via = models.CharField(max_length=8, choices=ReceivedVia.choices)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECEIVED)
    refusal_rule = models.CharField(max_length=24, choices=RefusalRule.choices, blank=True)
    # Step 1 (SH-2): right to know and need to know.
    legal_authority = models.CharField(max_length=200, blank=True,
                                       help_text="Right to know: court order, statute, case law or sworn status.")
    need_to_know = models.TextField(blank=True, help_text="Need to know: the compelling reason.")
    # Step 3: the decision.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    designation = models.ForeignKey("accounts.Designation", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-logged_at"]

    def __str__(self):
        return f"Sharing request #{self.pk} from {self.agency} ({self.get_status_display()})"

    @property
    def plate_list(self) -> list[str]:
        return [p.strip().upper() for p in self.plates.split(",") if p.strip()]


class SharingRequestEvent(WorkflowHistory):
    request = models.ForeignKey(SharingRequest, on_delete=models.CASCADE, related_name="history")

    def __str__(self):
        return f"Sharing #{self.request_id}: {self.from_status or '-'} -> {self.to_status}"


class SharingPackage(models.Model):
    """SH-5: the exact approved scope, extracted by an authorized processor for the
    requester: a ZIP of a CSV and the images, with a manifest of SHA-256 checksums."""

    request = models.OneToOneField(SharingRequest, on_delete=models.PROTECT, related_name="package")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    file = models.FileField(upload_to="private/sharing/packages/%Y/")
    sha256 = models.CharField(max_length=64)
    reads_count = models.PositiveIntegerField()
    images_count = models.PositiveIntegerField()
    manifest = models.JSONField(default=dict)
    downloads = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Package for sharing request #{self.request_id}"


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(MOU)
auditlog.register(SharingRequest)
