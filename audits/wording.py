"""Oversight pages in the auditors' words (issue 21 §6).

The access log stores action codes (`hit.transition`) and data elements as JSON, which is
right for filtering, export and the hash chain (AU-1) but reads like developer output.
These helpers turn both into sentences for the pages; the raw record stays one click away
and exports keep the codes.
"""

from __future__ import annotations

import json
from datetime import date, datetime

ACTION_LABELS = {
    "auth.login": "Signed in",
    "auth.login_failed": "Sign-in failed",
    "auth.lockout": "Locked out after failed sign-ins",
    "auth.logout": "Signed out",
    "auth.mfa_verified": "Two-factor code accepted",
    "auth.mfa_failed": "Two-factor code refused",
    "auth.mfa_enrolled": "Set up two-factor sign-in",
    "auth.mfa_recovery_codes": "Printed two-factor recovery codes",
    "auth.mfa_reset": "Two-factor sign-in reset",
    "auth.reauthenticated": "Confirmed password for a sensitive action",
    "auth.reauth_failed": "Password confirmation failed",
    "auth.reauth_required": "Asked to confirm password",
    "auth.sso_login": "Signed in through single sign-on",
    "auth.sso_refused": "Single sign-on refused",
    "auth.sso_failed": "Single sign-on failed",
    "auth.sso_linked": "Linked a single sign-on account",
    "account.disabled": "Account disabled",
    "account.reenabled": "Account re-enabled",
    "training.gate_refused": "Refused: training not current",
    "access.refused": "Refused: not theirs to see",
    "screening.refused": "Refused: the reason typed names a prohibited use",
    "screening.flagged": "Flagged for audit: the reason typed",
    "training.record_create": "Recorded a training",
    "training.import": "Imported training records",
    "training.roster_export": "Exported the training roster",
    "training.certificate_view": "Viewed a training certificate",
    "designation.create": "Designated someone to act for the Administrator",
    "designation.revoke": "Revoked a designation",
    "agency.reclassify": "Changed an agency's kind or state",
    "access_log.view": "Viewed the access log",
    "access_log.export": "Exported the access log",
    "access_log.verify": "Verified the access log's chain",
    "access_log.search": "Searched the access log",
    "access_log.search_export": "Exported an access-log search",
    "access_log.export_signed": "Exported the signed access log",
    "audit.open": "Opened a sampling audit",
    "audit.view": "Viewed a sampling audit",
    "audit.item_review": "Reviewed an audit item",
    "audit.finalise": "Finalised an audit",
    "audit.memo_download": "Downloaded an audit memo",
    "audit.correction_close": "Closed a data correction",
    "annual_report.generate": "Generated the annual report",
    "annual_report.download": "Downloaded the annual report",
    "configuration.change": "Changed the configuration",
    "configuration.history_view": "Viewed the configuration history",
    "camera.token_issued": "Issued a camera token",
    "camera.token_revoked": "Revoked a camera token",
    "hit.list": "Listed hits",
    "hit.view": "Opened a hit",
    "hit.transition": "Moved a hit to a new step",
    "hit.stop_documented": "Documented a stop",
    "hotlist.create": "Created a hot list",
    "hotlist.device_download": "A camera downloaded the hot list",
    "hotlist.entry_expired": "A hot-list entry expired",
    "hotlist.import": "Imported a hot-list feed",
    "hotlist.import_view": "Viewed a hot-list import",
    "hotlist.pull": "Pulled a hot list from its source",
    "hotlist.stale": "A hot list went stale",
    "hotlist.current_again": "A hot list is current again",
    "hotlist.request_submit": "Asked for a hot-list entry",
    "hotlist.request_view": "Viewed a hot-list entry request",
    "hotlist.request_approve": "Approved a hot-list entry",
    "hotlist.request_disapprove": "Disapproved a hot-list entry",
    "hotlist.request_ask_removal": "Asked for a hot-list entry's removal",
    "hotlist.request_remove": "Removed a hot-list entry",
    "hotlist.set_active": "Switched a hot list on or off",
    "ingest.upload": "Uploaded frames",
    "ingest.edge_reads": "A camera sent reads",
    "read.view": "Opened a read",
    "retention.hold_place": "Placed a legal hold",
    "retention.hold_release": "Released a legal hold",
    "retention.hold_view": "Viewed a legal hold",
    "retention.purge": "Purged reads past retention",
    "search.run": "Ran an investigative search",
    "search.refused": "Search refused",
    "search.results": "Viewed search results",
    "search.export": "Exported search results",
    "search.records_view": "Viewed the search records",
    "sharing.request_receive": "Logged a sharing request",
    "sharing.request_view": "Viewed a sharing request",
    "sharing.folder_view": "Opened the sharing folder",
    "sharing.document_view": "Viewed a sharing document",
    "sharing.decide": "Decided a sharing request",
    "sharing.package_build": "Built a sharing package",
    "sharing.package_download": "Downloaded a sharing package",
    "sharing.report": "Viewed the sharing report",
}

ELEMENT_LABELS = {
    "plate": "Plate",
    "from": "From",
    "to": "To",
    "reason": "Reason",
    "captured_from": "From",
    "captured_to": "To",
    "camera_ids": "Cameras",
    "bbox": "Area (S, W, N, E)",
    "vehicle_color": "Colour",
    "vehicle_make": "Make",
    "vehicle_type": "Body type",
    "clets_reference": "CLETS reference",
    "confirmed_by": "Confirmed by",
    "rows": "Rows",
    "results": "Results",
    "case_number": "Case",
    "username": "User",
    "agency": "Organization",
    "action": "Action",
    "data_element": "Data element",
    "purpose": "Purpose",
    "since": "From",
    "until": "Before",
}


def action_label(code: str) -> str:
    """'hit.transition' -> 'Moved a hit to a new step'; an unknown code still reads as words."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    area, _, verb = (code or "").partition(".")
    words = f"{area.replace('_', ' ')}: {verb.replace('_', ' ')}" if verb else area.replace("_", " ")
    return words[:1].upper() + words[1:]


def element_label(key: str) -> str:
    return ELEMENT_LABELS.get(key) or key.replace("_", " ").capitalize()


def _value(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{element_label(k)}: {_value(v)}" for k, v in value.items())
    if isinstance(value, str):
        # ISO times in criteria: show them as a person writes them.
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value.replace("_", " ") if value.isidentifier() else value
        if isinstance(moment, datetime) and ("T" in value or " " in value):
            return moment.strftime("%Y-%m-%d %H:%M")
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def readable_pairs(data) -> list[tuple[str, str]]:
    """A JSON object of data elements as (label, value) pairs in words."""
    if not data:
        return []
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return [("", data)]
    if not isinstance(data, dict):
        return [("", _value(data))]
    return [(element_label(k), _value(v)) for k, v in data.items()]


def raw_json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True, default=str, ensure_ascii=False)


RAW_FIELDS = ("sequence", "occurred_at", "username", "agency_name", "action", "object_type", "object_id",
              "data_elements", "purpose", "case_number", "client_address", "outcome", "detail", "entry_hash")


def raw_event(event) -> str:
    """The access-log row as stored (after covert redaction, which the page has applied)."""
    return raw_json({name: getattr(event, name, None) for name in RAW_FIELDS})
