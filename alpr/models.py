from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from accesslog.history import WorkflowHistory
from alpr import lookups  # noqa: F401  (registers the LIKE lookup)


class DataSource(models.Model):
    """RT-4: where reads come from, for retention by source: a regional feed (NCRIC), a
    vendor cloud, or a group of the agency's own cameras. A camera with no source is one
    of the agency's own cameras under the agency-wide retention."""

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=255, blank=True,
                                   help_text="Which policy section sets its retention (e.g. 003 §418.5).")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Camera(models.Model):
    """A fixed camera, mobile unit or trailer. Uploads authenticate with a device token
    of which only the SHA-256 is stored; it can be rotated and revoked."""

    class Kind(models.TextChoices):
        FIXED = "fixed", "Fixed"
        MOBILE = "mobile", "Mobile unit"
        TRAILER = "trailer", "Trailer"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.FIXED)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="cameras")
    description = models.CharField(max_length=255, blank=True, help_text="Where it is and which way it faces.")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    active = models.BooleanField(default=True)
    # RT-4: the source its reads belong to, for retention by source (none: agency-wide).
    data_source = models.ForeignKey(DataSource, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="cameras")
    token_sha256 = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    token_prefix = models.CharField(max_length=8, blank=True, editable=False)
    token_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    token_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="camera_name_per_agency")]

    def __str__(self):
        return self.name

    @staticmethod
    def hash_token(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    def issue_token(self) -> str:
        """Rotate the device credential; the raw token is returned once and never stored."""
        raw = "cam_" + secrets.token_urlsafe(32)
        self.token_sha256 = self.hash_token(raw)
        self.token_prefix = raw[4:12]
        self.token_issued_at = timezone.now()
        self.token_revoked_at = None
        return raw

    def revoke_token(self) -> None:
        self.token_sha256 = ""
        self.token_revoked_at = timezone.now()


class ShiftCheck(models.Model):
    """CAM-1, policy 001 Alameda §(b)4: "A routine check to ensure the equipment is working
    properly should be done at the beginning of each shift by the user logging into the
    system." The officer records it for a mobile unit; a check with every item confirmed
    covers that unit's reads for ALPR_SHIFT_CHECK_HOURS (a shift)."""

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="shift_checks", db_index=False)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)
    camera_working = models.BooleanField("Camera working (it reads plates)")
    aimed = models.BooleanField("Aimed at the roadway")
    lens_clean = models.BooleanField("Lens clean")
    time_synced = models.BooleanField("Clock synchronised")
    note = models.TextField(blank=True, max_length=1000)

    ITEMS = ("camera_working", "aimed", "lens_clean", "time_synced")

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [
            # The unit's latest check before a time: WHERE camera_id = %s AND checked_at <= %s ORDER BY checked_at DESC.
            models.Index(fields=["camera", "checked_at"], name="shift_check_camera_time"),
        ]

    def __str__(self):
        return f"{self.camera} checked {self.checked_at:%Y-%m-%d %H:%M} by {self.checked_by}"

    @property
    def passed(self) -> bool:
        return all(getattr(self, item) for item in self.ITEMS)

    @property
    def failed_items(self) -> list[str]:
        return [str(self._meta.get_field(item).verbose_name) for item in self.ITEMS if not getattr(self, item)]


class CameraSiteAttestation(models.Model):
    """CAM-1: a fixed camera watches the public right of way (policy 002, DGO I-12 §3.1:
    "restrict the usage of the ALPR technology to the public right of way and other public
    property"), and where its signage is posted (policy 003 §418.8 CAMERA SIGNAGE). An
    attestation holds for the position it was made at: a camera moved needs a new one."""

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="site_attestations")
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attested_at = models.DateTimeField(default=timezone.now)
    public_right_of_way = models.BooleanField(
        "Views only the public right of way",
        help_text="The camera sees only the public right of way and other public property (policy 002).")
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    field_of_view = models.CharField(max_length=255, help_text="What the camera sees, as checked on site.")
    signage_location = models.CharField(max_length=255,
                                        help_text="Where the ALPR signage is posted (policy 003 §418.8).")
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-attested_at", "-id"]

    def __str__(self):
        return f"{self.camera} attested {self.attested_at:%Y-%m-%d} by {self.attested_by}"

    def covers_position_of(self, camera: Camera) -> bool:
        return (camera.latitude is not None and camera.longitude is not None
                and position(self.latitude) == position(camera.latitude)
                and position(self.longitude) == position(camera.longitude))


