"""Access control proven, not assumed (issue 8): every URL pattern the project serves, for
every role plus anonymous, an untrained member and another agency's member, answers what
this table says. A URL added without a row here fails the test.

The world is the demo (`manage.py demo`): real hits, reads with images, searches, holds,
hot-list requests, sharing requests with documents and a package, an open audit. Each
pattern's parameters come from those objects (`_kwargs`); an object the demo lacks is
asked for by an id that does not exist (the row then reads 404 or a gate's answer).

Codes: 200 page, 302 redirect (anonymous: to sign-in; the admin: to its sign-in; stale
authentication: to re-authentication), 401 API without credentials, 403 refusal that may
be explained (training gate, a role without a permission in the admin), 404 what does
not exist for this caller, 405 a POST-only URL asked with GET (after the gates).

Each URL is one test case for GET and one for POST (issue 18: who may act, not only who
may look): the POST, with no valid form, answers as EXPECTED_POST says, and changes
nothing (every table's row count, every workflow's status, accounts) unless
POST_CHANGES names the persona.

To print the table as the system answers now (then read every changed line before
pasting it): ALPR_ACCESS_MATRIX_PRINT=1 pytest tests/test_access_matrix.py -s
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Agency, Designation, User
from alpr.images import image_url
from alpr.models import Camera, Hit, LegalHold, Read, Search
from audits.models import AnnualReportContents, Audit, BreachRecord, DataCorrection
from hotlists.models import FeedImport, HotlistEntryRequest
from sharing.models import SharingRequest
from training.models import TrainingRecord

PERSONAS = ("anonymous", "officer", "pst", "analyst", "investigator", "administrator", "coordinator", "auditor",
            "designee", "untrained", "outsider")
MISSING = 999_999

# url name: answers in PERSONAS order
#  anon officer pst analyst investigator administrator coordinator auditor designee untrained outsider
EXPECTED: dict[str, str] = {
    "accounts:login": "200 302 302 302 302 302 302 302 302 302 302",
    # Issue 21 §1: the offline basemap's tiles; no file is configured in the demo world.
    "map_tile": "302 404 404 404 404 404 404 404 404 403 404",
    "accounts:logout": "405 405 405 405 405 405 405 405 405 405 405",
    # Single sign-on (issue 22): not configured in the demo world, so nobody reaches it.
    "accounts:oidc_login": "404 404 404 404 404 404 404 404 404 404 404",
    "accounts:oidc_callback": "404 404 404 404 404 404 404 404 404 404 404",
    "accounts:dashboard": "302 200 200 200 200 200 200 200 200 403 200",
    "accounts:mfa_verify": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:mfa_setup": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:mfa_manage": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:reauthenticate": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:designations": "302 404 404 404 404 200 404 404 404 403 404",
    "accounts:designation_revoke": "302 405 405 405 405 405 405 405 405 403 405",
    # Issue 20 §2: an agency's kind and state, the administrator's alone.
    "accounts:agencies": "302 404 404 404 404 200 404 404 404 403 404",
    "accounts:agency_classification": "302 404 404 404 404 200 404 404 404 403 404",
    "alpr:index": "302 302 302 302 302 302 302 302 302 403 302",
    "alpr:alerts": "302 200 200 404 200 200 404 404 200 403 200",
    "alpr:alerts_feed": "302 200 200 404 200 200 404 404 200 403 200",
    "alpr:hit_detail": "302 200 200 404 200 200 404 404 200 403 404",
    "alpr:hit_stop": "302 405 405 405 405 405 405 405 405 403 405",
    "alpr:hit_transition": "302 405 405 405 405 405 405 405 405 403 405",
    "alpr:search": "302 200 404 200 200 404 404 404 200 403 200",
    # CAM-1 (issue 20): those who drive units check them; another agency's unit is 404.
    "alpr:shift_checks": "302 200 200 404 404 404 404 404 200 403 200",
    "alpr:shift_check_new": "302 200 200 404 404 404 404 404 200 403 404",
    "alpr:searches": "302 200 404 200 200 404 404 200 200 403 200",
    "alpr:search_results": "302 404 404 200 404 404 404 404 404 403 404",
    "alpr:search_export": "302 404 404 200 404 404 404 404 404 403 404",
    "alpr:search_package": "302 404 404 200 404 404 404 404 404 403 404",
    "alpr:read_detail": "302 200 200 200 200 200 404 404 200 403 404",
    "alpr:read_image": "302 200 200 200 200 200 404 404 200 403 404",
    "alpr:retention": "302 200 404 200 200 200 200 200 200 403 200",
    "alpr:retention_schedule": "302 404 404 404 404 200 404 404 404 403 404",
    "alpr:hold_new": "302 200 404 200 200 200 200 404 200 403 200",
    "alpr:hold_detail": "302 404 404 404 200 200 200 200 404 403 404",
    "alpr:hold_action": "302 405 405 405 405 405 405 405 405 403 405",
    "hotlists:index": "302 200 200 200 200 200 404 200 200 403 404",
    "hotlists:request_new": "302 200 200 200 200 200 404 404 200 403 404",
    "hotlists:my_requests": "302 200 200 200 200 200 200 200 200 403 200",
    "hotlists:queue": "302 404 404 404 404 200 404 404 200 403 404",
    "hotlists:request_detail": "302 404 404 404 200 200 404 200 200 403 404",
    "hotlists:request_action": "302 405 405 405 405 405 405 405 405 403 405",
    "hotlists:import_upload": "302 404 404 404 404 200 404 404 404 403 404",
    "hotlists:import_detail": "302 404 404 404 404 200 200 200 404 403 404",
    "sharing:index": "302 404 404 404 404 200 404 200 200 403 404",
    "sharing:request_new": "302 404 404 404 404 200 404 404 200 403 404",
    "sharing:request_detail": "302 404 404 404 404 200 404 200 200 403 404",
    "sharing:package_download": "302 404 404 404 404 200 404 404 200 403 404",
    "sharing:document": "302 404 404 404 404 200 404 200 200 403 404",
    "sharing:request_action": "302 405 405 405 405 405 405 405 405 403 405",
    "sharing:report": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:index": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:access_log_export": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:verify_now": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:log_search": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:log_search_csv": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:log_search_counts_csv": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:audit_list": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:audit_new": "302 404 404 404 404 404 404 200 404 403 404",
    "audits:audit_detail": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:audit_rederive": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:corrections_ncric_csv": "302 404 404 404 404 200 404 404 404 403 404",
    "audits:item_review": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:audit_finalise": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:audit_memo": "302 404 404 404 404 404 404 404 404 403 404",
    "audits:corrections": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:configuration_history": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:correction_close": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:breach_list": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:breach_new": "302 404 404 404 404 200 200 404 404 403 404",
    "audits:breach_detail": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:breach_step": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:report_contents_index": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:report_contents_open": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:report_contents": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:report_contents_finalise": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:report_contents_reopen": "302 405 405 405 405 405 405 405 405 403 405",
    "training:index": "302 404 404 404 404 200 200 200 404 403 404",
    "training:required": "200 403 403 403 403 403 403 403 403 403 403",
    "training:roster_export": "302 404 404 404 404 200 200 200 404 403 404",
    "training:import": "302 404 404 404 404 404 404 404 404 403 404",
    "training:certificate": "302 200 404 404 404 200 200 200 404 403 404",
    "ingest:index": "302 404 200 200 404 200 404 404 404 403 404",
    "ingest:jobs": "302 404 200 200 404 200 404 404 404 403 404",
    "alpr_api:hits": "401 200 200 200 200 200 200 200 200 403 200",
    "alpr_api:hit": "401 200 200 404 200 200 404 404 200 403 404",
    "alpr_api:hit_transition": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:hit_stop": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:searches": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:search_reads": "401 404 404 200 404 404 404 404 404 403 404",
    "alpr_api:search_read": "401 404 404 200 404 404 404 404 404 403 404",
    "alpr_api:read_image": "401 200 200 200 200 200 404 404 200 403 404",
    "hotlists_api:lists": "401 200 200 200 200 200 200 200 200 403 200",
    "hotlists_api:requests": "401 200 200 200 200 200 200 200 200 403 200",
    "hotlists_api:request": "401 404 404 404 200 200 404 200 200 403 404",
    "hotlists_api:request_decision": "401 405 405 405 405 405 405 405 405 403 405",
    "hotlists_api:imports": "401 405 405 405 405 405 405 405 405 403 405",
    "hotlists_api:import": "401 404 404 404 404 200 200 200 404 403 404",
    "hotlists_api:device_hotlist": "401 401 401 401 401 401 401 401 401 401 401",
    "ingest_api:camera_frames": "405 405 405 405 405 405 405 405 405 405 405",
    "ingest_api:camera_reads": "405 405 405 405 405 405 405 405 405 405 405",
    "ingest_api:camera_reads_openalpr": "405 405 405 405 405 405 405 405 405 405 405",
    "ingest_api:camera_reads_platerecognizer": "405 405 405 405 405 405 405 405 405 405 405",
    "api-schema": "401 200 200 200 200 200 200 200 200 403 200",
    "health": "200 200 200 200 200 200 200 200 200 200 200",
    "transparency": "200 200 200 200 200 200 200 200 200 200 200",
}

# POST with no valid form, in PERSONAS order (issue 18: who may act). 400 form or rule
# refused, 409 the workflow refuses the move, 302 done or sent on (sign-in, re-authentication).
EXPECTED_POST: dict[str, str] = {
    "map_tile": "302 405 405 405 405 405 405 405 405 403 405",  # issue 21 §1: tiles are read-only
    "accounts:dashboard": "302 200 200 200 200 200 200 200 200 403 200",
    "accounts:designation_revoke": "302 404 404 404 404 302 404 404 404 403 404",
    "accounts:agencies": "302 404 404 404 404 200 404 404 404 403 404",
    "accounts:agency_classification": "302 404 404 404 404 200 404 404 404 403 404",
    "accounts:designations": "302 404 404 404 404 200 404 404 404 403 404",
    "accounts:login": "200 302 302 302 302 302 302 302 302 302 302",
    "accounts:logout": "302 302 302 302 302 302 302 302 302 302 302",
    "accounts:oidc_login": "405 405 405 405 405 405 405 405 405 405 405",
    "accounts:oidc_callback": "405 405 405 405 405 405 405 405 405 405 405",
    "accounts:mfa_manage": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:mfa_setup": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:mfa_verify": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:reauthenticate": "302 200 200 200 200 200 200 200 200 200 200",
    "alpr:alerts": "302 200 200 404 200 200 404 404 200 403 200",
    "alpr:alerts_feed": "302 200 200 404 200 200 404 404 200 403 200",
    "alpr:hit_detail": "302 200 200 404 200 200 404 404 200 403 404",
    "alpr:hit_stop": "302 400 400 404 400 400 404 404 400 403 404",
    "alpr:hit_transition": "302 400 400 404 400 400 404 404 400 403 404",
    "alpr:hold_action": "302 404 404 404 302 302 302 302 404 403 404",
    "alpr:hold_detail": "302 404 404 404 200 200 200 200 404 403 404",
    "alpr:hold_new": "302 200 404 200 200 200 200 404 200 403 200",
    "alpr:index": "302 302 302 302 302 302 302 302 302 403 302",
    "alpr:read_detail": "302 200 200 200 200 200 404 404 200 403 404",
    "alpr:read_image": "302 200 200 200 200 200 404 404 200 403 404",
    "alpr:retention": "302 200 404 200 200 200 200 200 200 403 200",
    "alpr:retention_schedule": "302 404 404 404 404 200 404 404 404 403 404",
    # CAM-1 (issue 20): those who drive units check them; another agency's unit is 404.
    "alpr:shift_checks": "302 200 200 404 404 404 404 404 200 403 200",
    "alpr:shift_check_new": "302 200 200 404 404 404 404 404 200 403 404",
    "alpr:search": "302 200 404 200 200 404 404 404 200 403 200",
    "alpr:search_export": "302 404 404 200 404 404 404 404 404 403 404",
    "alpr:search_package": "302 404 404 200 404 404 404 404 404 403 404",
    "alpr:search_results": "302 404 404 200 404 404 404 404 404 403 404",
    "alpr:searches": "302 200 404 200 200 404 404 200 200 403 200",
    "alpr_api:hit": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:hit_stop": "401 400 400 404 400 400 404 404 400 403 404",
    "alpr_api:hit_transition": "401 400 400 404 400 400 404 404 400 403 404",
    "alpr_api:hits": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:read_image": "401 200 200 200 200 200 404 404 200 403 404",
    "alpr_api:search_read": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:search_reads": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:searches": "401 400 404 400 400 404 404 404 400 403 400",
    "api-schema": "401 405 405 405 405 405 405 405 405 403 405",
    "audits:access_log_export": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:audit_rederive": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:corrections_ncric_csv": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:audit_detail": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:audit_finalise": "302 404 404 404 404 404 302 302 404 403 404",
    "audits:audit_list": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:audit_memo": "302 404 404 404 404 404 404 404 404 403 404",
    "audits:audit_new": "302 404 404 404 404 404 404 200 404 403 404",
    "audits:correction_close": "302 404 404 404 404 404 404 404 404 403 404",
    "audits:configuration_history": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:log_search": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:log_search_csv": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:log_search_counts_csv": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:corrections": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:index": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:item_review": "302 404 404 404 404 404 302 302 404 403 404",
    "audits:verify_now": "302 404 404 404 404 404 404 302 404 403 404",
    "audits:breach_list": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:breach_new": "302 404 404 404 404 200 200 404 404 403 404",
    "audits:breach_detail": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:breach_step": "302 404 404 404 404 302 302 404 404 403 404",
    "audits:report_contents_index": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:report_contents_open": "302 404 404 404 404 404 302 404 404 403 404",
    "audits:report_contents": "302 404 404 404 404 404 200 404 404 403 404",
    "audits:report_contents_finalise": "302 404 404 404 404 404 302 404 404 403 404",
    "audits:report_contents_reopen": "302 404 404 404 404 404 302 404 404 403 404",
    "health": "200 200 200 200 200 200 200 200 200 200 200",
    "hotlists:import_detail": "302 404 404 404 404 200 200 200 404 403 404",
    "hotlists:import_upload": "302 404 404 404 404 200 404 404 404 403 404",
    "hotlists:index": "302 200 200 200 200 200 404 200 200 403 404",
    "hotlists:my_requests": "302 200 200 200 200 200 200 200 200 403 200",
    "hotlists:queue": "302 404 404 404 404 200 404 404 200 403 404",
    "hotlists:request_action": "302 404 404 404 302 302 404 302 302 403 404",
    "hotlists:request_detail": "302 404 404 404 200 200 404 200 200 403 404",
    "hotlists:request_new": "302 200 200 200 200 200 404 404 200 403 404",
    "hotlists_api:device_hotlist": "405 405 405 405 405 405 405 405 405 405 405",
    "hotlists_api:import": "401 405 405 405 405 405 405 405 405 403 405",
    "hotlists_api:imports": "401 404 404 404 404 400 404 404 404 403 404",
    "hotlists_api:lists": "401 405 405 405 405 405 405 405 405 403 405",
    "hotlists_api:request": "401 405 405 405 405 405 405 405 405 403 405",
    "hotlists_api:request_decision": "401 404 404 404 400 400 404 400 400 403 404",
    "hotlists_api:requests": "401 400 400 400 400 400 400 400 400 403 400",
    "ingest:index": "302 404 200 200 404 200 404 404 404 403 404",
    "ingest:jobs": "302 404 200 200 404 200 404 404 404 403 404",
    "ingest_api:camera_frames": "401 401 401 401 401 401 401 401 401 401 401",
    "ingest_api:camera_reads": "401 401 401 401 401 401 401 401 401 401 401",
    "ingest_api:camera_reads_openalpr": "401 401 401 401 401 401 401 401 401 401 401",
    "ingest_api:camera_reads_platerecognizer": "401 401 401 401 401 401 401 401 401 401 401",
    "sharing:document": "302 404 404 404 404 200 404 200 200 403 404",
    "sharing:index": "302 404 404 404 404 200 404 200 200 403 404",
    "sharing:package_download": "302 404 404 404 404 200 404 404 200 403 404",
    "sharing:report": "302 404 404 404 404 200 200 200 404 403 404",
    "sharing:request_action": "302 404 404 404 404 302 404 302 302 403 404",
    "sharing:request_detail": "302 404 404 404 404 200 404 200 200 403 404",
    "sharing:request_new": "302 404 404 404 404 200 404 404 200 403 404",
    "training:certificate": "302 200 404 404 404 200 200 200 404 403 404",
    "training:import": "302 404 404 404 404 404 302 404 404 403 404",
    "training:index": "302 404 404 404 404 404 200 404 404 403 404",
    "training:required": "200 403 403 403 403 403 403 403 403 403 403",
    "training:roster_export": "302 404 404 404 404 200 200 200 404 403 404",
    "transparency": "200 200 200 200 200 200 200 200 200 200 200",
}
# The POSTs above that may change something with an empty form, and for whom.
POST_CHANGES: dict[str, list[str]] = {
    "audits:verify_now": ["auditor"],  # a verification run is recorded (AU-1)
}

# Admin URLs are checked per model: "app_label.model": (changelist/change/history answers,
# add answers). Delete is never offered to anyone but a superuser on these models.
EXPECTED_ADMIN: dict[str, tuple[str, str]] = {
    "auth.group": ("302 302 302 302 302 403 403 403 302 302 302",
                   "302 302 302 302 302 403 403 403 302 302 302"),
    "authtoken.tokenproxy": ("302 302 302 302 302 403 403 403 302 302 302",
                             "302 302 302 302 302 403 403 403 302 302 302"),
    "auditlog.logentry": ("302 302 302 302 302 403 403 403 302 403 302",
                          "302 302 302 302 302 403 403 403 302 403 302"),
    "axes.accessattempt": ("302 302 302 302 302 403 403 403 302 302 302",
                           "302 302 302 302 302 403 403 403 302 302 302"),
    "axes.accesslog": ("302 302 302 302 302 403 403 403 302 302 302",
                       "302 302 302 302 302 403 403 403 302 302 302"),
    "axes.accessfailurelog": ("302 302 302 302 302 403 403 403 302 302 302",
                              "302 302 302 302 302 403 403 403 302 302 302"),
    "accounts.agency": ("302 302 302 302 302 200 200 200 302 302 302",
                        "302 302 302 302 302 200 403 403 302 302 302"),
    "accounts.user": ("302 302 302 302 302 200 200 200 302 302 302",
                      "302 302 302 302 302 403 403 403 302 302 302"),
    "accounts.designation": ("302 302 302 302 302 200 200 200 302 302 302",
                             "302 302 302 302 302 200 403 403 302 302 302"),
    # Issue 20 §4: departmental positions a designation may name; the administrator's.
    "accounts.position": ("302 302 302 302 302 200 403 403 302 302 302",
                          "302 302 302 302 302 200 403 403 302 302 302"),
    "accounts.notification": ("302 302 302 302 302 403 403 403 302 302 302",
                              "302 302 302 302 302 403 403 403 302 302 302"),
    "training.trainingcourse": ("302 302 302 302 302 200 200 200 302 302 302",
                                "302 302 302 302 302 403 200 403 302 302 302"),
    "training.trainingrecord": ("302 302 302 302 302 200 200 200 302 302 302",
                                "302 302 302 302 302 403 200 403 302 302 302"),
    "accesslog.accessevent": ("302 302 302 302 302 200 200 200 302 403 302",
                           "302 302 302 302 302 403 403 403 302 403 302"),
    "accesslog.accesslogverification": ("302 302 302 302 302 403 200 200 302 403 302",
                                     "302 302 302 302 302 403 403 403 302 403 302"),
    "audits.accesslogdigest": ("302 302 302 302 302 403 200 200 302 403 302",
                               "302 302 302 302 302 403 403 403 302 403 302"),
    "audits.audit": ("302 302 302 302 302 403 200 200 302 403 302",
                     "302 302 302 302 302 403 403 403 302 403 302"),
    "audits.auditpopulation": ("302 302 302 302 302 403 200 200 302 403 302",
                               "302 302 302 302 302 403 403 403 302 403 302"),
    "audits.auditschedule": ("302 302 302 302 302 403 200 200 302 403 302",
                             "302 302 302 302 302 403 200 403 302 403 302"),
    "audits.datacorrection": ("302 302 302 302 302 403 200 200 302 403 302",
                              "302 302 302 302 302 403 403 403 302 403 302"),
    # BR-1: read-only in the admin; reported and moved on the breach pages.
    "audits.breachrecord": ("302 302 302 302 302 403 200 200 302 403 302",
                            "302 302 302 302 302 403 403 403 302 403 302"),
    "audits.complaintrecord": ("302 302 302 302 302 403 200 200 302 403 302",
                               "302 302 302 302 302 403 200 403 302 403 302"),
    "audits.annualreport": ("302 302 302 302 302 403 200 200 302 403 302",
                            "302 302 302 302 302 403 403 403 302 403 302"),
    "accesslog.configurationchange": ("302 302 302 302 302 200 200 200 302 403 302",
                                   "302 302 302 302 302 403 403 403 302 403 302"),
    "accesslog.environmentfingerprint": ("302 302 302 302 302 403 403 403 302 403 302",
                                      "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.datasource": ("302 302 302 302 302 403 403 403 302 403 302",
                        "302 302 302 302 302 403 403 403 302 403 302"),
    # CAM-1 (issue 20): the administrator sees the cameras and their attestations, records
    # attestations, and sees the start-of-shift checks and silent-camera alarms.
    "alpr.camera": ("302 302 302 302 302 200 403 403 302 403 302",
                    "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.camerasiteattestation": ("302 302 302 302 302 200 403 403 302 403 302",
                                   "302 302 302 302 302 200 403 403 302 403 302"),
    "alpr.shiftcheck": ("302 302 302 302 302 200 403 403 302 403 302",
                        "302 302 302 302 302 403 403 403 302 403 302"),
    "ingest.camerasilence": ("302 302 302 302 302 200 403 403 302 403 302",
                             "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.read": ("302 302 302 302 302 403 403 403 302 403 302",
                  "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.hit": ("302 302 302 302 302 403 302/403 302/403 302 403 302",
                 "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.search": ("302 302 302 302 302 403 403 403 302 403 302",
                    "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.dispositioncode": ("302 302 302 302 302 403 403 403 302 403 302",
                             "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.stopreport": ("302 302 302 302 302 403 403 403 302 403 302",
                        "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.hituserobjectpermission": ("302 302 302 302 302 403 403 403 302 403 302",
                                     "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.legalhold": ("302 302 302 302 302 403 403 403 302 403 302",
                       "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.readdailytally": ("302 302 302 302 302 403 403 403 302 403 302",
                            "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.purgerun": ("302 302 302 302 302 403 403 403 302 403 302",
                      "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.hotlist": ("302 302 302 302 302 403 403 403 302 403 302",
                         "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.hotlistentry": ("302 302 302 302 302 403 403 403 302 403 302",
                              "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.hotlistentryrequest": ("302 302 302 302 302 403 302/403 403 302 403 302",
                                     "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.feedimport": ("302 302 302 302 302 200 403 403 302 403 302",
                            "302 302 302 302 302 403 403 403 302 403 302"),
    # HL-2 (issue 22): the administrator sees where lists are pulled from and each pull.
    "hotlist_sources.hotlistsource": ("302 302 302 302 302 200 403 403 302 403 302",
                                      "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlist_sources.pullrecord": ("302 302 302 302 302 200 403 403 302 403 302",
                                   "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.matcherversion": ("302 302 302 302 302 403 403 403 302 403 302",
                                "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.hotlistentryuserobjectpermission": ("302 302 302 302 302 403 403 403 302 403 302",
                                                  "302 302 302 302 302 403 403 403 302 403 302"),
    "sharing.mou": ("302 302 302 302 302 403 403 403 302 403 302",
                    "302 302 302 302 302 403 403 403 302 403 302"),
    "sharing.sharingrequest": ("302 302 302 302 302 403 302/403 403 302 403 302",
                               "302 302 302 302 302 403 403 403 302 403 302"),
    "sharing.sharingpackage": ("302 302 302 302 302 403 403 403 302 403 302",
                               "302 302 302 302 302 403 403 403 302 403 302"),
    "ingest.framejob": ("302 302 302 302 302 403 403 403 302 403 302",
                        "302 302 302 302 302 403 403 403 302 403 302"),
    "ingest.edgeevent": ("302 302 302 302 302 403 403 403 302 403 302",
                         "302 302 302 302 302 403 403 403 302 403 302"),
}
EXPECTED_ADMIN_SITE: dict[str, str] = {
    "app_list": "302 302 302 302 302 200 200 200 302 403 302",
    "audits_annualreport_download": "302 302 302 302 302 404 404 404 302 403 302",
    "audits_annualreport_generate": "302 302 302 302 302 302 302 302 302 403 302",
    "auth_user_password_change": "302 302 302 302 302 403 403 403 302 302 302",
    "autocomplete": "302 302 302 302 302 403 403 403 302 403 302",
    "index": "302 302 302 302 302 200 200 200 302 302 302",
    "jsi18n": "302 302 302 302 302 200 200 200 302 302 302",
    "login": "200 200 200 200 200 302 302 302 200 200 200",
    "logout": "302 302 302 302 302 405 405 405 302 302 302",
    "password_change": "302 302 302 302 302 200 200 200 302 403 302",
    "password_change_done": "302 302 302 302 302 200 200 200 302 403 302",
    "view_on_site": "302 302 302 302 302 404 404 404 302 403 302",
}


def _patterns(patterns=None, namespace=None):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from _patterns(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def _pk(obj):
    return obj.pk if obj is not None else MISSING


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo world, built once for the module (its frames go through OCR) inside a
    transaction rolled back at the end; each test runs in a savepoint within it, so the
    cases below are independent and one failure hides no other (issue 18)."""
    from django.db import transaction
    from django.test import TestCase, override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), \
            pytest.MonkeyPatch.context() as patch, transaction.atomic():
        # The demo's frames go through OCR: keep to those that make a search, an alert and a covert hit.
        patch.setattr("ingest.demo.BACKGROUND_FRAMES", 0)
        patch.setattr("ingest.demo.SEARCH_SEEDS", (100, 105))
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo", verbosity=0)
        _complete_the_demo()
        audit = _first(Audit)
        sharing = _first(SharingRequest, package__isnull=False)
        yield {
            "hit": _first(Hit, entry__hotlist__kind="alert"),
            "read": _first(Read, frame__gt=""),
            "search": _first(Search),
            "hold": _first(LegalHold),
            "hotlist_request": _first(HotlistEntryRequest),
            "import": _first(FeedImport),
            "sharing": sharing,
            "audit": audit,
            "item": audit.items.order_by("pk").first() if audit else None,
            "correction": _first(DataCorrection),
            "record": _first(TrainingRecord, certificate__gt="") or _first(TrainingRecord),
            "designation": _first(Designation),
            "agency": _first(Agency, is_home=False),
            "camera": _first(Camera),
            "breach": _first(BreachRecord),
            "report_contents": _first(AnnualReportContents),
            "unit": _first(Camera, kind=Camera.Kind.MOBILE),  # CAM-1: the demo's patrol unit
        }
        transaction.set_rollback(True)


