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


class AccessEvent(models.Model):
    """One access to ALPR data or one sign-in event (AU-1, Q-2, Q-5).

    Written only through `audits.services.record_access`. Append-only in the ORM here,
    and on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE too (migration 0002).
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

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # Auditor search "what did this person do in this period" (AU-1).
            models.Index(fields=["user", "occurred_at"], name="access_user_time"),
            # Annual report counts per action and period (AU-4), e.g. searches this year.
            models.Index(fields=["action", "occurred_at"], name="access_action_time"),
            # "Everything done under this case number".
            models.Index(fields=["case_number"], name="access_case"),
            models.Index(fields=["occurred_at"], name="access_time"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The access log is append-only: an existing entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only: an entry cannot be deleted.")
