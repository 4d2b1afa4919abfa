from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from accesslog.history import WorkflowHistory
from accesslog.models import AppendOnlyError, AppendOnlyModel


class Audit(models.Model):
    """A sampling audit of the system's use (AU-2, AU-3): a period, populations, a sample
    of each drawn with a recorded seed, a review of every sampled item, the training review,
    and the memo to the Chief. Finalised audits are immutable. Workflow: audits/services/sampling_audits.py."""

    class Status(models.TextChoices):
        OPEN = "open", "Open (under review)"
        FINALISED = "finalised", "Finalised and filed"

    class Population(models.TextChoices):
        # Investigative searches are always audited (AU-2); the others are optional.
        SEARCHES = "searches", "Investigative searches"
        DETECTION_VIEWS = "detection_views", "Detection (read) views"
        HOTLIST_ENTRIES = "hotlist_entries", "Hot-list entry requests"
        SHARING_REQUESTS = "sharing_requests", "Sharing requests"
        IMAGE_DOWNLOADS = "image_downloads", "Downloaded images and exports"

    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField(help_text="Inclusive.")
    populations = models.JSONField(default=list)
    confidence = models.DecimalField(max_digits=4, decimal_places=3, default=0.95)
    margin = models.DecimalField("margin of error", max_digits=4, decimal_places=3, default=0.05)
    seed = models.BigIntegerField(help_text="The random seed the samples were drawn with; anyone can re-derive them.")
    # Per population: {"population": N, "sample": n, "n0": .., "minimum": .., "ids": [...]}.
    sampling = models.JSONField(default=dict)
    training_review = models.JSONField(default=dict, blank=True)
    recommendations = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    memo_html = models.TextField(blank=True, editable=False)
    memo_pdf = models.BinaryField(blank=True, editable=False)
    memo_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # AU-5 (issue 20): the cadence this audit answers, when it was opened for one.
    schedule = models.ForeignKey("AuditSchedule", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="audits")
    # AU-5, San Leandro 003 §418.6.1: "an analysis and documentation of any community safety
    # issues that were effectively addressed and/or any significant prosecutions".
    community_safety = models.TextField("community-safety issues and significant prosecutions", blank=True)
    # AU-5, Alameda 001 §5: "an explanation regarding any data retained longer than six months".
    retention_explanation = models.TextField("explanation of data retained longer than six months", blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self):
        return f"Audit #{self.pk}: {self.title}"

    def save(self, *args, **kwargs):
        # A filed audit never changes (AU-2): refuse any save of a row already finalised.
        if self.pk and Audit.objects.filter(pk=self.pk, status=Audit.Status.FINALISED).exists():
            raise AppendOnlyError("A finalised audit is filed and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == Audit.Status.FINALISED:
            raise AppendOnlyError("A finalised audit is filed and cannot be deleted.")
        return super().delete(*args, **kwargs)


class AuditPopulation(models.Model):
    """The whole population an audit sampled from, stored when the audit opens (AU-2, issue
    20): its ids in ascending order and their SHA-256 (audits.reproduce.population_digest).
    Re-deriving the sample later checks the stored ids against their hash, the live query
    against the stored ids, and the drawn items against `draw(stored ids, n, seed)`; a
    population that changed since (a record added or purged) shows as a mismatch instead of
    silently drawing a different sample. Written once by audit_open."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="stored_populations")
    population = models.CharField(max_length=20, choices=Audit.Population.choices)
    window_start = models.DateField(help_text="First day the population was drawn from.")
    window_end = models.DateField(help_text="Last day (inclusive).")
    ids = models.JSONField(default=list)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["audit", "id"]
        constraints = [models.UniqueConstraint(fields=["audit", "population"], name="audit_population_once")]

    def __str__(self):
        return f"Audit #{self.audit_id} {self.population}: {self.size} ids"


class AuditSchedule(models.Model):
    """How often an audit is due (AU-5): San Leandro quarterly (003 §418.6.1), Alameda at
    least every six months in the first two years after implementation and at least
    annually after (001 §5), the annual detection-browsing audit (001 §462.7). Edited in
    the admin; the daily task audits.tasks.remind_due_audits and the auditors' dashboard
    read it (audits/scheduling.py)."""

    name = models.CharField(max_length=120)
    policy = models.CharField(max_length=200, blank=True, help_text="The policy clause that sets the cadence.")
    starts_on = models.DateField(help_text="Implementation (or first-audit) date the cadence counts from.")
    cadence_months = models.PositiveSmallIntegerField(default=12, help_text="Months between audits.")
    early_cadence_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A shorter cadence for the first years (Alameda: 6).")
    early_years = models.PositiveSmallIntegerField(default=2, help_text="How long the shorter cadence applies.")
    populations = models.JSONField(default=list, blank=True,
                                   help_text="Optional populations an audit for this schedule adds.")
    record_community_safety = models.BooleanField(
        default=False, help_text="San Leandro 003 §418.6.1: the audit documents community-safety issues and "
                                 "significant prosecutions.")
    explain_retention_over_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Alameda 001 §5: the report explains data kept longer than this many days "
                                         "(six months: 183).")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class AuditEvent(WorkflowHistory):
    """History of an audit: opened, items reviewed, finalised."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="history")

    def __str__(self):
        return f"Audit #{self.audit_id}: {self.transition}"


class AuditItem(models.Model):
    """One sampled item and its review against the checklist (AU-2)."""

    class Finding(models.TextChoices):
        PENDING = "pending", "Not yet reviewed"
        COMPLIANT = "compliant", "Compliant"
        NON_COMPLIANT = "non_compliant", "Non-compliant"
        DATA_ERROR = "data_error", "Data error"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="items")
    population = models.CharField(max_length=20, choices=Audit.Population.choices)
    position = models.PositiveIntegerField(help_text="Order in which the item was drawn.")
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    # What the auditor reviews, captured when drawn (user, time, purpose, case, elements).
    snapshot = models.JSONField(default=dict)
    # The checklist. None: not yet answered.
    purpose_permitted = models.BooleanField(null=True, blank=True)
    case_number_plausible = models.BooleanField(null=True, blank=True)
    suspicion_attested = models.BooleanField("reasonable-suspicion attestation", null=True, blank=True)
    results_consistent = models.BooleanField("results opened consistent with the purpose", null=True, blank=True)
    prohibited_indicators = models.BooleanField("prohibited-use indicators present", null=True, blank=True)
    data_errors = models.BooleanField("data errors found", null=True, blank=True)
    finding = models.CharField(max_length=16, choices=Finding.choices, default=Finding.PENDING)
    notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "population", "position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "population", "object_id"], name="audit_item_once"),
        ]

    def __str__(self):
        return f"Audit #{self.audit_id} {self.population} {self.object_type} {self.object_id}"


