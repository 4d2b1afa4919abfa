"""The main menu: what each member may do, from their roles and their current designations.

Issue 21 §5: a sharing designee had no link to sharing requests and the administrator's
approval queue was not in the menu. The menu is built here, from the same checks the
pages make (roles, and `approval_authority` for designations, ID-3), so a link is shown
exactly when the page behind it would open.

Oversight and administration pages are grouped under one heading each so the bar fits
on one line at 1280 px whatever combination of roles a member holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from accounts import roles
from accounts.models import Designation
from accounts.selectors import designations_held_by


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str = ""
    children: tuple[MenuItem, ...] = field(default=())

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    def contains(self, path: str) -> bool:
        return any(child.url == path for child in self.children)


def current_designation_scopes(user) -> set[str]:
    """The scopes this member acts in under a current, unrevoked written designation (ID-3)."""
    return set(designations_held_by(user).values_list("scope", flat=True))


def _link(label: str, name: str) -> MenuItem:
    return MenuItem(label=label, url=reverse(name))


def _group(label: str, links: list[MenuItem]) -> list[MenuItem]:
    # A group of one is just a link: no point making someone open a menu for it.
    if not links:
        return []
    if len(links) == 1:
        return links
    return [MenuItem(label=label, children=tuple(links))]


def menu_for(user) -> list[MenuItem]:
    is_admin = user.has_role(roles.ADMINISTRATOR)
    scopes = current_designation_scopes(user)
    may_approve_hotlists = is_admin or Designation.Scope.HOTLIST_APPROVAL in scopes
    may_process_sharing = is_admin or Designation.Scope.SHARING_APPROVAL in scopes
    may_grant_retention = is_admin or Designation.Scope.RETENTION_EXCEPTION in scopes

    work: list[MenuItem] = [_link("Dashboard", "accounts:dashboard")]
    if user.has_role(*roles.ALERT_ROLES):
        work.append(_link("Live alerts", "alpr:alerts"))
    if user.has_role(*roles.SEARCH_ROLES):
        work.append(_link("Search", "alpr:search"))
    if user.has_role(roles.OFFICER, roles.PST, roles.CRIME_ANALYST, roles.INVESTIGATOR, roles.ADMINISTRATOR):
        work.append(_link("Hot lists", "hotlists:index"))
    if user.has_role(roles.PST, roles.CRIME_ANALYST, roles.ADMINISTRATOR):
        work.append(_link("Upload frames", "ingest:index"))
    if user.has_role(roles.RECORDS_STAFF) and not may_process_sharing:
        # Issue 20 §3: records staff log written sharing requests (and see the ones they logged).
        work.append(_link("Sharing requests", "sharing:index"))
    if user.has_role(roles.OFFICER, roles.PST):  # CAM-1: the start-of-shift check (001 Alameda)
        work.append(_link("Shift checks", "alpr:shift_checks"))

    # What waits on this member's decision: their own role's queues, or a designee's.
    approvals: list[MenuItem] = []
    if may_approve_hotlists:
        approvals.append(_link("Hot-list approvals", "hotlists:queue"))
    if may_process_sharing:
        approvals.append(_link("Sharing requests", "sharing:index"))
    # Retention appears once: where this member's part in it is (RT-3 exceptions, holds, review).
    retention = _link("Retention and holds", "alpr:retention")
    # The retention page opens to those who place holds and to oversight (alpr.views.retention).
    may_open_retention = user.has_role(*roles.HOLD_PLACERS, roles.AUDITOR)
    if may_grant_retention and may_open_retention:
        approvals.append(retention)
    elif user.has_role(roles.INVESTIGATOR):
        work.append(retention)

    oversight: list[MenuItem] = []
    if user.has_role(roles.AUDITOR, roles.COORDINATOR, roles.ADMINISTRATOR):
        oversight.append(_link("Access log", "audits:index"))
    if user.has_role(roles.AUDITOR):
        oversight.append(_link("Search records", "alpr:searches"))
    if user.has_role(roles.AUDITOR, roles.COORDINATOR):
        oversight.append(_link("Audits", "audits:audit_list"))
    if user.has_role(roles.AUDITOR) and not may_process_sharing:
        oversight.append(_link("Sharing requests", "sharing:index"))
    if user.has_role(roles.AUDITOR, roles.COORDINATOR) and not may_grant_retention:
        oversight.append(retention)
    if user.has_role(roles.AUDITOR, roles.COORDINATOR, roles.ADMINISTRATOR):
        oversight.append(_link("Configuration history", "audits:configuration_history"))  # issue 19 §6
    if user.has_role(roles.COORDINATOR, roles.AUDITOR, roles.ADMINISTRATOR):
        oversight.append(_link("Training", "training:index"))
    if user.has_role(roles.COORDINATOR, roles.AUDITOR, roles.ADMINISTRATOR):
        oversight.append(_link("Breaches", "audits:breach_list"))  # BR-1
    if user.has_role(roles.COORDINATOR, roles.AUDITOR):
        oversight.append(_link("Annual report sections", "audits:report_contents_index"))  # AU-6

    administration: list[MenuItem] = []
    if is_admin:
        administration.append(_link("Designations", "accounts:designations"))
        administration.append(_link("Agencies", "accounts:agencies"))  # issue 20 §2
    if user.is_staff:
        administration.append(_link("Admin site", "admin:index"))

    return (work + _group("Approvals", approvals) + _group("Oversight", oversight)
            + _group("Administration", administration))


def designation_summaries(user) -> list[str]:
    """'Acting for the ALPR Administrator: Sharing request approval (until 2026-12-31)', for the dashboard."""
    rows = designations_held_by(user).order_by("scope")
    return [f"{row.get_scope_display()} for the ALPR Administrator, until {row.ends_on:%Y-%m-%d}" for row in rows]
