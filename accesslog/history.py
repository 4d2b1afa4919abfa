"""One shape for the history of every workflow (issue 17 part 2): hits (HT-2/HT-3),
hot-list entry requests (HL-6), sharing requests (SH-2), legal holds (RT-2) and sampling
audits (AU-2). Each row says which step was taken, from which status to which, by whom
(empty when the system itself acted, e.g. the alert the matcher raises), when, why, under
which designation where a designee acted, and any details the step recorded.

Before, the five history models differed at random (`details` only on hits,
`designation` only on hot-list requests, `by` nullable on some, status columns of four
widths); each now inherits this and adds only the foreign key to its object, named for
it, with related_name="history"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class WorkflowHistory(models.Model):
    transition = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", help_text="Empty when the system itself made the change.")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    designation = models.ForeignKey("accounts.Designation", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", help_text="The designation a designee acted under.")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
