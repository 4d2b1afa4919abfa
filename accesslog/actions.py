"""Names of the actions recorded in the access log (AU-1). One place, so auditors can
filter by them and the annual report can count them."""

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

TRAINING_GATE_REFUSED = "training.gate_refused"
OBJECT_REFUSED = "access.refused"  # a 404 answered to a signed-in member (accesslog.refusals)
# Q-6 screening of a typed reason (alpr.prohibited): a refusal, or a flag for the auditors.
SCREENING_REFUSED = "screening.refused"
SCREENING_FLAGGED = "screening.flagged"
TRAINING_RECORD_CREATE = "training.record_create"

DESIGNATION_CREATE = "designation.create"
DESIGNATION_REVOKE = "designation.revoke"

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

ANNUAL_REPORT_GENERATE = "annual_report.generate"
ANNUAL_REPORT_DOWNLOAD = "annual_report.download"

# Issue 19 §6: configuration changes and their history page.
CONFIGURATION_CHANGE = "configuration.change"
CONFIGURATION_HISTORY_VIEW = "configuration.history_view"

# HL-2 (issue 22): pulled hot lists (hotlists/sources): each pull, a list gone stale, and
# a stale list current again.
HOTLIST_PULL = "hotlist.pull"
HOTLIST_STALE = "hotlist.stale"
HOTLIST_CURRENT_AGAIN = "hotlist.current_again"