def _complete_the_demo():
    """What the demo leaves for a person to do, done: a legal hold, the Sheriff's request
    honoured and packaged with its written confirmation on file, a training certificate."""
    from django.core.files.base import ContentFile

    from alpr.services import retention
    from sharing.services import packages
    from sharing.services import requests as sharing_services

    users = {u.username: u for u in User.objects.all()}
    read = _first(Read, frame__gt="")
    retention.hold_place(by=users["investigator"], case_number="26-004512", reason=LegalHold.Reason.ACTIVE_CRIMINAL,
                         justification="Robbery series", review_on=timezone.localdate() + timedelta(days=30),
                         read_ids=[read.pk])
    req = _first(SharingRequest, status=SharingRequest.Status.RECEIVED)
    req.confirmation_document.save("confirmation.pdf", ContentFile(b"%PDF-1.4 written confirmation"))
    req = sharing_services.document_right_and_need(
        req=req, by=users["administrator"],
        legal_authority="Sworn deputy, Alameda County Sheriff, badge 4411 (Penal Code 830.1)",
        need_to_know="Det. Kim leads case SO-26-1234, an armed robbery; the reads place the suspect car near the scene")
    req = sharing_services.decide(req=req, by=users["designee"], honour=True, reason="Right and need shown")
    packages.package_build(req=req, by=users["designee"])
    record = _first(TrainingRecord, member=users["officer"])
    record.certificate.save("certificate.pdf", ContentFile(b"%PDF-1.4 certificate"))