def position(value) -> Decimal:
    """A coordinate as the database keeps it (6 places), whether given as float, str or Decimal."""
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def _read_path(instance, kind: str, filename: str) -> str:
    # Stored by upload day, so the retention purge finds a day's files together (RT-3).
    day = (instance.uploaded_at or timezone.now()).strftime("%Y/%m/%d")
    return f"reads/{day}/{kind}/{filename}"


def frame_upload_to(instance, filename):
    return _read_path(instance, "frame", filename)


def crop_upload_to(instance, filename):
    return _read_path(instance, "crop", filename)


class Read(models.Model):
    """One detection of a plate (RD-1). The retention clock starts at `uploaded_at` (RT-1)."""

    plate = models.CharField(max_length=10, help_text="Normalized: A-Z and 0-9 only.")
    plate_raw = models.CharField(max_length=40, blank=True, help_text="The OCR text as read.")
    state = models.CharField(max_length=2, blank=True, help_text="State of issue, when known.")
    confidence = models.FloatField(null=True, blank=True)
    captured_at = models.DateTimeField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    # No separate FK index: read_camera_time (camera, captured_at) serves camera lookups.
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="reads", db_index=False)
    # The camera's agency at capture time: agency scoping is a column filter, not a join.
    # Not indexed: one agency owns nearly every row, so an index would only slow writes.
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+", db_index=False)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    frame = models.FileField(upload_to=frame_upload_to, max_length=255, blank=True)
    frame_sha256 = models.CharField(max_length=64, blank=True)
    crop = models.FileField(upload_to=crop_upload_to, max_length=255, blank=True)
    crop_sha256 = models.CharField(max_length=64, blank=True)
    plate_box = models.JSONField(null=True, blank=True, help_text="[x, y, w, h] of the plate in the frame.")
    frame_width = models.PositiveIntegerField(null=True, blank=True)
    frame_height = models.PositiveIntegerField(null=True, blank=True)
    vehicle_color = models.CharField(max_length=30, blank=True)
    vehicle_make = models.CharField(max_length=40, blank=True)
    vehicle_type = models.CharField("body type", max_length=30, blank=True)
    # RD-1 / issue 22: edge cameras say how sure they are of each attribute.
    vehicle_color_confidence = models.FloatField(null=True, blank=True)
    vehicle_make_confidence = models.FloatField(null=True, blank=True)
    vehicle_type_confidence = models.FloatField("body type confidence", null=True, blank=True)
    # Issue 22: the edge camera's event this read came from (reads made elsewhere).
    edge_event = models.ForeignKey("ingest.EdgeEvent", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="reads", db_index=False)
    ingest_job = models.ForeignKey("ingest.FrameJob", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="reads", db_index=False)
    # CAM-1 (001 Alameda §(b)4): a mobile unit's read captured with no passed start-of-shift
    # check in the ALPR_SHIFT_CHECK_HOURS before it. Kept (the policy says the check
    # "should" be done; a read is never lost for it) and shown as such.
    shift_check_missing = models.BooleanField("no start-of-shift check", default=False)

    class Meta:
        ordering = ["-captured_at", "-id"]
        indexes = [
            # Exact-plate search within a time range: WHERE plate = %s AND captured_at BETWEEN ...
            models.Index(fields=["plate", "captured_at"], name="read_plate_time"),
            # Camera + time window: WHERE camera_id IN (...) AND captured_at BETWEEN ...
            models.Index(fields=["camera", "captured_at"], name="read_camera_time"),
            # Time-range-only and map-area searches (filtered on lat/lon afterwards), newest first.
            models.Index(fields=["captured_at"], name="read_time"),
            # The retention purge: WHERE uploaded_at < cutoff (RT-1).
            models.Index(fields=["uploaded_at"], name="read_uploaded"),
            # Partial-plate search (LIKE with wildcards) is served by a pg_trgm GIN index
            # created in migration 0002 on PostgreSQL only.
        ]

    def __str__(self):
        return f"{self.plate} at {self.camera} {self.captured_at:%Y-%m-%d %H:%M}"

    @property
    def position(self):
        lat = self.latitude if self.latitude is not None else self.camera.latitude
        lon = self.longitude if self.longitude is not None else self.camera.longitude
        return (float(lat), float(lon)) if lat is not None and lon is not None else None


