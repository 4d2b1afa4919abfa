from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from hotlists.models import FeedImport, Hotlist

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FINGERPRINT = re.compile(r"^SHA256:[A-Za-z0-9+/]{43}$")


# The layouts of hotlists/sources/layouts.py (a test checks the two agree); a new layout
# adds its name here too (a choices-only migration).
LAYOUT_CHOICES = [
    ("csv", "CSV with a header row (column names recognised)"),
    ("ncic_delimited", "NCIC extract, pipe-delimited"),
    ("cadoj_fixed", "CA DOJ stolen vehicles / plates extract, fixed width"),
]


class HotlistSource(models.Model):
    """Where and how often one downloaded list is pulled (HL-2). Secrets are never stored
    here: a token is read from the environment variable named, keys and certificates from
    the files named (readable by the worker only)."""

    class Kind(models.TextChoices):
        HTTPS = "https", "HTTPS"
        SFTP = "sftp", "SFTP"

    hotlist = models.OneToOneField(Hotlist, on_delete=models.PROTECT, related_name="pull_source")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    # HL-2: at least daily; more often by choice (every 4 hours by default).
    interval_hours = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Pull every this many hours (1-24: HL-2 requires at least daily).")
    layout = models.CharField(max_length=32, choices=LAYOUT_CHOICES, default="csv",
                              help_text="The file's layout (hotlists/sources/README.md).")
    # HTTPS
    url = models.URLField(max_length=500, blank=True, help_text="HTTPS only; redirects are not followed.")
    token_env = models.CharField("bearer token: environment variable", max_length=100, blank=True,
                                 help_text="The environment variable that holds the token (never the token).")
    client_cert_path = models.CharField(max_length=500, blank=True, help_text="Client certificate (PEM file path).")
    client_key_path = models.CharField(max_length=500, blank=True, help_text="Its private key (PEM file path).")
    ca_bundle_path = models.CharField(max_length=500, blank=True,
                                      help_text="CA bundle to verify the server with (empty: the system's).")
    # SFTP
    host = models.CharField(max_length=255, blank=True)
    port = models.PositiveIntegerField(default=22, validators=[MinValueValidator(1), MaxValueValidator(65535)])
    path = models.CharField("remote file path", max_length=500, blank=True)
    username = models.CharField(max_length=100, blank=True)
    private_key_path = models.CharField(max_length=500, blank=True)
    private_key_passphrase_env = models.CharField(max_length=100, blank=True,
                                                  help_text="Environment variable with the key's passphrase, if any.")
    host_key_fingerprint = models.CharField(
        max_length=60, blank=True,
        help_text="The server's pinned host key, as `ssh-keygen -lf` prints it (SHA256:...). Other keys are refused.")
    # Scheduling state, written by the services only.
    next_attempt_at = models.DateTimeField(default=timezone.now, editable=False)
    failed_attempts = models.PositiveSmallIntegerField(default=0, editable=False,
                                                       help_text="Consecutive failed pulls since the last success.")
    pulling_since = models.DateTimeField(null=True, blank=True, editable=False,
                                         help_text="Set while a pull runs (services.claim); cleared when it ends.")
    last_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    stale_since = models.DateTimeField(null=True, blank=True, editable=False,
                                       help_text="Set when no pull succeeded for ALPR_HOTLIST_STALE_HOURS.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["hotlist__name"]
        indexes = [
            # pull_due_sources: WHERE enabled AND next_attempt_at <= now.
            models.Index(fields=["enabled", "next_attempt_at"], name="source_due"),
        ]

    def __str__(self):
        return f"{self.hotlist} ({self.get_kind_display()})"

    @property
    def is_stale(self) -> bool:
        return self.stale_since is not None

    @property
    def location(self) -> str:
        return self.url if self.kind == self.Kind.HTTPS else f"sftp://{self.username}@{self.host}:{self.port}{self.path}"

    def clean(self):
        from hotlists.sources.layouts import LAYOUTS

        errors = {}
        if self.hotlist_id and not self.hotlist.is_external:
            errors["hotlist"] = "Only downloaded (external) lists are pulled; internal entries go through requests."
        if self.layout not in LAYOUTS:
            errors["layout"] = f"Unknown layout; one of: {', '.join(LAYOUTS)}."
        for name in ("token_env", "private_key_passphrase_env"):
            value = getattr(self, name)
            if value and not _ENV_NAME.match(value):
                errors[name] = "The name of an environment variable (letters, digits, _), not the secret itself."
        if self.kind == self.Kind.HTTPS:
            if not self.url.lower().startswith("https://"):
                errors["url"] = "An https:// address (a list is never fetched in the clear)."
            if bool(self.client_cert_path) != bool(self.client_key_path):
                errors["client_key_path"] = "A client certificate needs its key, and a key its certificate."
            if not (self.token_env or self.client_cert_path):
                message = "Name a token variable or a client certificate: lists are not public."
                errors["token_env"] = message
        elif self.kind == self.Kind.SFTP:
            for name in ("host", "path", "username", "private_key_path"):
                if not getattr(self, name):
                    errors[name] = "Required for SFTP."
            if not _FINGERPRINT.match(self.host_key_fingerprint):
                errors["host_key_fingerprint"] = ("Required: the server's host key fingerprint, SHA256:<43 characters> "
                                                  "(ssh-keygen -lf the key); unknown host keys are refused.")
        if errors:
            raise ValidationError(errors)


class PullRecord(models.Model):
    """One pull of a source (HL-2): what came, how long it took, and what became of it.
    The row counts are those of the FeedImport it made."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Imported"
        UNCHANGED = "unchanged", "Unchanged (same file as the last import)"
        REJECTED = "rejected", "Downloaded; the import refused it"
        FAILED = "failed", "Download failed"

    SUCCESSES = (Outcome.APPLIED, Outcome.UNCHANGED)

    source = models.ForeignKey(HotlistSource, on_delete=models.PROTECT, related_name="pulls")
    attempt = models.PositiveSmallIntegerField(default=1, help_text="1: on schedule; 2 and up: a retry.")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)
    feed_import = models.ForeignKey(FeedImport, on_delete=models.PROTECT, null=True, blank=True, related_name="pulls")
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When the source is pulled next.")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.source.hotlist} pull {self.started_at:%Y-%m-%d %H:%M} ({self.get_outcome_display()})"

    @property
    def succeeded(self) -> bool:
        return self.outcome in self.SUCCESSES
