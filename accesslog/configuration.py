"""Issue 19 §6: configuration alarms.

Every change to what governs oversight and access is recorded with its value before and
after (`change_record`), by the service or admin hook that makes it: retention, sharing
rules and agencies, roles and designations, two-factor requirements, hot-list
subscriptions and screening, cameras, the prohibited-use lexicon. A change that weakens
oversight or widens access alerts the ALPR Administrator and the auditors in-app; the
configuration-history page and the annual report (AU-4) list them all.

Settings read from the environment cannot be caught at the moment they change: they
change between two starts. `environment_check` fingerprints them and compares the
fingerprint with the one last stored in the database. Where it runs, and why there:

* each web process's start (config/wsgi.py, config/asgi.py: gunicorn workers and
  runserver load them once, after the apps and before the first request);
* `manage.py check_configuration`, run by `make run` after `migrate` (and by a
  deployment's release step): the moment a new configuration goes live, and it says so;
* the Celery worker's start (config/celery.py, `worker_ready`): workers are restarted on
  their own and read their own environment;
* every load of the configuration-history page and every annual report: whoever looks at
  the record sees it current even where nobody ran the command.

Not in AppConfig.ready() or post_migrate: ready() runs before the database may be used
(and in every management command, migrations included), post_migrate runs only when
someone migrates. The check is a compare-and-swap on the one fingerprint row, so two
processes starting together record a change once.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.dispatch import Signal
from django.utils import timezone

from accesslog.actions import Action
from accesslog.models import ConfigurationChange, EnvironmentFingerprint

logger = logging.getLogger(__name__)
K = ConfigurationChange.Kind


def _higher(old, new):
    return new > old


def _added(old, new):
    return bool(set(new) - set(old))


def _removed(old, new):
    return bool(set(map(str, old)) - set(map(str, new)))


def _days_longer(old, new):
    """RT-4: any class kept longer (a class newly named counts as longer)."""
    old, new = old or {}, new or {}
    return any(days > old.get(code, 0) for code, days in new.items())


def _caps_raised(old, new):
    """RT-4: any class's cap raised or floor lowered (more room to keep data longer or
    purge it sooner than the policy said)."""
    old, new = old or {}, new or {}
    return any(code not in old or span[1] > old[code][1] or span[0] < old[code][0] for code, span in new.items())


def _turned_on(old, new):
    return bool(new) and not old


def _turned_off(old, new):
    return bool(old) and not new


def _any(old, new):
    return True


def _inactive_days(old, new):
    # 0 means accounts are never disabled for disuse.
    return (new == 0 and old != 0) or (old != 0 and new > old)


def _lexicon() -> list[list[str]]:
    """The Q-6 screening's word list (lib/screening.py), one [category/kind, entry] row
    per entry: an entry removed between two starts weakens the screening."""
    from lib.screening import LEXICON

    return [[f"{category}/{kind}", entry] for category, kinds in LEXICON.items()
            for kind, entries in kinds.items() for entry in entries]


def _lexicon_weakens(old, new):
    return bool({tuple(r) for r in old} - {tuple(r) for r in new})


# name: (kind, how to read it, does a change from old to new weaken oversight or widen access?)
WATCHED = {
    "ALPR_RETENTION_DAYS": (K.RETENTION, None, _higher),
    "ALPR_KEEP_HIT_RECORDS": (K.RETENTION, None, _turned_on),
    "ALPR_RETENTION_SCHEDULE": (K.RETENTION, None, _days_longer),
    "ALPR_RETENTION_LIMITS": (K.RETENTION, None, _caps_raised),
    "ALPR_RETENTION_APPROVER_RANKS": (K.RETENTION, None, _added),
    "ALPR_HOTLIST_MAX_DAYS": (K.RETENTION, None, _higher),
    "ALPR_SHARING_PACKAGE_DAYS": (K.SHARING, None, _higher),
    "ALPR_HOME_STATE": (K.SHARING, None, _any),  # decides who is "in state" (SH-3)
    "ALPR_MFA_REQUIRED_ROLES": (K.MFA, None, _removed),
    "ALPR_REAUTH_SECONDS": (K.MFA, None, _higher),
    "SESSION_COOKIE_AGE": (K.MFA, None, _higher),
    "ALPR_SESSION_MAX_SECONDS": (K.MFA, None, _higher),
    "AXES_FAILURE_LIMIT": (K.MFA, None, _higher),
    "ALPR_ACCOUNT_INACTIVE_DAYS": (K.ROLES, None, _inactive_days),
    "ALPR_TRAINING_VALID_DAYS": (K.ROLES, None, _higher),
    "ALPR_MATCH_REQUIRE_STATE": (K.MATCHING, None, _turned_off),
    "ALPR_OCR_EQUIVALENCE": (K.MATCHING, None, _added),
    "ALPR_HOTLIST_PERMITTED_SOURCES": (K.HOTLIST, None, _added),
    "ALPR_FEED_PERMITTED_CATEGORIES": (K.HOTLIST, None, _added),
    "ALPR_FEED_PROHIBITED_CATEGORIES": (K.HOTLIST, None, _removed),
    "ALPR_FEED_PROHIBITED_TERMS": (K.HOTLIST, None, _removed),
    # BR-1: a longer notification deadline, or a higher Attorney General threshold, is slower notice.
    "ALPR_BREACH_NOTICE_DAYS": (K.OTHER, None, _higher),
    "ALPR_BREACH_AG_NOTICE_DAYS": (K.OTHER, None, _higher),
    "ALPR_BREACH_AG_THRESHOLD": (K.OTHER, None, _higher),
    "ALPR_TRUST_X_FORWARDED_FOR": (K.OTHER, None, _turned_on),  # client addresses in the access log
    "DEBUG": (K.OTHER, None, _turned_on),
    "Q-6 prohibited-use lexicon": (K.LEXICON, _lexicon, _lexicon_weakens),
}


def _json(value):
    return json.loads(json.dumps(value, default=str))


def watched_values() -> dict:
    values = {}
    for name, (_kind, reader, _rule) in WATCHED.items():
        values[name] = _json(reader() if reader else getattr(settings, name, None))
    return values


def fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def change_record(*, kind: str, summary: str, before: dict, after: dict, weakens: bool, source: str,
                  by=None, request=None, obj=None, object_type: str = "", object_id: object = "",
                  object_repr: str = "") -> ConfigurationChange | None:
    """Record one configuration change (nothing when before equals after), log it in the
    access log, and alert the administrator(s) and auditors when it weakens oversight."""
    from accesslog.services import record_access

    before, after = _json(before or {}), _json(after or {})
    if before == after:
        return None
    if by is not None and not getattr(by, "is_authenticated", True):
        by = None
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    change = ConfigurationChange.objects.create(
        changed_by=by, username=by.username if by is not None else "", kind=kind, source=source,
        object_type=object_type[:40], object_id=str(object_id or "")[:64], object_repr=object_repr[:200],
        summary=summary[:300], before=before, after=after, weakens=weakens)
    record_access(action=Action.CONFIGURATION_CHANGE, user=by, request=request, object_type="configuration_change",
                  object_id=change.pk, data_elements={"kind": kind, "object": change.object_repr,
                                                      "weakens": weakens, "source": source}, detail=summary[:500])
    if weakens:
        # In the same transaction as the change: an alert for a change that rolled back
        # would be a false alarm, a change without its alert a missed one.
        _alert(change)
    return change


# Who is alerted, and how, belongs to `accounts` (roles and notifications), which itself
# writes this log: it connects a receiver here in AccountsConfig.ready(), so the access log
# imports no app above it (issue 17). Sent inside change_record, like the call it replaces.
configuration_alarm = Signal()


def _alert(change: ConfigurationChange) -> None:
    configuration_alarm.send(sender=ConfigurationChange, change=change)


def environment_check(*, values: dict | None = None) -> list[ConfigurationChange]:
    """Compare this process's environment settings with the last recorded fingerprint and
    record each difference. Returns the changes recorded (none when nothing changed or
    when the tables do not exist yet, e.g. before the first migrate)."""
    values = watched_values() if values is None else values
    digest = fingerprint(values)
    try:
        with transaction.atomic():
            current = EnvironmentFingerprint.objects.order_by("pk").first()
            if current is None:
                EnvironmentFingerprint.objects.create(digest=digest, values=values)
                change = change_record(kind=K.OTHER, summary="Start-up settings first recorded (baseline)",
                                       before={}, after=values, weakens=False,
                                       source=ConfigurationChange.Source.ENV, object_type="environment")
                return [change] if change else []
            if current.digest == digest:
                return []
            # Compare-and-swap: of two processes starting with the same new values, only
            # the one whose update finds the old digest records the change.
            won = EnvironmentFingerprint.objects.filter(pk=current.pk, digest=current.digest).update(
                digest=digest, values=values, recorded_at=timezone.now())
            if not won:
                return []
            return _record_differences(current.values, values)
    except DatabaseError:
        logger.warning("configuration fingerprint not checked: the database is not ready (run migrate)")
        return []


def check_at_startup(process: str) -> None:
    """environment_check() for a process start: logs, never raises (a start must not fail
    because the database is down or not migrated yet; the next start or page load checks)."""
    try:
        changes = environment_check()
    except Exception:
        logger.exception("configuration fingerprint not checked at %s start", process)
        return
    for change in changes:
        logger.warning("configuration %s at %s start: %s%s", "ALARM" if change.weakens else "change", process,
                       change.summary, f" {change.before} -> {change.after}" if change.before else "")


def _record_differences(old_values: dict, new_values: dict) -> list[ConfigurationChange]:
    changes = []
    for name in sorted(set(old_values) | set(new_values)):
        old, new = old_values.get(name), new_values.get(name)
        if old == new:
            continue
        kind, _reader, rule = WATCHED.get(name, (K.OTHER, None, _any))
        try:
            weakens = True if old is None or new is None else bool(rule(old, new))
        except TypeError:
            weakens = True  # values of an unexpected shape: an auditor should look
        change = change_record(kind=kind, summary=f"{name} changed between two starts", before={name: old},
                               after={name: new}, weakens=weakens, source=ConfigurationChange.Source.ENV,
                               object_type="setting", object_id=name, object_repr=name)
        if change:
            changes.append(change)
    return changes


def snapshot(obj, fields: list[str]) -> dict:
    """The named fields of a model instance as JSON-able values (foreign keys by str())."""
    if obj is None:
        return {}
    values = {}
    for name in fields:
        value = getattr(obj, name)
        values[name] = str(value) if hasattr(value, "_meta") else value
    return _json(values)


def admin_change(*, kind: str, request, obj, before: dict, after: dict, weakens: bool, what: str) -> None:
    """For Django admin saves (ModelAdmin.save_model / delete_model)."""
    if before == after:
        return
    verb = "added" if not before else "deleted" if not after else "changed"
    changed = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    detail = f" ({', '.join(changed)})" if verb == "changed" else ""
    change_record(kind=kind, summary=f"{what} {obj} {verb}{detail}", before=before, after=after, weakens=weakens,
                  source=ConfigurationChange.Source.ADMIN, by=request.user, request=request, obj=obj)