class Search(models.Model):
    """One investigative query (Q-1, Q-2, Q-6), lawful or refused. The access log holds the
    same facts; this row keeps the criteria so results can be re-derived and audited."""

    class Purpose(models.TextChoices):
        # Q-1 / DGO I-12 C.2(B): the only permitted purposes.
        MISSING_PERSON = "missing_person", "Missing or at-risk person"
        WITNESS_LOCATE = "witness_locate", "Witness locate"
        BURGLARY = "burglary", "Burglary"
        GRAND_THEFT = "grand_theft", "Grand theft"
        VIOLENT_CRIME = "violent_crime", "Violent crime investigation"
        LEGAL_PROCESS = "legal_process", "Subpoena, warrant or court order"

    class Status(models.TextChoices):
        RUN = "run", "Run"
        REFUSED = "refused", "Refused"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="searches")
    organization = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    purpose = models.CharField(max_length=32, choices=Purpose.choices, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    justification = models.TextField(blank=True)
    attested = models.BooleanField(default=False)
    criteria = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices)
    refusal_reason = models.TextField(blank=True)
    flagged_for_audit = models.BooleanField(default=False)
    # Issue 19: why a search that ran was put in front of the auditors (Q-6 screening, a
    # reused reason), in words an auditor reads; "" when it was not flagged.
    flag_reason = models.TextField(blank=True)
    # Issue 19: the offence category from settings.ALPR_OFFENCE_CATEGORIES (its code).
    offence_category = models.CharField(max_length=32, blank=True)
    # Issue 19: the reason without its case number, case and punctuation, to find one
    # reason reused across unrelated searches (lib.screening.reason_fingerprint).
    reason_fingerprint = models.CharField(max_length=255, blank=True)
    result_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "searches"
        indexes = [
            models.Index(fields=["user", "created_at"], name="search_user_time"),
            # Serves the reuse check: this member's searches with this reason, recently.
            models.Index(fields=["user", "reason_fingerprint", "created_at"], name="search_user_reason"),
        ]

    def __str__(self):
        return f"Search #{self.pk} by {self.user} ({self.get_status_display()})"

    @property
    def offence_category_label(self) -> str:
        return dict(settings.ALPR_OFFENCE_CATEGORIES).get(self.offence_category, self.offence_category)


class DispositionCode(models.Model):
    """HT-3: the configurable list of stop dispositions."""

    code = models.CharField(max_length=12, unique=True)
    description = models.CharField(max_length=200)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.description}"