def _kwargs(name: str, pattern: URLPattern, world, user) -> dict:
    keys = set(pattern.pattern.converters)
    kwargs = {}
    object_for = {
        "alpr:hit": "hit", "alpr_api:hit": "hit", "alpr:search": "search", "alpr_api:search": "search",
        "alpr:read": "read", "alpr:hold": "hold", "hotlists:request": "hotlist_request",
        "hotlists_api:request": "hotlist_request", "hotlists:import": "import", "hotlists_api:import": "import",
        "sharing:": "sharing", "audits:audit": "audit", "audits:item": "audit", "audits:correction": "correction",
        "audits:breach": "breach",
        "training:certificate": "record", "accounts:designation": "designation",
        "accounts:agency": "agency",
        "alpr:shift_check": "unit",
    }
    if "pk" in keys:
        owner = next((v for k, v in object_for.items() if name.startswith(k)), None)
        assert owner, f"{name}: say which object its pk names"
        kwargs["pk"] = _pk(world[owner])
    if "year" in keys:
        kwargs["year"] = world["report_contents"].year if world["report_contents"] else 1999
    if "item_pk" in keys:
        kwargs["item_pk"] = _pk(world["item"])
    if "read_id" in keys:
        kwargs["read_id"] = _pk(world["read"])
    if "name" in keys:
        kwargs["name"] = "verify"
    if "action" in keys:
        kwargs["action"] = {"alpr:hold_action": "release", "sharing:request_action": "honour"}.get(name, "approve")
    if "kind" in keys:
        kwargs["kind"] = "confirmation"
    if "fmt" in keys:
        kwargs["fmt"] = "html"
    if {"z", "x", "y"} <= keys:  # issue 21 §1: a basemap tile
        kwargs.update(z=0, x=0, y=0)
    if "token" in keys:
        # Image links are signed for the member who was shown them.
        read = world["read"]
        url = image_url(read=read, kind="frame", user=user) if read and user else "/x/bad-token/"
        kwargs["token"] = url.rstrip("/").rsplit("/", 1)[-1]
    if "app_label" in keys or "object_id" in keys or "content_type_id" in keys:
        raise AssertionError(f"{name}: admin patterns are checked per model")
    return kwargs