class DataCorrection(models.Model):
    """A data error found by an audit, on the correction list with an owner (AU-2)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CORRECTED = "corrected", "Corrected"

    item = models.ForeignKey(AuditItem, on_delete=models.PROTECT, related_name="corrections")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_corrections")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    corrected_at = models.DateTimeField(null=True, blank=True)
    correction_note = models.TextField(blank=True)

    class Meta:
        ordering = ["status", "created_at"]

    def __str__(self):
        return f"Correction #{self.pk} ({self.get_status_display()})"


class BreachRecord(models.Model):
    """A data breach or security incident involving ALPR data (BR-1; AU-4: reported annually).

    DGO I-12 §J (000) makes "reporting breaches" and "implementing post-breach procedures"
    part of every member's training; BR-1 asks the software to carry them: an explicit
    workflow (audits/services/breaches.py) discovered -> contained -> notifying ->
    follow-up -> closed, each step in `history`, with the notification deadlines of
    California Civil Code 1798.82 computed from the agency's configuration
    (audits/breach_deadlines.py)."""

    class Status(models.TextChoices):
        DISCOVERED = "discovered", "Discovered"
        CONTAINED = "contained", "Contained"
        NOTIFYING = "notifying", "Notifications under way"
        FOLLOW_UP = "follow_up", "Follow-up (post-breach procedures)"
        CLOSED = "closed", "Closed"

    occurred_on = models.DateField()
    discovered_on = models.DateField()
    summary = models.CharField(max_length=300)
    records_affected = models.PositiveIntegerField(default=0)
    # 1798.82(f): more than 500 California residents -> a sample notice to the Attorney General.
    california_residents_affected = models.PositiveIntegerField(
        default=0, help_text="Civil Code 1798.82(f): over 500 means the Attorney General is notified too.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DISCOVERED)
    containment = models.TextField("how the breach was contained", blank=True)
    contained_at = models.DateTimeField(null=True, blank=True)
    notified_on = models.DateField("affected people notified on", null=True, blank=True)
    notification_method = models.CharField(max_length=200, blank=True,
                                           help_text="1798.82(j): written, electronic or substitute notice.")
    attorney_general_notified_on = models.DateField(null=True, blank=True)
    no_notice_reason = models.TextField(
        "why no individual notice is due", blank=True,
        help_text="E.g. no California resident's unencrypted personal information was acquired.")
    actions_taken = models.TextField("post-breach actions (follow-up)", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-discovered_on"]

    def __str__(self):
        return f"Breach {self.discovered_on}: {self.summary}"


class BreachEvent(WorkflowHistory):
    """History of a breach: reported, contained, each notification, follow-up, closed (BR-1)."""

    breach = models.ForeignKey(BreachRecord, on_delete=models.CASCADE, related_name="history")

    def __str__(self):
        return f"Breach #{self.breach_id}: {self.transition}"


class ComplaintRecord(models.Model):
    """A community complaint about ALPR use (AU-4: reported annually)."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Open"
        SUSTAINED = "sustained", "Sustained"
        NOT_SUSTAINED = "not_sustained", "Not sustained"
        UNFOUNDED = "unfounded", "Unfounded"
        EXONERATED = "exonerated", "Exonerated"

    received_on = models.DateField()
    summary = models.CharField(max_length=300)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    resolved_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on"]

    def __str__(self):
        return f"Complaint {self.received_on}: {self.summary}"


