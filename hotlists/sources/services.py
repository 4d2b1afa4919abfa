"""HL-2: what can happen to a pulled list's source: a pull (`pull_source`), the due pulls
(`pull_due_sources`, every few minutes from celery beat), and the staleness check
(`mark_stale_sources`).

Scheduling lives on the source row (`next_attempt_at`, `failed_attempts`), not in the
broker: a pull that fails sets its own retry time, doubling the delay each attempt, and
whichever beat tick comes next picks it up, so a worker restart or a lost task loses no
retry, and the whole policy is testable without a broker.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from hotlists.models import FeedImport
from hotlists.services.feeds import import_feed
from hotlists.sources import https, selectors, sftp
from hotlists.sources.layouts import LAYOUTS
from hotlists.sources.models import HotlistSource, PullRecord
from hotlists.sources.transport import Download, PullError

logger = logging.getLogger(__name__)

# What a configuration change record shows of a source (issue 19 §6).
SOURCE_FIELDS = ["hotlist", "kind", "enabled", "interval_hours", "layout", "url", "token_env", "client_cert_path",
                 "client_key_path", "ca_bundle_path", "host", "port", "path", "username", "private_key_path",
                 "private_key_passphrase_env", "host_key_fingerprint"]
TRANSPORTS = {HotlistSource.Kind.HTTPS: https.download, HotlistSource.Kind.SFTP: sftp.download}


def source_create(*, hotlist, kind: str, by=None, request=None, **fields) -> HotlistSource:
    """Configure where a downloaded list is pulled from (HL-2). A recorded configuration
    change (issue 19 §6), alarmed like a new subscription: it decides what the list holds."""
    from accesslog.configuration import change_record, snapshot
    from accesslog.models import ConfigurationChange

    source = HotlistSource(hotlist=hotlist, kind=kind, **fields)
    source.full_clean()
    with transaction.atomic():
        source.save()
        origin = ConfigurationChange.Source.WEB if request else ConfigurationChange.Source.SYSTEM
        change_record(kind=ConfigurationChange.Kind.HOTLIST, summary=f"Hot-list source {source} added", before={},
                      after=snapshot(source, SOURCE_FIELDS), weakens=True, source=origin, by=by, request=request,
                      obj=source)
    return source


def retry_delay(*, attempt: int, source: HotlistSource) -> timedelta:
    """After the `attempt`-th failure in a row: ALPR_HOTLIST_PULL_RETRY_SECONDS, doubled
    each time, never longer than the source's own interval (retrying less often than the
    schedule would only delay the fresh list)."""
    seconds = settings.ALPR_HOTLIST_PULL_RETRY_SECONDS * 2 ** min(attempt - 1, 20)
    return timedelta(seconds=min(seconds, source.interval_hours * 3600))


def claim(*, source_id: int, now: datetime, due_only: bool = True) -> HotlistSource | None:
    """Take a source for one pull. Race: two beat ticks (or two workers given the same
    task, or a pull by hand) reach the same source; the compare-and-swap on pulling_since
    lets one win. A pull whose worker died is taken over after
    ALPR_HOTLIST_PULL_LEASE_SECONDS; a pull that finishes clears the mark."""
    lease_expired = now - timedelta(seconds=settings.ALPR_HOTLIST_PULL_LEASE_SECONDS)
    free = HotlistSource.objects.filter(pk=source_id, enabled=True).filter(
        Q(pulling_since__isnull=True) | Q(pulling_since__lt=lease_expired))
    if due_only:
        free = free.filter(next_attempt_at__lte=now)
    won = free.update(pulling_since=now)
    return HotlistSource.objects.select_related("hotlist").get(pk=source_id) if won else None


def pull_source(*, source: HotlistSource, now: datetime | None = None) -> PullRecord:
    """Download the source's file and import it through the one import (screening,
    truncation refusal and the FeedImport record all apply), record the pull, and set
    the next attempt: the schedule after a success, a growing back-off after a failure.
    The download runs outside any transaction (it may take minutes)."""
    now = now or timezone.now()
    record = PullRecord(source=source, attempt=source.failed_attempts + 1, started_at=now)
    clock = time.monotonic()
    try:
        download: Download = TRANSPORTS[source.kind](source)
    except PullError as exc:
        record.outcome, record.error = PullRecord.Outcome.FAILED, str(exc)
    except Exception as exc:  # a transport bug must still leave a record and a retry
        logger.exception("hotlist pull of %s failed unexpectedly", source)
        record.outcome, record.error = PullRecord.Outcome.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        record.size_bytes, record.sha256 = len(download.data), hashlib.sha256(download.data).hexdigest()
        last = (FeedImport.objects.filter(hotlist=source.hotlist, status=FeedImport.Status.APPLIED)
                .order_by("-started_at", "-pk").first())
        if last is not None and last.sha256 == record.sha256:
            # The source has not changed its list: the current entries are the newest data.
            record.outcome = PullRecord.Outcome.UNCHANGED
        else:
            imported = import_feed(hotlist=source.hotlist, data=download.data,
                                   file_name=f"{source.kind}:{download.file_name}",
                                   parse=LAYOUTS[source.layout].parse)
            record.feed_import = imported
            record.outcome = (PullRecord.Outcome.APPLIED if imported.status == FeedImport.Status.APPLIED
                              else PullRecord.Outcome.REJECTED)
            record.error = imported.error
    elapsed = time.monotonic() - clock
    record.duration_ms = int(elapsed * 1000)
    record.finished_at = now + timedelta(seconds=elapsed)
    return _record(source=source, record=record, now=now)


def _record(*, source: HotlistSource, record: PullRecord, now: datetime) -> PullRecord:
    was_stale = source.stale_since is not None
    with transaction.atomic():
        if record.succeeded:
            record.next_attempt_at = now + timedelta(hours=source.interval_hours)
            changes = {"failed_attempts": 0, "last_success_at": now, "stale_since": None}
        else:
            record.next_attempt_at = now + retry_delay(attempt=record.attempt, source=source)
            changes = {"failed_attempts": record.attempt}
        record.save()
        changes.update(next_attempt_at=record.next_attempt_at, last_attempt_at=now, pulling_since=None)
        HotlistSource.objects.filter(pk=source.pk).update(**changes)
        for name, value in changes.items():
            setattr(source, name, value)
        record_access(action=Action.HOTLIST_PULL, object_type="pull_record", object_id=record.pk,
                      data_elements={"list": source.hotlist.name, "source": source.location,
                                     "outcome": record.outcome, "bytes": record.size_bytes, "sha256": record.sha256,
                                     "attempt": record.attempt, "feed_import": record.feed_import_id},
                      outcome="allowed" if record.succeeded else "denied", detail=record.error[:500])
        if record.succeeded and was_stale:
            _current_again(source=source, now=now)
    level = logging.INFO if record.succeeded else logging.WARNING
    logger.log(level, "hotlist pull list=%s outcome=%s attempt=%s bytes=%s next=%s error=%s", source.hotlist.name,
               record.outcome, record.attempt, record.size_bytes, record.next_attempt_at, record.error)
    return record


def pull_due_sources(*, now: datetime | None = None) -> list[PullRecord]:
    """Pull every source whose schedule or retry has come, then mark lists gone stale."""
    now = now or timezone.now()
    records = []
    for source_id in selectors.due_source_ids(now=now):
        source = claim(source_id=source_id, now=now)
        if source is not None:
            records.append(pull_source(source=source, now=now))
    mark_stale_sources(now=now)
    return records


def pull_now(*, source: HotlistSource, now: datetime | None = None) -> PullRecord | None:
    """A pull outside the schedule (manage.py pull_hotlists --list NAME): claimed like any
    other, so it never runs beside another pull of the same source (None: one is running)."""
    now = now or timezone.now()
    claimed = claim(source_id=source.pk, now=now, due_only=False)
    return pull_source(source=claimed, now=now) if claimed is not None else None


def source_pull_soon(*, source: HotlistSource, by=None, request=None) -> None:
    """Ask for a pull at the next beat tick (within 5 minutes), outside the schedule, and
    without making the person wait for the download."""
    HotlistSource.objects.filter(pk=source.pk).update(next_attempt_at=timezone.now())
    record_access(action=Action.HOTLIST_PULL, user=by, request=request, object_type="hotlist_source",
                  object_id=source.pk, data_elements={"list": source.hotlist.name, "requested": "pull soon"})


def mark_stale_sources(*, now: datetime | None = None) -> list[HotlistSource]:
    """HL-2: a list not refreshed for ALPR_HOTLIST_STALE_HOURS is marked stale, written
    to the access log, and the ALPR Administrator(s) told, once per stale period: the
    compare-and-swap on stale_since lets only the first check (of any number running
    together) do it; a successful pull clears it, so the next stale period alarms again."""
    now = now or timezone.now()
    marked = []
    for source in selectors.sources_gone_stale(now=now):
        with transaction.atomic():
            if not HotlistSource.objects.filter(pk=source.pk, stale_since__isnull=True).update(stale_since=now):
                continue
            source.stale_since = now
            last = timezone.localtime(source.last_success_at).strftime("%Y-%m-%d %H:%M") \
                if source.last_success_at else "never"
            last_error = source.pulls.exclude(error="").values_list("error", flat=True).first() or ""
            record_access(action=Action.HOTLIST_STALE, object_type="hotlist_source", object_id=source.pk,
                          data_elements={"list": source.hotlist.name, "source": source.location,
                                         "last_success": last, "failed_attempts": source.failed_attempts},
                          outcome="denied", detail=last_error[:500])
            _tell_administrators(
                key=f"hotlist-stale-{source.pk}-{now:%Y%m%dT%H%M%S}", subject="ALPR hot list stale",
                message=f"The hot list {source.hotlist.name} has not been downloaded from {source.location} for "
                        f"more than {settings.ALPR_HOTLIST_STALE_HOURS} hours (last success: {last}; "
                        f"{source.failed_attempts} failed attempt(s)). Hits on it may be out of date (HL-2). "
                        f"Last error: {last_error[:300] or 'none recorded'}")
        logger.warning("hotlist %s marked stale (last success %s)", source.hotlist.name, last)
        marked.append(source)
    return marked


def _current_again(*, source: HotlistSource, now: datetime) -> None:
    record_access(action=Action.HOTLIST_CURRENT_AGAIN, object_type="hotlist_source", object_id=source.pk,
                  data_elements={"list": source.hotlist.name, "source": source.location})
    _tell_administrators(key=f"hotlist-current-{source.pk}-{now:%Y%m%dT%H%M%S}", subject="ALPR hot list current again",
                         message=f"The hot list {source.hotlist.name} was downloaded again and is current.")


def _tell_administrators(*, key: str, subject: str, message: str) -> None:
    from accounts import roles
    from accounts.services import notify_role_holders

    notify_role_holders(role_names=(roles.ADMINISTRATOR,), key=key, subject=subject, message=message)