def _clients():
    clients = {"anonymous": Client()}
    for username in PERSONAS[1:]:
        client = Client()
        client.force_login(User.objects.get(username=username))  # with the second factor (conftest)
        clients[username] = client
    return clients


def _answer(client, url):
    return str(client.get(url).status_code)


def _row(codes: dict[str, str]) -> str:
    return " ".join(codes[p] for p in PERSONAS)


def _url_patterns():
    return {name: pattern for name, pattern in _patterns() if name is not None and not name.startswith("admin:")}


def test_every_url_has_a_row_in_each_table():
    """A URL added without its GET and POST rows fails here (deny by default: nobody
    decides by accident what a new page answers)."""
    names = set(_url_patterns())
    assert not names - set(EXPECTED), f"URLs with no row in EXPECTED (add one): {sorted(names - set(EXPECTED))}"
    assert not set(EXPECTED) - names, f"rows for URLs that no longer exist: {set(EXPECTED) - names}"
    assert not names - set(EXPECTED_POST), f"URLs with no row in EXPECTED_POST: {sorted(names - set(EXPECTED_POST))}"
    assert not set(EXPECTED_POST) - names, f"POST rows for URLs that no longer exist: {set(EXPECTED_POST) - names}"


def _users():
    return {name: (User.objects.get(username=name) if name != "anonymous" else None) for name in PERSONAS}


