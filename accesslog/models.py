"""The access log and what belongs to its evidence (AU-1), moved from `audits` in
issue 17. The tables keep their `audits_*` names: the move changed no data, and the
PostgreSQL triggers that make them append-only (audits migrations 0002 and 0005) name
those tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """The access log is append-only: rows are written once and never changed."""


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only: update refused.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only: delete refused.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The access log is append-only: bulk_update refused.")

    def _raw_delete(self, using):
        raise AppendOnlyError("The access log is append-only: delete refused.")


class AppendOnlyModel(models.Model):
    """Rows written once and never changed or deleted through the ORM (AU-1): the access
    log, its verification checkpoints and the configuration-change record. On PostgreSQL
    triggers refuse the same (audits migrations 0002 and 0005) where the table is part of
    the chain's evidence. `append_only_name` says what is refused in the error."""

    append_only_name = "This record"

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self.append_only_name} is append-only: an existing row cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.append_only_name} is append-only: a row cannot be deleted.")


class AccessEvent(AppendOnlyModel):
    """One access to ALPR data or one sign-in event (AU-1, Q-2, Q-5).

    Written only through `accesslog.services.record_access`. Append-only in the ORM here,
    and on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE too (audits migration 0002).
    The user and agency are also kept as text, so the record reads the same years later.
    """

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    occurred_at = models.DateTimeField(default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="access_events"
    )
    username = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="access_events"
    )
    agency_name = models.CharField("organization", max_length=200, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data_elements = models.JSONField(
        default=dict, blank=True, help_text="The plate or other data elements used (Q-2)."
    )
    purpose = models.CharField(max_length=255, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED)
    detail = models.TextField(blank=True)
    # The hash chain (AU-1, accesslog/chain.py): place in the log, the previous entry's hash
    # and this entry's hash over its canonical content.
    sequence = models.BigIntegerField(unique=True, null=True, editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, editable=False)

    append_only_name = "The access log"

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        db_table = "audits_accessevent"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # Auditor search "what did this person do in this period" (AU-1).
            models.Index(fields=["user", "occurred_at"], name="access_user_time"),
            # Annual report counts per action and period (AU-4), e.g. searches this year.
            models.Index(fields=["action", "occurred_at"], name="access_action_time"),
            # "Everything done under this case number".
            models.Index(fields=["case_number"], name="access_case"),
            models.Index(fields=["occurred_at"], name="access_time"),
            # Issue 19: the search's user filter, also by the name of someone with no
            # account (failed sign-ins), ANDed with the full-text matches.
            models.Index(fields=["username", "occurred_at"], name="access_username_time"),
            # Issue 23: the sealer's "entries waiting for their place", oldest first; small,
            # as an entry leaves it within seconds.
            models.Index(fields=["id"], condition=models.Q(sequence__isnull=True), name="access_unsealed"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.outcome}"



class AccessLogVerification(AppendOnlyModel):
    """One run of `verify_access_log` (AU-1). A passing run is the checkpoint the next run
    checks, so entries cut off the end of the log are caught too. Append-only like the
    log itself (issue 18): a rewritten checkpoint would hide a rewritten log; on
    PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE (audits migration 0005)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    entries_checked = models.PositiveBigIntegerField(default=0)
    last_sequence = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)
    problem = models.TextField(blank=True)
    bad_entry_id = models.BigIntegerField(null=True, blank=True)
    bad_sequence = models.BigIntegerField(null=True, blank=True)
    triggered_by = models.CharField(max_length=64, blank=True, help_text="Command, nightly task or a user.")
    # Issue 23: incremental runs start at the last passing run's checkpoint
    # (`from_sequence`); a full run walks the whole chain (the first run, or on request).
    full = models.BooleanField(default=True, help_text="Walked the whole chain, not only since the checkpoint.")
    from_sequence = models.BigIntegerField(null=True, blank=True,
                                           help_text="Incremental: the checkpoint it started at.")

    append_only_name = "A verification checkpoint"

    class Meta:
        db_table = "audits_accesslogverification"
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"Verification {self.started_at:%Y-%m-%d %H:%M} {'intact' if self.ok else 'BROKEN'}"


class ConfigurationChangeQuerySet(AccessEventQuerySet):
    """Append-only like the access log (each change is also an access-log entry, in the
    hash chain, so an edit made behind the ORM's back shows against the log)."""


class ConfigurationChange(AppendOnlyModel):
    """Issue 19 §6: one change to the configuration that governs oversight and access
    (retention, sharing rules and agencies, roles and designations, two-factor, hot-list
    subscriptions and screening, cameras, the prohibited-use lexicon), with its value
    before and after. Written only by `accesslog.configuration.change_record`. A change that
    weakens oversight or widens access alerts the ALPR Administrator and the auditors."""

    class Kind(models.TextChoices):
        RETENTION = "retention", "Retention"
        SHARING = "sharing", "Sharing rules and agencies"
        ROLES = "roles", "Roles and designations"
        MFA = "mfa", "Two-factor and sign-in"
        HOTLIST = "hotlist", "Hot-list subscriptions and screening"
        CAMERA = "camera", "Cameras"
        LEXICON = "lexicon", "Prohibited-use lexicon (Q-6)"
        MATCHING = "matching", "Hit matching rules"
        OTHER = "other", "Other policy settings"

    class Source(models.TextChoices):
        WEB = "web", "Web page"
        ADMIN = "admin", "Django admin"
        ENV = "env", "Environment (found at start-up)"
        SYSTEM = "system", "System"

    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", help_text="Empty: the environment or the system.")
    username = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    weakens = models.BooleanField(default=False, help_text="Weakens oversight or widens access: alerted.")

    append_only_name = "The configuration-change record"
    objects = ConfigurationChangeQuerySet.as_manager()

    class Meta:
        db_table = "audits_configurationchange"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary}"


    def differences(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each value that changed; None where it did not exist."""
        before, after = self.before or {}, self.after or {}
        return [(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after))
                if before.get(k) != after.get(k)]


class EnvironmentFingerprint(models.Model):
    """Issue 19 §6: the policy settings read from the environment as last recorded (one
    row). Each process start compares its own values with this one and records any
    difference as a ConfigurationChange (accesslog.configuration.environment_check)."""

    digest = models.CharField(max_length=64)
    values = models.JSONField(default=dict)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "audits_environmentfingerprint"

    def __str__(self):
        return f"settings fingerprint {self.digest[:12]} ({self.recorded_at:%Y-%m-%d %H:%M})"
