"""Data errors for the regional centre (San Leandro 003 §418.6: "The ALPR Administrator
shall report any errors to NCRIC for correction"; AU-2: the audit lists data errors so they
can be corrected). A read: the audits' data-error findings and their corrections, as the
CSV the ALPR Administrator sends to NCRIC. Written through lib.csvsafe, since the error
descriptions and the snapshots are free text typed by people (a cell starting with = is
shown as text, never run as a formula)."""

from __future__ import annotations

import io
import json

from django.utils import timezone

from accounts import roles
from lib import csvsafe

HEADER = ["correction", "audit", "audit_period", "population", "item", "when", "user_or_agency", "data",
          "error", "owner", "status", "found_at", "corrected_at", "correction_note"]

# What identifies the record in error for the regional centre, from the item's snapshot.
_DATA_KEYS = ("object", "plate", "data_elements", "criteria", "plates", "list", "state")


def may_export_corrections(user) -> bool:
    """The ALPR Administrator reports errors to NCRIC (003 §418.6); nobody else downloads
    this (404 to everyone else, as every audit page)."""
    return user.is_authenticated and user.has_role(roles.ADMINISTRATOR)


def data_error_corrections(*, status: str = ""):
    """Every correction raised by an audit finding of a data error, oldest first."""
    from audits.models import AuditItem, DataCorrection

    qs = (DataCorrection.objects.filter(item__finding=AuditItem.Finding.DATA_ERROR)
          .select_related("item__audit", "owner").order_by("created_at", "pk"))
    if status in DataCorrection.Status.values:
        qs = qs.filter(status=status)
    return qs


def _data(snapshot: dict) -> str:
    picked = {k: snapshot[k] for k in _DATA_KEYS if snapshot.get(k) not in (None, "", [], {})}
    return json.dumps(picked, sort_keys=True, default=str)


def _local(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def corrections_csv(corrections) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(HEADER)
    for c in corrections:
        item, audit = c.item, c.item.audit
        snap = item.snapshot or {}
        writer.writerow([
            c.pk, audit.pk, f"{audit.period_start} to {audit.period_end}", item.get_population_display(),
            f"{item.object_type} {item.object_id}", snap.get("at", ""), snap.get("user") or snap.get("agency", ""),
            _data(snap), c.description, c.owner.get_full_name() or c.owner.username, c.get_status_display(),
            _local(c.created_at), _local(c.corrected_at), c.correction_note,
        ])
    return out.getvalue()


def dashboard_counts(user) -> list:
    """The administrator's dashboard: open data errors to report to NCRIC, linked to the CSV."""
    from django.urls import reverse

    from accounts.dashboard import ActionCount
    from audits.models import DataCorrection

    if not may_export_corrections(user):
        return []
    count = data_error_corrections(status=DataCorrection.Status.OPEN).count()
    return [ActionCount("Data errors to report to NCRIC", count,
                        reverse("audits:corrections_ncric_csv") + "?status=open")]