@pytest.mark.parametrize("name", sorted(set(EXPECTED) | set(_url_patterns())))
def test_it_answers_a_get_as_the_table_says(world, db, name):
    pattern = _url_patterns()[name]
    clients, users = _clients(), _users()
    codes = {persona: _answer(clients[persona], reverse(name, kwargs=_kwargs(name, pattern, world, users[persona])))
             for persona in PERSONAS}
    if os.environ.get("ALPR_ACCESS_MATRIX_PRINT"):
        print(f'    "{name}": "{_row(codes)}",')
    assert _row(codes) == EXPECTED.get(name)


def test_it_serves_stored_files_only_through_the_checked_views(world, db):
    """Frames, crops, certificates and sharing documents are never served from their
    storage path."""
    from django.conf import settings

    clients = _clients()
    for stored in (world["read"].frame.name, world["record"].certificate.name,
                   world["sharing"].confirmation_document.name):
        for persona in ("anonymous", "administrator", "auditor"):
            assert clients[persona].get(f"{settings.MEDIA_URL}{stored}").status_code == 404, (persona, stored)


def _state():
    """Everything a refused request must leave as it was: the rows of every table but the
    logs a refusal itself writes, and the status of every workflow object."""
    from django.apps import apps

    skip = {"accesslog.accessevent", "sessions.session", "axes.accessattempt", "axes.accesslog",
            "axes.accessfailurelog", "auditlog.logentry", "otp_totp.totpdevice", "otp_static.staticdevice",
            "otp_static.statictoken"}
    from django.db import connection

    tables = sorted({m._meta.db_table for m in apps.get_models()
                     if m._meta.label_lower not in skip and not m._meta.proxy and m._meta.managed})
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:  # one round trip: this runs around every POST
        cursor.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {quote(t)})" for t in tables))  # noqa: S608
        counts = dict(zip(tables, cursor.fetchone(), strict=True))
    statuses = {m._meta.label_lower: sorted(m._default_manager.values_list("pk", "status"))
                for m in (Hit, HotlistEntryRequest, SharingRequest, LegalHold, Audit, DataCorrection)}
    return counts, statuses, sorted(Designation.objects.values_list("pk", "revoked_at")), \
        sorted(User.objects.values_list("pk", "is_active", "password"))