class AnnualReport(models.Model):
    """The annual report to the Privacy Advisory Commission (AU-4), generated by a task from
    the admin; the figures are computed once and every output is drawn from them."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Generating"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    year = models.PositiveIntegerField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    stage = models.CharField(max_length=100, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True)
    csv_zip = models.BinaryField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Annual report {self.year} ({self.get_status_display()})"


class AccessLogDigest(AppendOnlyModel):
    """The head of the access log's chain at a moment, signed with the agency's Ed25519 key
    (AU-1, AU-4; issue 19 part 4). Published daily on the public transparency page and in
    the annual report: anyone who keeps a copy can later show that the log up to
    `last_sequence` was rewritten, even by someone who recomputed every later hash."""

    append_only_name = "A published digest"

    as_of = models.DateTimeField(unique=True, help_text="The digest covers the entries written before this moment.")
    last_sequence = models.BigIntegerField(help_text="0 when the log was empty.")
    head_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=100, help_text="Ed25519 over digest_message(), base64.")
    public_key = models.CharField(max_length=64, help_text="The agency's Ed25519 public key, base64 (raw 32 bytes).")
    published_at = models.DateTimeField(default=timezone.now)
    triggered_by = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-as_of"]
        get_latest_by = "as_of"

    def __str__(self):
        return f"Digest {self.as_of:%Y-%m-%d %H:%M}: #{self.last_sequence} {self.head_hash[:12]}…"


class AnnualReportContents(models.Model):
    """What the O.M.C. 9.64 annual surveillance report needs that the system cannot count
    (AU-6; 002, "OMC 9.64.010" and §H "Fiscal Cost"), entered by the ALPR Coordinator for
    one year: the race of each person subject to the technology's use, or the Privacy
    Advisory Commission's written waiver and findings; the fiscal costs and sources of
    funding; effectiveness (pre-filled from the system's counts, corrected where the
    Coordinator knows better); public-records requests; a narrative. Finalised only with
    every required section filled (audits/services/report_contents.py); the annual
    report's HTML, PDF and CSV carry it (audits/report_sections.py)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINALISED = "finalised", "Finalised for publication"

    year = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # OMC 9.64.010, Section E: "identify the race of each person that was subject to the
    # technology's use" -- or the PAC's waiver, whose "written findings ... shall be included".
    race_analysis = models.TextField(blank=True)
    race_waiver_granted_on = models.DateField("PAC waiver granted on", null=True, blank=True)
    race_waiver_findings = models.TextField("PAC's written findings supporting the waiver", blank=True)
    # 002 §H: "initial purchase, personnel and other ongoing costs, and any current or
    # potential sources of funding".
    cost_initial_purchase = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True,
                                                validators=[MinValueValidator(0)])
    cost_personnel = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True,
                                         validators=[MinValueValidator(0)])
    cost_ongoing = models.DecimalField("other ongoing costs", max_digits=12, decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(0)])
    funding_sources = models.TextField("current or potential sources of funding", blank=True)
    # Effectiveness: pre-filled from the system's counts for the year (hits, recoveries and
    # arrests from stop dispositions, cases assisted), then the Coordinator's figures.
    hits = models.PositiveIntegerField(null=True, blank=True)
    recoveries = models.PositiveIntegerField("stolen vehicles recovered", null=True, blank=True)
    arrests = models.PositiveIntegerField(null=True, blank=True)
    cases_assisted = models.PositiveIntegerField(null=True, blank=True)
    effectiveness_notes = models.TextField(blank=True)
    public_records_requests = models.PositiveIntegerField(null=True, blank=True)
    public_records_notes = models.TextField(blank=True)
    narrative = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name_plural = "annual report contents"

    def __str__(self):
        return f"O.M.C. 9.64 report contents {self.year} ({self.get_status_display()})"


class AnnualReportContentsEvent(WorkflowHistory):
    """History of a year's report contents: started, edited, finalised, reopened."""

    contents = models.ForeignKey(AnnualReportContents, on_delete=models.CASCADE, related_name="history")
# AU-1: the audit cadences are administrative configuration; their changes are tracked.
from auditlog.registry import auditlog  # noqa: E402

auditlog.register(AuditSchedule)
