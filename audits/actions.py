"""Names of the actions recorded in the access log (AU-1). One place, so auditors can
filter by them and the annual report can count them."""

AUTH_LOGIN = "auth.login"
AUTH_LOGIN_FAILED = "auth.login_failed"
AUTH_LOCKOUT = "auth.lockout"
AUTH_LOGOUT = "auth.logout"

TRAINING_GATE_REFUSED = "training.gate_refused"
TRAINING_RECORD_CREATE = "training.record_create"

DESIGNATION_CREATE = "designation.create"
DESIGNATION_REVOKE = "designation.revoke"

ACCESS_LOG_VIEW = "access_log.view"
ACCESS_LOG_EXPORT = "access_log.export"
ACCESS_LOG_VERIFY = "access_log.verify"

AUDIT_OPEN = "audit.open"
AUDIT_VIEW = "audit.view"
AUDIT_ITEM_REVIEW = "audit.item_review"
AUDIT_FINALISE = "audit.finalise"
AUDIT_MEMO_DOWNLOAD = "audit.memo_download"
AUDIT_CORRECTION_CLOSE = "audit.correction_close"

ANNUAL_REPORT_GENERATE = "annual_report.generate"
ANNUAL_REPORT_DOWNLOAD = "annual_report.download"