@pytest.mark.parametrize("name", sorted(set(EXPECTED_POST) | set(EXPECTED)))
def test_it_answers_a_post_as_the_table_says_and_changes_nothing_when_refused(world, db, name):
    """Who may act, not only who may look (issue 18): each state-changing URL, POSTed
    by every persona with no valid form, answers as the row says, and a refusal leaves
    every table and workflow as it was."""
    pattern = _url_patterns()[name]
    clients, users = _clients(), _users()
    codes, changed = {}, []
    for persona in PERSONAS:
        url = reverse(name, kwargs=_kwargs(name, pattern, world, users[persona]))
        before = _state()
        response = clients[persona].post(url, {})
        codes[persona] = str(response.status_code)
        if _state() != before:
            changed.append(persona)
    if os.environ.get("ALPR_ACCESS_MATRIX_PRINT"):
        print(f'    "{name}": "{_row(codes)}",')
    assert _row(codes) == EXPECTED_POST.get(name)
    # With no valid form, only the actions below may change anything, and only for
    # whoever the row shows allowed.
    assert changed == POST_CHANGES.get(name, []), f"something changed for {changed}"


STANDARD_ADMIN_VIEWS = ("changelist", "add", "change", "delete", "history")


def _admin_site_names():
    """The admin's own pages and any custom admin view: every admin URL name that is not
    one of a registered model's standard views (those are EXPECTED_ADMIN's)."""
    standard = {f"admin:{m._meta.app_label}_{m._meta.model_name}_{v}" for m in site._registry
                for v in STANDARD_ADMIN_VIEWS}
    return sorted({name.split(":", 1)[1] for name, _ in _patterns()
                   if name and name.startswith("admin:") and name not in standard and name != "admin:None"})