class Hit(models.Model):
    """A read matched to a hot-list entry (HT-1). The workflow of HT-2 is in alpr/services/hits.py.

    The read may be purged by retention (RT-1); the hit keeps what it needs to stay
    meaningful in the annual report (plate, time, camera) and its history."""

    class Status(models.TextChoices):
        ALERT = "alert", "Alert"
        VISUALLY_VERIFIED = "visually_verified", "Visually verified"
        VALIDATED = "validated", "Validated (CLETS)"
        CONFIRMED = "confirmed", "Confirmed by entering agency"
        REJECTED = "rejected", "Rejected"

    class RejectReason(models.TextChoices):
        MISREAD = "misread", "Misread (OCR error)"
        WRONG_STATE = "wrong_state", "Wrong state of issue"
        VEHICLE_MISMATCH = "vehicle_mismatch", "Vehicle does not match"
        NO_LONGER_LISTED = "no_longer_listed", "No longer listed (CLETS)"

    class MatchKind(models.TextChoices):
        EXACT = "exact", "Exact"
        EQUIVALENT = "equivalent", "OCR-equivalent"
        PARTIAL = "partial", "Partial plate"

    # Issue 23: no database constraint. On PostgreSQL the reads table is partitioned by
    # upload day (alpr/partitions.py) and a foreign key into it would have to carry the
    # partition key; the SET_NULL the constraint backed is done by the code instead (the
    # ORM on a batched delete, alpr.partitions.drop_day when a whole day goes).
    read = models.ForeignKey(Read, on_delete=models.SET_NULL, null=True, blank=True, related_name="hits",
                             db_constraint=False)
    entry = models.ForeignKey("hotlists.HotlistEntry", on_delete=models.PROTECT, related_name="hits")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    plate = models.CharField(max_length=10)
    captured_at = models.DateTimeField()
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="+")
    is_covert = models.BooleanField(default=False)
    # HT-4: a covert hit goes to the investigator responsible for the entry only.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="covert_hits"
    )
    match_kind = models.CharField(max_length=12, choices=MatchKind.choices, default=MatchKind.EXACT)
    substitutions = models.CharField(max_length=120, blank=True, help_text="OCR-equivalent characters substituted.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ALERT)
    reject_reason = models.CharField(max_length=20, choices=RejectReason.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("view_covert_hit", "May see this covert hit")]
        constraints = [models.UniqueConstraint(fields=["read", "entry"], name="one_hit_per_read_and_entry")]
        indexes = [
            # The officers' live-alert feed: WHERE agency_id = %s AND NOT is_covert ORDER BY created_at DESC.
            models.Index(fields=["agency", "is_covert", "created_at"], name="hit_alert_feed"),
            models.Index(fields=["responsible", "created_at"], name="hit_covert_feed"),
        ]

    def __str__(self):
        return f"Hit #{self.pk} {self.plate} ({self.get_status_display()})"


class HitStatusChange(WorkflowHistory):
    """History of the hit workflow: who moved it, when, from what to what, and why."""

    hit = models.ForeignKey(Hit, on_delete=models.CASCADE, related_name="history")

    def __str__(self):
        return f"Hit #{self.hit_id}: {self.from_status or '-'} -> {self.to_status}"


class StopReport(models.Model):
    """HT-3 / DGO I-12 C.2(A)(2): documentation of a stop made from a hot-list alert."""

    hit = models.OneToOneField(Hit, on_delete=models.PROTECT, related_name="stop_report")
    responding_member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    justification = models.TextField()
    case_number = models.CharField(max_length=64)
    disposition = models.ForeignKey(DispositionCode, on_delete=models.PROTECT)
    responded_at = models.DateTimeField()
    next_steps = models.TextField()
    documented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    documented_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Stop for hit #{self.hit_id} ({self.disposition.code})"


from guardian.models import UserObjectPermissionBase  # noqa: E402


class HitUserObjectPermission(UserObjectPermissionBase):
    """HT-4: who may see a covert hit, as a direct foreign key (guardian)."""

    content_object = models.ForeignKey(Hit, on_delete=models.CASCADE)


class LegalHold(models.Model):
    """RT-2: reads kept past retention for a case. Active criminal, missing-person and
    other-agency (legal obligation) holds take effect at once; any other reason needs
    approval by the retention-exception authority (Deputy Chief / Deputy Director or a
    designee). The workflow lives in alpr/services/retention.py."""

    class Reason(models.TextChoices):
        ACTIVE_CRIMINAL = "active_criminal", "Active criminal investigation"
        MISSING_PERSON = "missing_person", "Missing or at-risk person investigation"
        OTHER_AGENCY = "other_agency", "Another agency's investigation with a legal obligation to retain"
        OTHER = "other", "Other (needs Deputy Chief / Deputy Director approval)"

    class Instrument(models.TextChoices):
        SUBPOENA = "subpoena", "Subpoena"
        COURT_ORDER = "court_order", "Court order"
        WARRANT = "warrant", "Warrant"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Awaiting approval"
        ACTIVE = "active", "Active"
        DENIED = "denied", "Denied"
        RELEASED = "released", "Released"

    case_number = models.CharField(max_length=64)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    justification = models.TextField()
    # RT-2: another agency's investigation with a legal obligation: the request it came with.
    sharing_request = models.ForeignKey("sharing.SharingRequest", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="legal_holds")
    # RT-2 / SH-1: or the instrument that creates the legal obligation to retain. A hold for
    # another agency's investigation is active only with one of the two on file.
    instrument_kind = models.CharField(max_length=16, choices=Instrument.choices, blank=True)
    instrument_number = models.CharField(max_length=64, blank=True)
    instrument_issued_by = models.CharField("issuing court or body", max_length=200, blank=True)
    instrument_date = models.DateField(null=True, blank=True)
    instrument_file = models.FileField(upload_to="private/holds/instruments/%Y/", max_length=255, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    # Issue 23: no database constraints in the link table (the reads table is partitioned
    # on PostgreSQL, see Hit.read). Rows of reads that go are removed by the code: the ORM
    # on a batched delete, alpr.partitions.drop_day for a whole day; held reads never go.
    reads = models.ManyToManyField(Read, related_name="legal_holds", blank=True, db_constraint=False)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    review_on = models.DateField(help_text="When the hold must be reviewed.")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    designation = models.ForeignKey("accounts.Designation", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self):
        return f"Hold #{self.pk} for {self.case_number} ({self.get_status_display()})"


class RetentionRule(models.Model):
    """RT-1 / RT-4: how many days one class of data is kept, agency-wide (no source) or for
    one source. The ALPR Administrator edits the schedule within the floors and caps of
    settings.ALPR_RETENTION_LIMITS (alpr/services/retention.py retention_rule_set); without
    a rule the class keeps settings.ALPR_RETENTION_SCHEDULE's days (Oakland's by default)."""

    class DataClass(models.TextChoices):
        READS = "reads", "Plate reads"
        IMAGES = "images", "Read images (frame and plate crop)"
        HITS = "hits", "Hits without a stop report"
        STOP_REPORTS = "stop_reports", "Hits with their stop reports"
        SEARCHES = "searches", "Investigative search records"

    data_class = models.CharField(max_length=16, choices=DataClass.choices)
    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="retention_rules")
    days = models.PositiveIntegerField(help_text="Kept this many days from initial upload (or creation).")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=255, blank=True, help_text="Why: the policy section or decision.")

    class Meta:
        ordering = ["data_class", "source__name"]
        constraints = [
            models.UniqueConstraint(fields=["data_class", "source"], name="retention_rule_class_source"),
            models.UniqueConstraint(fields=["data_class"], condition=models.Q(source__isnull=True),
                                    name="retention_rule_class_default"),
        ]

    def __str__(self):
        return f"{self.get_data_class_display()} ({self.source or 'agency-wide'}): {self.days} days"


