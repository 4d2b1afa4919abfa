"""The actions recorded in the access log (AU-1): one enum, used by every call of
record_access and every filter on AccessEvent.action, so auditors can filter by them and
the annual report (AU-4) can count them. A StrEnum: each member is its own string value,
so the stored text, the exports and the hash chain (accesslog/chain.py) are unchanged."""

from enum import StrEnum


class Action(StrEnum):
    # Sign-in and the second factor (Q-5, issue 8).
    AUTH_LOGIN = "auth.login"
    AUTH_LOGIN_FAILED = "auth.login_failed"
    AUTH_LOCKOUT = "auth.lockout"
    AUTH_LOGOUT = "auth.logout"
    AUTH_MFA_VERIFIED = "auth.mfa_verified"
    AUTH_MFA_FAILED = "auth.mfa_failed"
    AUTH_MFA_ENROLLED = "auth.mfa_enrolled"
    AUTH_MFA_RECOVERY_CODES = "auth.mfa_recovery_codes"
    AUTH_MFA_RESET = "auth.mfa_reset"
    AUTH_REAUTHENTICATED = "auth.reauthenticated"
    AUTH_REAUTH_FAILED = "auth.reauth_failed"
    AUTH_REAUTH_REQUIRED = "auth.reauth_required"
    AUTH_SSO_LOGIN = "auth.sso_login"
    AUTH_SSO_REFUSED = "auth.sso_refused"
    AUTH_SSO_FAILED = "auth.sso_failed"
    AUTH_SSO_LINKED = "auth.sso_linked"
    # Account hygiene: disabled for disuse, re-enabled.
    ACCOUNT_DISABLED = "account.disabled"
    ACCOUNT_REENABLED = "account.reenabled"

    TRAINING_GATE_REFUSED = "training.gate_refused"
    OBJECT_REFUSED = "access.refused"  # a 404 answered to a signed-in member (accesslog.refusals)
    # Q-6 screening of a typed reason (alpr.prohibited): a refusal, or a flag for the auditors.
    SCREENING_REFUSED = "screening.refused"
    SCREENING_FLAGGED = "screening.flagged"
    TRAINING_RECORD_CREATE = "training.record_create"
    TRAINING_IMPORT = "training.import"
    TRAINING_CERTIFICATE_VIEW = "training.certificate_view"
    TRAINING_ROSTER_EXPORT = "training.roster_export"

    DESIGNATION_CREATE = "designation.create"
    DESIGNATION_REVOKE = "designation.revoke"
    AGENCY_RECLASSIFY = "agency.reclassify"  # issue 20 §2: kind or state changed (SH-3), re-authenticated

    # Cameras, reads, hits and searches (alpr).
    CAMERA_TOKEN_ISSUED = "camera.token_issued"  # noqa: S105 (an action name, not a secret)
    CAMERA_TOKEN_REVOKED = "camera.token_revoked"  # noqa: S105
    # CAM-1 (issue 20): start-of-shift checks, right-of-way attestations, silent cameras.
    CAMERA_SHIFT_CHECK = "camera.shift_check"
    CAMERA_SITE_ATTESTED = "camera.site_attested"
    CAMERA_GO_LIVE_REFUSED = "camera.go_live_refused"
    CAMERA_SILENT = "camera.silent"
    CAMERA_SILENCE_CLEARED = "camera.silence_cleared"
    INGEST_UPLOAD = "ingest.upload"
    INGEST_EDGE_READS = "ingest.edge_reads"
    READ_VIEW = "read.view"
    HIT_LIST = "hit.list"
    HIT_VIEW = "hit.view"
    HIT_TRANSITION = "hit.transition"
    HIT_STOP_DOCUMENTED = "hit.stop_documented"
    SEARCH_RUN = "search.run"
    SEARCH_REFUSED = "search.refused"
    SEARCH_RESULTS = "search.results"
    SEARCH_RECORDS_VIEW = "search.records_view"
    SEARCH_EXPORT = "search.export"

    # Retention and legal holds (RT-1, RT-2).
    RETENTION_PURGE = "retention.purge"
    RETENTION_HOLD_PLACE = "retention.hold_place"
    RETENTION_HOLD_APPROVE = "retention.hold_approve"
    RETENTION_HOLD_DENY = "retention.hold_deny"
    RETENTION_HOLD_RELEASE = "retention.hold_release"
    RETENTION_HOLD_VIEW = "retention.hold_view"

    # Hot lists and entry requests.
    HOTLIST_CREATE = "hotlist.create"
    HOTLIST_SET_ACTIVE = "hotlist.set_active"
    HOTLIST_IMPORT = "hotlist.import"
    HOTLIST_IMPORT_VIEW = "hotlist.import_view"
    HOTLIST_DEVICE_DOWNLOAD = "hotlist.device_download"
    HOTLIST_ENTRY_EXPIRED = "hotlist.entry_expired"
    HOTLIST_REQUEST_SUBMIT = "hotlist.request_submit"
    HOTLIST_REQUEST_APPROVE = "hotlist.request_approve"
    HOTLIST_REQUEST_DISAPPROVE = "hotlist.request_disapprove"
    HOTLIST_REQUEST_ASK_REMOVAL = "hotlist.request_ask_removal"
    HOTLIST_REQUEST_REMOVE = "hotlist.request_remove"
    HOTLIST_REQUEST_VIEW = "hotlist.request_view"
    # HL-2 (issue 22): pulled hot lists (hotlists/sources): each pull, a list gone stale, and
    # a stale list current again.
    HOTLIST_PULL = "hotlist.pull"
    HOTLIST_STALE = "hotlist.stale"
    HOTLIST_CURRENT_AGAIN = "hotlist.current_again"

    # Sharing requests and packages.
    SHARING_REQUEST_RECEIVE = "sharing.request_receive"
    SHARING_REQUEST_VIEW = "sharing.request_view"
    SHARING_RIGHT_AND_NEED = "sharing.step1"  # SH-2 step 1: right and need to know documented
    SHARING_DECIDE = "sharing.decide"
    SHARING_PACKAGE_BUILD = "sharing.package_build"
    SHARING_PACKAGE_DOWNLOAD = "sharing.package_download"
    SHARING_FOLDER_VIEW = "sharing.folder_view"
    SHARING_DOCUMENT_VIEW = "sharing.document_view"
    SHARING_REPORT = "sharing.report"

    # The access log itself and oversight (audits).
    ACCESS_LOG_VIEW = "access_log.view"
    ACCESS_LOG_EXPORT = "access_log.export"
    ACCESS_LOG_VERIFY = "access_log.verify"
    ACCESS_LOG_SEARCH = "access_log.search"  # issue 19: full-text search and counts
    ACCESS_LOG_SEARCH_EXPORT = "access_log.search_export"
    ACCESS_LOG_EXPORT_SIGNED = "access_log.export_signed"  # issue 19: signed, verifiable export

    AUDIT_OPEN = "audit.open"
    AUDIT_VIEW = "audit.view"
    AUDIT_ITEM_REVIEW = "audit.item_review"
    AUDIT_FINALISE = "audit.finalise"
    AUDIT_MEMO_DOWNLOAD = "audit.memo_download"
    AUDIT_CORRECTION_CLOSE = "audit.correction_close"
    AUDIT_REDERIVE = "audit.rederive"  # issue 20: re-derive the sample against the stored population
    AUDIT_CORRECTIONS_EXPORT = "audit.corrections_export"  # issue 20: data errors for NCRIC (003 §418.6)

    ANNUAL_REPORT_GENERATE = "annual_report.generate"
    ANNUAL_REPORT_DOWNLOAD = "annual_report.download"
    # AU-6: the O.M.C. 9.64 sections the Coordinator enters.
    ANNUAL_REPORT_CONTENTS_VIEW = "annual_report.contents_view"
    ANNUAL_REPORT_CONTENTS_EDIT = "annual_report.contents_edit"
    ANNUAL_REPORT_CONTENTS_FINALISE = "annual_report.contents_finalise"
    ANNUAL_REPORT_CONTENTS_REOPEN = "annual_report.contents_reopen"

    # BR-1: the breach workflow (Civil Code 1798.82).
    BREACH_REPORT = "breach.report"
    BREACH_VIEW = "breach.view"
    BREACH_STEP = "breach.step"

    # Issue 19 §6: configuration changes and their history page.
    CONFIGURATION_CHANGE = "configuration.change"
    CONFIGURATION_HISTORY_VIEW = "configuration.history_view"