def _admin_site_args(name):
    from django.contrib.contenttypes.models import ContentType

    from audits.models import AnnualReport

    if name == "app_list":
        # The access log's admin section (issue 17 moved it from audits to accesslog); the
        # administrator's log permissions are all there now, so /admin/audits/ is a 404 for them.
        return ["accesslog"]
    if name == "view_on_site":
        designation = _first(Designation)
        return [ContentType.objects.get_for_model(Designation).pk, _pk(designation)]
    if name == "auth_user_password_change":  # setting a member's password
        return [_pk(User.objects.get(username="officer"))]
    if name == "audits_annualreport_download":
        return [_pk(_first(AnnualReport)), "pdf"]
    return []


@pytest.mark.parametrize("name", sorted(EXPECTED_ADMIN_SITE))
def test_it_answers_each_admin_site_page_as_the_table_says(world, db, name):
    clients = _clients()
    url = reverse(f"admin:{name}", args=_admin_site_args(name))
    assert _row({p: _answer(clients[p], url) for p in PERSONAS}) == EXPECTED_ADMIN_SITE[name]


def test_every_admin_page_and_model_has_a_row():
    assert set(_admin_site_names()) == set(EXPECTED_ADMIN_SITE)
    labels = {f"{m._meta.app_label}.{m._meta.model_name}" for m in site._registry}
    unlisted = labels - set(EXPECTED_ADMIN)
    assert not unlisted, f"admin models with no row in EXPECTED_ADMIN: {unlisted}"
    assert not set(EXPECTED_ADMIN) - labels, f"rows for models no longer in the admin: {set(EXPECTED_ADMIN) - labels}"