class LegalHoldEvent(WorkflowHistory):
    hold = models.ForeignKey(LegalHold, on_delete=models.CASCADE, related_name="history")

    def __str__(self):
        return f"Hold #{self.hold_id}: {self.from_status or '-'} -> {self.to_status}"


class PurgeRun(models.Model):
    """RT-3: every purge is itself recorded."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    cutoff = models.DateTimeField(help_text="Reads uploaded before this were due.")
    dry_run = models.BooleanField(default=False)
    reads_deleted = models.PositiveBigIntegerField(default=0)
    images_deleted = models.PositiveBigIntegerField(default=0)
    frames_deleted = models.PositiveBigIntegerField(default=0, help_text="Ingest jobs and their stored frames.")
    edge_events_deleted = models.PositiveBigIntegerField(default=0, help_text="Edge camera events (issue 22).")
    held_reads_kept = models.PositiveBigIntegerField(default=0)
    # RT-4: the other data classes, each past its own retention.
    images_expired = models.PositiveBigIntegerField(default=0, help_text="Reads whose images went before them.")
    hits_deleted = models.PositiveBigIntegerField(default=0)
    stop_reports_deleted = models.PositiveBigIntegerField(default=0)
    searches_deleted = models.PositiveBigIntegerField(default=0)
    # Issue 23: whole upload days dropped as partitions (PostgreSQL); their reads are
    # counted in reads_deleted, their image files are deleted in the background (ImageSweep).
    days_dropped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Purge {self.started_at:%Y-%m-%d %H:%M}{' (dry run)' if self.dry_run else ''}"


class ImageSweep(models.Model):
    """Issue 23 / RT-1: the image files of one upload day whose reads were dropped as a
    partition, deleted in the background (alpr.partitions.sweep_images). The files still to
    look at are its PendingImage rows, so an interrupted sweep resumes where it stopped;
    the counts are its progress."""

    day = models.DateField(help_text="The upload day (UTC) whose partition was dropped.")
    purge_run = models.ForeignKey(PurgeRun, on_delete=models.PROTECT, null=True, blank=True, related_name="sweeps")
    created_at = models.DateTimeField(default=timezone.now)
    files_total = models.PositiveBigIntegerField(default=0)
    files_deleted = models.PositiveBigIntegerField(default=0)
    # Still used by a read that stayed (a held read, or a late read of that day).
    files_kept = models.PositiveBigIntegerField(default=0)
    files_missing = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        done = self.files_deleted + self.files_kept + self.files_missing
        return f"Images of {self.day}: {done} of {self.files_total}" + (" (done)" if self.finished_at else "")


class PendingImage(models.Model):
    """One stored file name an ImageSweep has still to delete (or keep)."""

    sweep = models.ForeignKey(ImageSweep, on_delete=models.CASCADE, related_name="pending")
    name = models.CharField(max_length=255)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Camera, exclude_fields=["token_sha256"])
auditlog.register(LegalHold)
auditlog.register(RetentionRule)
auditlog.register(DataSource)
auditlog.register(DispositionCode)
auditlog.register(StopReport)


class ReadDailyTally(models.Model):
    """How many reads entered the system each day (by upload day, per camera), kept after
    the reads themselves are purged (RT-1) so the annual report can count a whole year
    (AU-4). The row with no camera is the day's total and marks the day as tallied."""

    day = models.DateField()
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reads = models.PositiveBigIntegerField(default=0)
    tallied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["day", "camera"], name="tally_day_camera"),
            models.UniqueConstraint(fields=["day"], condition=models.Q(camera__isnull=True), name="tally_day_total"),
        ]

    def __str__(self):
        return f"{self.day}: {self.reads} reads" + (f" at camera {self.camera_id}" if self.camera_id else "")
