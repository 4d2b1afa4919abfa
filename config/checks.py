"""Deploy checks for SEC-1 (policy 002 §G.1: ALPR data "encrypted with AES-256
encryption, both at rest and in transit"), run by `manage.py check --deploy`.

* ingest.E001: no ALPR_MEDIA_KEYS, so stored images would not be sealed with the
  agency's key (ingest/storage.py refuses to store or open one in production).
* config.W001 / W002: the database or the broker is reached over the network without TLS
  (PostgreSQL `sslmode=verify-full`; Redis `rediss://`). A connection to the same
  machine (a Unix socket, localhost, 127.0.0.0/8, ::1) never leaves it and is exempt.

Registered from AccessLogConfig.ready() (config is not an app; accesslog is the
foundation every process loads).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from lib import mediacrypt


def _is_local(host: str | None) -> bool:
    host = (host or "").strip().strip("[]")
    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register(Tags.security, deploy=True)
def check_media_keys(app_configs, **kwargs):
    value = getattr(settings, "ALPR_MEDIA_KEYS", "") or ""
    if not value.strip():
        return [Error("ALPR_MEDIA_KEYS is not set: stored images would not be encrypted with the agency's key "
                      "(SEC-1, policy 002 §G.1).",
                      hint="Set ALPR_MEDIA_KEYS=id:base64-of-32-random-bytes (README, 'Encryption at rest').",
                      id="ingest.E001")]
    try:
        mediacrypt.parse_keys(value)
    except mediacrypt.MediaKeyError as exc:
        return [Error(f"ALPR_MEDIA_KEYS is malformed: {exc}", id="ingest.E002")]
    return []


@register(Tags.security, deploy=True)
def check_database_tls(app_configs, databases=None, **kwargs):
    # `databases` is Django's own argument (the aliases a test run uses); any mapping of
    # alias to settings is also accepted, so the rule is testable without swapping DATABASES.
    configured = databases if isinstance(databases, dict) else settings.DATABASES
    problems = []
    for alias, db in configured.items():
        if "postgresql" not in db.get("ENGINE", "") or _is_local(db.get("HOST")):
            continue
        mode = (db.get("OPTIONS") or {}).get("sslmode", "")
        if mode != "verify-full":
            problems.append(Warning(
                f"Database {alias!r} at {db.get('HOST')} is reached without verified TLS (sslmode={mode or 'unset'}): "
                "ALPR data must be encrypted in transit (SEC-1, policy 002 §G.1).",
                hint="Add ?sslmode=verify-full&sslrootcert=/path/to/ca.pem to DATABASE_URL.", id="config.W001"))
    return problems


@register(Tags.security, deploy=True)
def check_broker_tls(app_configs, **kwargs):
    url = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if not url:
        return []  # tasks run in-process: nothing travels
    parts = urlsplit(url)
    if parts.scheme == "rediss" or _is_local(parts.hostname):
        return []
    return [Warning(
        f"The task broker at {parts.hostname} is reached without TLS ({parts.scheme}://): task arguments travel "
        "in clear (SEC-1, policy 002 §G.1).",
        hint="Use rediss://…?ssl_cert_reqs=required (and REDIS_SSL_CA_FILE for a private CA).", id="config.W002")]
