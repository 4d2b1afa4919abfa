"""The roles of ID-2 as Django groups, and the permissions each one holds.

This map is the single source of truth: `sync_role_groups` makes the groups hold
exactly these permissions (deny by default) after every migrate. README.md documents
what each role may do; keep the two together.
"""

from __future__ import annotations

import logging

OFFICER = "Officer"
PST = "Police Service Technician"
CRIME_ANALYST = "Crime Analyst"
INVESTIGATOR = "Investigator"
ADMINISTRATOR = "ALPR Administrator"
COORDINATOR = "ALPR Coordinator"
AUDITOR = "Auditor"
# Issue 20 §3: records staff receive written requests (DGO I-12 section I: requests are
# "made in writing" and "maintained in a secure folder") and log them; whoever logs a
# request may not decide it, so with records staff logging, a department with one ALPR
# Administrator and no sharing designee can still honour or deny a request.
RECORDS_STAFF = "Records Staff"

ALL_ROLES = (OFFICER, PST, CRIME_ANALYST, INVESTIGATOR, ADMINISTRATOR, COORDINATOR, AUDITOR, RECORDS_STAFF)
# Roles that log written sharing requests (SH-2), besides whoever may decide them.
SHARING_LOGGERS = (ADMINISTRATOR, RECORDS_STAFF)

# Roles allowed to run investigative searches (issue: reads, hits and search).
SEARCH_ROLES = (OFFICER, CRIME_ANALYST, INVESTIGATOR)
# Roles that work live hot-list alerts in the field.
ALERT_ROLES = (OFFICER, PST, INVESTIGATOR, ADMINISTRATOR)
# Roles that may place a legal hold (RT-2); the retention page opens to them and to oversight.
HOLD_PLACERS = (INVESTIGATOR, CRIME_ANALYST, OFFICER, ADMINISTRATOR, COORDINATOR)

_VIEW_ONLY_OVERSIGHT = [
    "accounts.view_agency",
    "accounts.view_designation",
    "training.view_trainingcourse",
    "training.view_trainingrecord",
    "accesslog.view_accessevent",
    "accesslog.view_accesslogverification",
    "audits.view_accesslogdigest",  # issue 19: the signed digests (also public)
    "audits.view_audit",
    "audits.view_datacorrection",
    "audits.view_breachrecord",
    "audits.view_complaintrecord",
    "audits.view_annualreport",
    "accesslog.view_configurationchange",  # issue 19 §6
    "audits.view_auditschedule",  # issue 20: the audit cadences (AU-5)
    "audits.view_auditpopulation",  # issue 20: the populations audits sampled (AU-2)
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [],
    PST: [],
    CRIME_ANALYST: [],
    INVESTIGATOR: [],
    ADMINISTRATOR: [
        "accounts.view_agency",
        "accounts.add_agency",
        "accounts.change_agency",
        "accounts.view_user",
        "accounts.view_designation",
        "accounts.add_designation",
        "accounts.change_designation",
        # ID-3 (issue 20 §4): departmental positions a designation may name, and their holders.
        "accounts.view_position",
        "accounts.add_position",
        "accounts.change_position",
        "training.view_trainingcourse",
        "training.view_trainingrecord",
        "accesslog.view_accessevent",
        # Issue 19: what the category screen dropped, and the configuration history.
        "hotlists.view_feedimport",
        "accesslog.view_configurationchange",
        # HL-2 (issue 22): where the lists are pulled from, and each pull (a superuser
        # configures the sources, as the lists themselves).
        "hotlist_sources.view_hotlistsource",
        "hotlist_sources.view_pullrecord",
        # CAM-1 (issue 20): the cameras with their right-of-way attestation, which the
        # administrator records; the start-of-shift checks and the silent-camera alarms.
        "alpr.view_camera",
        "alpr.view_camerasiteattestation",
        "alpr.add_camerasiteattestation",
        "alpr.view_shiftcheck",
        "ingest.view_camerasilence",
    ],
    COORDINATOR: [
        "accounts.view_agency",
        "accounts.view_user",
        "accounts.view_designation",
        "training.view_trainingcourse",
        "training.add_trainingcourse",
        "training.change_trainingcourse",
        "training.view_trainingrecord",
        "training.add_trainingrecord",
        "training.change_trainingrecord",
        "accesslog.view_accessevent",
        "accesslog.view_accesslogverification",
        "audits.view_accesslogdigest",
        "audits.view_audit",
        "audits.view_datacorrection",
        # AU-4: the Coordinator keeps the breach and complaint logs and generates the report.
        "audits.view_breachrecord",
        "audits.add_breachrecord",
        "audits.change_breachrecord",
        "audits.view_complaintrecord",
        "audits.add_complaintrecord",
        "audits.change_complaintrecord",
        "audits.view_annualreport",
        "accesslog.view_configurationchange",
        # AU-5 (issue 20): the Coordinator keeps the audit cadences the policies set.
        "audits.view_auditschedule",
        "audits.add_auditschedule",
        "audits.change_auditschedule",
        "audits.view_auditpopulation",
    ],
    AUDITOR: _VIEW_ONLY_OVERSIGHT + ["accounts.view_user"],
    RECORDS_STAFF: [],
}

logger = logging.getLogger(__name__)


def sync_role_groups(using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions in ROLE_PERMISSIONS.

    Permissions whose app has not been migrated yet are skipped; the next post_migrate
    adds them.
    """
    from django.contrib.auth.models import Group, Permission

    for role in ALL_ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for dotted in ROLE_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".", 1)
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)


def sync_role_groups_on_migrate(sender, using="default", **kwargs):
    sync_role_groups(using=using)