def _admin_model(label):
    return next(m for m in site._registry if f"{m._meta.app_label}.{m._meta.model_name}" == label)


@pytest.mark.parametrize("label", sorted(EXPECTED_ADMIN))
def test_it_answers_each_admin_model_as_the_table_says(world, db, label):
    clients = _clients()
    model = _admin_model(label)
    base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    obj = model._default_manager.order_by("pk").first()
    view, offered_delete = {}, []
    for persona in PERSONAS:
        answers = {_answer(clients[persona], reverse(f"{base}_changelist"))}
        if obj is not None:
            answers.add(_answer(clients[persona], reverse(f"{base}_change", args=[obj.pk])))
            answers.add(_answer(clients[persona], reverse(f"{base}_history", args=[obj.pk])))
            if _answer(clients[persona], reverse(f"{base}_delete", args=[obj.pk])) == "200":
                offered_delete.append(persona)
        view[persona] = "/".join(sorted(answers))
    add = {p: _answer(clients[p], reverse(f"{base}_add")) for p in PERSONAS}
    if os.environ.get("ALPR_ACCESS_MATRIX_PRINT"):
        print(f'    "{label}": ("{_row(view)}", "{_row(add)}"),')
    assert (_row(view), _row(add)) == EXPECTED_ADMIN[label]
    assert not offered_delete, f"offered delete: {offered_delete}"


def _refusals(user, **filters):
    from accesslog.actions import Action
    from accesslog.models import AccessEvent

    return AccessEvent.objects.filter(user=user, action=Action.OBJECT_REFUSED, outcome="denied", **filters)


def test_it_refuses_and_logs_other_peoples_ids(world, db):
    """IDOR: covert hits and entries, sharing requests and packages, legal holds and
    audits, named by id in the URL or the payload by someone who may not see them."""
    from rest_framework.test import APIClient

    users = {u.username: u for u in User.objects.all()}
    covert_hit = _first(Hit, entry__hotlist__kind="covert")
    covert_request = _first(HotlistEntryRequest, hotlist__kind="covert")
    hold, audit = _first(LegalHold), _first(Audit)
    sharing = world["sharing"]
    assert covert_hit and covert_request and hold and audit and sharing.package
    history = (hold.history.count(), covert_request.history.count(), sharing.history.count())
    attempts = [
        # (who, method, url, payload)
        ("officer", "get", f"/alpr/hits/{covert_hit.pk}/", None),
        ("officer", "post", f"/alpr/hits/{covert_hit.pk}/verify/", {"verify-note": "x"}),
        ("officer", "get", f"/alpr/reads/{covert_hit.read_id}/?case_number=26-1", None),
        ("analyst", "get", f"/hotlists/requests/{covert_request.pk}/", None),
        ("analyst", "post", f"/hotlists/requests/{covert_request.pk}/approve/", {}),
        ("investigator", "get", f"/sharing/requests/{sharing.pk}/", None),
        ("investigator", "get", f"/sharing/requests/{sharing.pk}/package.zip", None),
        ("investigator", "post", f"/sharing/requests/{sharing.pk}/deny/", {"reason": "x"}),
        ("officer", "get", f"/alpr/holds/{hold.pk}/", None),
        ("officer", "post", f"/alpr/holds/{hold.pk}/release/", {"note": "x"}),
        ("administrator", "get", f"/audits/audits/{audit.pk}/", None),
        ("officer", "post", f"/audits/audits/{audit.pk}/items/{audit.items.first().pk}/review/", {}),
        ("outsider", "get", f"/alpr/reads/{world['read'].pk}/?case_number=26-1", None),
        # An id in the payload: a hold built from another member's search.
        ("officer", "get", f"/alpr/holds/new/?search={world['search'].pk}", None),
    ]
    for username, method, url, payload in attempts:
        client = Client()
        client.force_login(users[username])
        before = _refusals(users[username]).count()
        response = getattr(client, method)(url, payload or {})
        assert response.status_code == 404, (username, method, url, response.status_code)
        assert _refusals(users[username]).count() == before + 1, (username, url)
    payload_refusal = _refusals(users["officer"], object_type="alpr:hold_new").get()
    assert payload_refusal.data_elements == {"param:search": str(world["search"].pk)}
    # The API answers the same, and logs the same.
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(users["officer"])
    assert api.get(f"/api/hits/{covert_hit.pk}/").status_code == 404
    assert _refusals(users["officer"], object_type="alpr_api:hit", object_id=str(covert_hit.pk)).exists()
    api.force_login(users["analyst"])
    assert api.get(f"/api/hotlists/requests/{covert_request.pk}/").status_code == 404
    assert _refusals(users["analyst"], object_type="hotlists_api:request").exists()
    # Nothing changed.
    assert (hold.history.count(), covert_request.history.count(), sharing.history.count()) == history

