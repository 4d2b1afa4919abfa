"""Retention (RT-1..RT-3): what can happen to legal holds, and the purge of everything
past retention. Who approves a hold, the sharing requests a hold may name and what is
due for the purge are reads: alpr.selectors.retention.

The purge takes each class of data by its own retention (RT-4: reads, images, hits, their
stop reports and search records, per source where the schedule says so; see
alpr.selectors.retention), one function per class (purge_reads_past_retention, ...).
Reads go when past their source's retention and no active hold covers them, in bounded
batches (a short transaction each, so ingest never waits on it),
then their image files once no remaining read points at them, then ingest jobs (and
their stored frames) that no longer have reads. It is idempotent, safe to interrupt
and re-run, and every run is recorded (PurgeRun). Hits outlive their read (the annual report needs
them; their link to the read is cleared) until their own retention is past.

On PostgreSQL the reads table is partitioned by upload day (issue 23, alpr/partitions.py):
whole days before the cutoff are dropped as partitions first (held reads move to the
DEFAULT partition and survive, RT-2; the day's image files are deleted in the background
by alpr.tasks.sweep_dropped_images), and only the remainder (the part of a day, reads in
the DEFAULT partition) goes through the batched delete. On SQLite only the batched path runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accesslog import workflow
from accesslog.actions import Action
from accesslog.configuration import change_record
from accesslog.models import ConfigurationChange
from accesslog.services import record_access
from accounts import roles
from alpr import partitions
from alpr.models import (
    DataSource,
    Hit,
    LegalHold,
    PurgeRun,
    Read,
    ReadDailyTally,
    RetentionRule,
    Search,
    StopReport,
)
from alpr.selectors.retention import (
    DataClass,
    cutoffs_by_source,
    held_read_ids,
    images_due_for_purge,
    longest_read_retention_days,
    past_retention,
    reads_due_for_purge,
    retention_authority,
    retention_days,
    retention_limits,
)
from lib.errors import DomainError, NotPermitted
from lib.periods import period_bounds
from lib.workflow import StateMachine, transition
from training.gate import refuse_unless_operator

logger = logging.getLogger(__name__)
H = LegalHold.Status
WORKFLOW = StateMachine(
    "legal hold",
    H.values,
    [
        transition("approve", [H.REQUESTED], H.ACTIVE, "Approve the retention exception"),
        transition("deny", [H.REQUESTED], H.DENIED, "Deny"),
        transition("release", [H.ACTIVE], H.RELEASED, "Release"),
    ],
)
PLACERS = roles.HOLD_PLACERS


@transaction.atomic
def hold_place(*, by, case_number: str, reason: str, justification: str, review_on: date,
               read_ids=None, plate: str = "", since=None, until=None, sharing_request=None,
               instrument_kind: str = "", instrument_number: str = "", instrument_issued_by: str = "",
               instrument_date: date | None = None, instrument_file=None, request=None) -> LegalHold:
    """Hold reads chosen by id (from search results) or all reads of a plate in a window.

    RT-2 / SH-1: a hold for another agency's investigation is kept only where there is a
    legal obligation to retain, so it needs that obligation on file: the sharing request it
    came with, or the instrument (subpoena, court order, warrant: kind, number, issuing
    court or body, date; the file optional). Without one it is refused, never active."""
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    if not by.has_role(*PLACERS):
        raise NotPermitted("Your role does not place legal holds.")
    if reason not in LegalHold.Reason.values:
        raise DomainError("Choose the reason for the hold (RT-2).")
    if not case_number.strip() or not justification.strip():
        raise DomainError("A hold needs its case number and justification.")
    if review_on <= timezone.localdate():
        raise DomainError("The review date must be in the future.")
    reads = Read.objects.filter(agency_id=by.agency_id)
    if read_ids:
        reads = reads.filter(pk__in=list(read_ids))
    elif plate and since and until:
        reads = reads.filter(plate=plate.strip().upper(), captured_at__gte=since, captured_at__lt=until)
    else:
        raise DomainError("Choose the reads: from search results, or a plate and a time window.")
    ids = list(reads.values_list("pk", flat=True))
    if not ids:
        raise DomainError("No reads match; nothing to hold.")
    status = H.REQUESTED if reason == LegalHold.Reason.OTHER else H.ACTIVE
    instrument = {"instrument_kind": instrument_kind.strip(), "instrument_number": instrument_number.strip(),
                  "instrument_issued_by": instrument_issued_by.strip(), "instrument_date": instrument_date}
    if reason != LegalHold.Reason.OTHER_AGENCY:
        if sharing_request is not None or any(instrument.values()) or instrument_file:
            raise DomainError("Only a hold for another agency's investigation refers to a sharing request "
                              "or a legal instrument.")
    elif sharing_request is None:
        missing = [label for key, label in (("instrument_kind", "its kind (subpoena, court order, warrant)"),
                                            ("instrument_number", "its number"),
                                            ("instrument_issued_by", "the issuing court or body"),
                                            ("instrument_date", "its date")) if not instrument[key]]
        if missing:
            raise DomainError("A hold for another agency's investigation needs the legal obligation to retain "
                              "on file (RT-2): choose the sharing request it came with, or give the instrument: "
                              + ", ".join(missing) + ".")
        if instrument["instrument_kind"] not in LegalHold.Instrument.values:
            raise DomainError("The instrument is a subpoena, a court order or a warrant.")
        if instrument_date > timezone.localdate():
            raise DomainError("The instrument's date cannot be in the future.")
    hold = LegalHold(case_number=case_number.strip().upper(), reason=reason,
                     justification=justification.strip(), status=status, placed_by=by,
                     review_on=review_on, sharing_request=sharing_request, **instrument)
    if instrument_file:
        hold.instrument_file = instrument_file
    hold.full_clean(exclude=["reads"])
    hold.save()
    hold.reads.add(*ids)
    workflow.start(hold, "place", by=by, note=f"{len(ids)} reads")
    record_access(action=Action.RETENTION_HOLD_PLACE, user=by, request=request, object_type="legal_hold",
                  object_id=hold.pk, data_elements={"reads": len(ids), "plate": plate, "reason": reason,
                                                    "sharing_request": sharing_request.pk if sharing_request else None,
                                                    "instrument": " ".join(str(v) for v in instrument.values()
                                                                           if v)},
                  case_number=hold.case_number)
    return hold


@transaction.atomic
def hold_decide(*, hold: LegalHold, by, approve: bool, note: str = "", request=None) -> LegalHold:
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    authority = retention_authority(by)
    if authority is None:
        raise NotPermitted("Only a Deputy Chief / Deputy Director or higher, or a retention-exception designee, "
                           "approves a hold for another reason (RT-2).")
    if hold.placed_by_id == by.pk:
        raise NotPermitted("Nobody approves their own hold.")
    name = "approve" if approve else "deny"
    WORKFLOW.check(hold.status, name)  # an illegal move is refused before anything changes
    hold.approved_by, hold.designation = by, authority[0]
    workflow.apply(hold, name, machine=WORKFLOW, by=by, note=f"{authority[1]}. {note}".strip(),
                   designation=authority[0], update_fields=["approved_by", "designation"],
                   action=Action.RETENTION_HOLD_APPROVE if approve else Action.RETENTION_HOLD_DENY, request=request,
                   object_type="legal_hold", case_number=hold.case_number)
    return hold


@transaction.atomic
def hold_release(*, hold: LegalHold, by, note: str, request=None) -> LegalHold:
    """Released reads are eligible for the purge again from now on."""
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not (by.pk == hold.placed_by_id or by.has_role(roles.ADMINISTRATOR) or retention_authority(by)):
        raise NotPermitted("Only whoever placed the hold, or a retention approver, releases it.")
    if not note.strip():
        raise DomainError("Say why the hold is released.")
    workflow.apply(hold, "release", machine=WORKFLOW, by=by, note=note.strip(), stamp="released_at",
                   update_fields=[], action=Action.RETENTION_HOLD_RELEASE, request=request,
                   object_type="legal_hold", case_number=hold.case_number)
    return hold


# Purge steps of the apps above this one, each called as step(cutoff=, batch=, run=) after
# the reads are gone, in the order registered (from their AppConfig.ready()). Passed in so
# that alpr imports no app built on it (issue 17); the step adds its counts to the run.
PURGE_STEPS: list[Callable[..., None]] = []


def register_purge_step(step: Callable[..., None]) -> None:
    if step not in PURGE_STEPS:
        PURGE_STEPS.append(step)


def purge(*, dry_run: bool = False, now=None, batch: int | None = None, max_batches: int | None = None) -> PurgeRun:
    """RT-1, RT-3, RT-4: one run of the purge, each data class by its own retention (per
    source where the schedule says so). The run records the agency-wide reads cut-off."""
    now = now or timezone.now()
    batch = batch or settings.ALPR_PURGE_BATCH
    cutoffs = cutoffs_by_source(DataClass.READS, now=now)
    cutoff = cutoffs[None]
    run = PurgeRun.objects.create(cutoff=cutoff, dry_run=dry_run)
    run.held_reads_kept = Read.objects.filter(past_retention(DataClass.READS, now=now)).filter(
        pk__in=held_read_ids()).count()
    if dry_run:
        run.reads_deleted = reads_due_for_purge(now=now).count()
        run.images_expired = images_due_for_purge(now=now).count()
        run.hits_deleted = hits_due_for_purge(now=now, documented=False).count()
        run.stop_reports_deleted = hits_due_for_purge(now=now, documented=True).count()
        run.searches_deleted = Search.objects.filter(past_retention(DataClass.SEARCHES, now=now,
                                                                    time_field="created_at",
                                                                    camera_field=None)).count()
        run.images_deleted = 0
        return _close(run)
    # AU-4: count every day about to lose reads before they go (the report needs the year);
    # the newest cut-off of any source is the first day that may lose some.
    tally_finished_days(before=max(cutoffs.values()))
    # Issue 23: whole upload days first, as partitions (PostgreSQL; nothing happens on
    # SQLite). A day goes whole only when it is older than the longest read retention of
    # any source, so every read in it is due; held reads move out and survive (RT-2).
    # Shorter retentions of some sources are the batched path's to apply.
    partitions.ensure_ahead()
    dropped = partitions.drop_expired_days(cutoff=now - timedelta(days=longest_read_retention_days()), run=run)
    run.days_dropped, run.reads_deleted = dropped["days"], dropped["reads"]
    PurgeRun.objects.filter(pk=run.pk).update(days_dropped=run.days_dropped, reads_deleted=run.reads_deleted)
    purge_reads_past_retention(now=now, batch=batch, max_batches=max_batches, run=run)
    purge_images_past_retention(now=now, batch=batch, run=run)
    purge_hits_past_retention(now=now, batch=batch, run=run)
    purge_searches_past_retention(now=now, batch=batch, run=run)
    # What other apps keep about reads goes with them (RT-1): ingest's frame jobs and
    # edge events (ingest/retention.py), passed in through register_purge_step.
    for step in PURGE_STEPS:
        step(cutoff=cutoff, batch=batch, run=run)
    return _close(run)


def purge_reads_past_retention(*, now, batch: int, run: PurgeRun, max_batches: int | None = None) -> None:
    """RT-1/RT-4, reads: delete reads past their source's retention that no active hold keeps,
    in bounded batches (a short transaction each, so ingest never waits), then their image
    files once no remaining read points at them."""
    batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            rows = list(reads_due_for_purge(now=now).order_by("uploaded_at")
                        .values_list("pk", "uploaded_at", "frame", "crop")[:batch])
            if not rows:
                break
            ids = [r[0] for r in rows]
            if not settings.ALPR_KEEP_HIT_RECORDS:
                Hit.objects.filter(read_id__in=ids, stop_report__isnull=True).delete()
            _delete_reads(ids, rows[0][1], rows[-1][1])
        run.reads_deleted += len(rows)
        run.images_deleted += _delete_unreferenced({name for _, _, f, c in rows for name in (f, c) if name}, run)
        batches += 1
        PurgeRun.objects.filter(pk=run.pk).update(reads_deleted=run.reads_deleted, images_deleted=run.images_deleted)


def purge_images_past_retention(*, now, batch: int, run: PurgeRun) -> None:
    """RT-4, images: where images are kept for less than their reads (San Leandro's camera
    images 30 days, 003 §418.5), the read stays and its frame and crop go."""
    while True:
        with transaction.atomic():
            rows = list(images_due_for_purge(now=now).order_by("uploaded_at")
                        .values_list("pk", "frame", "crop")[:batch])
            if not rows:
                break
            Read.objects.filter(pk__in=[r[0] for r in rows]).update(frame="", crop="", frame_sha256="",
                                                                     crop_sha256="")
        run.images_expired += len(rows)
        run.images_deleted += _delete_unreferenced({name for _, f, c in rows for name in (f, c) if name}, run)


def hits_due_for_purge(*, now, documented: bool):
    """RT-4: hits past their own retention (by creation, per the camera's source), those with
    a stop report (HT-3) by the stop reports' retention, and not while their read is held."""
    data_class = DataClass.STOP_REPORTS if documented else DataClass.HITS
    return (Hit.objects.filter(past_retention(data_class, now=now, time_field="created_at"))
            .filter(stop_report__isnull=not documented).exclude(read_id__in=held_read_ids()))


def purge_hits_past_retention(*, now, batch: int, run: PurgeRun) -> None:
    """RT-4, hits and their stop reports: the row (plate, time, camera, covert flag), its
    history and its stop report go once past their class's retention."""
    for documented in (False, True):
        while True:
            with transaction.atomic():
                ids = list(hits_due_for_purge(now=now, documented=documented).values_list("pk", flat=True)[:batch])
                if not ids:
                    break
                StopReport.objects.filter(hit_id__in=ids).delete()
                Hit.objects.filter(pk__in=ids).delete()  # history and covert grants cascade
            if documented:
                run.stop_reports_deleted += len(ids)
            else:
                run.hits_deleted += len(ids)


def purge_searches_past_retention(*, now, batch: int, run: PurgeRun) -> None:
    """RT-4, search records (Q-2): past their retention. The access log keeps its own
    entry of each search (AU-1); this removes the stored criteria."""
    while True:
        with transaction.atomic():
            ids = list(Search.objects.filter(past_retention(DataClass.SEARCHES, now=now, time_field="created_at",
                                                            camera_field=None)).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            Search.objects.filter(pk__in=ids).delete()
        run.searches_deleted += len(ids)


@transaction.atomic
def retention_rule_set(*, by, data_class: str, days: int, source: DataSource | None = None, note: str = "",
                       request=None) -> RetentionRule:
    """RT-4: the ALPR Administrator sets how long a class of data is kept (agency-wide or for
    one source), within the class's floor and cap (settings.ALPR_RETENTION_LIMITS); outside
    them it is refused. Recorded in the access log (AU-1) and the change history."""
    if not by.is_active or not by.has_role(roles.ADMINISTRATOR):
        raise NotPermitted("Only the ALPR Administrator edits the retention schedule.")
    if data_class not in DataClass.values:
        raise DomainError("Choose the class of data.")
    label = DataClass(data_class).label
    floor, cap = retention_limits(data_class)
    if not isinstance(days, int) or isinstance(days, bool):
        raise DomainError("Give the retention as a whole number of days.")
    if days < floor:
        raise DomainError(f"{label}: {days} days is below the floor of {floor} days the policy in force sets "
                          f"(RT-4).")
    if days > cap:
        raise DomainError(f"{label}: {days} days is above the cap of {cap} days the policy in force sets (RT-4).")
    # Locks the rule against a concurrent edit (ordering dropped: the default ordering's
    # outer join to the source cannot be locked on PostgreSQL). Two first edits of the same
    # class and source at once: the unique constraint refuses the second.
    rule = RetentionRule.objects.select_for_update().filter(data_class=data_class, source=source).order_by().first()
    before = rule.days if rule else retention_days(data_class, source.pk if source else None)
    if rule is None:
        rule = RetentionRule(data_class=data_class, source=source, days=days)
    rule.days, rule.changed_by, rule.changed_at, rule.note = days, by, timezone.now(), note.strip()[:255]
    rule.full_clean()
    rule.save()
    # Issue 19 §6: a configuration change with its before and after, in the access log
    # (AU-1); keeping a class longer widens what is kept, so it alerts the administrator
    # and the auditors.
    change_record(kind=ConfigurationChange.Kind.RETENTION,
                  summary=f"Retention of {label.lower()} ({source or 'agency-wide'}): {before} -> {days} days",
                  before={"days": before}, after={"days": days, "note": rule.note}, weakens=days > before,
                  source=ConfigurationChange.Source.WEB, by=by, request=request, obj=rule,
                  object_type="retention_rule")
    logger.info("retention rule %s source=%s days %s -> %s by user=%s", data_class,
                source.pk if source else None, before, days, by.pk)
    return rule


def _delete_reads(ids: list[int], first, last) -> None:
    """Delete a batch of reads and do what the foreign keys into the reads table did (issue
    23: none in the database): hits lose their link (SET_NULL), the holds' links go.
    The batch's upload times bound the delete: on the partitioned table an id alone is
    looked up in every day's partition (the ORM's delete deletes by id only), the time
    range in one or two."""
    Hit.objects.filter(read_id__in=ids).update(read=None)
    LegalHold.reads.through.objects.filter(read_id__in=ids)._raw_delete(LegalHold.objects.db)
    Read.objects.filter(pk__in=ids, uploaded_at__gte=first, uploaded_at__lte=last)._raw_delete(Read.objects.db)


def _delete_unreferenced(names: set[str], run: PurgeRun) -> int:
    """Delete image files that no remaining read refers to (one frame can hold several plates)."""
    if not names:
        return 0
    still_used = set(Read.objects.filter(frame__in=names).values_list("frame", flat=True)) | set(
        Read.objects.filter(crop__in=names).values_list("crop", flat=True))
    deleted = 0
    for name in names - still_used:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
                deleted += 1
        except OSError as exc:
            run.errors.append(f"{name}: {exc}")
    return deleted


def _close(run: PurgeRun) -> PurgeRun:
    run.finished_at = timezone.now()
    run.save()
    record_access(action=Action.RETENTION_PURGE, object_type="purge_run", object_id=run.pk,
                  data_elements={"cutoff": run.cutoff.isoformat(), "reads": run.reads_deleted,
                                 "images": run.images_deleted, "held": run.held_reads_kept, "dry_run": run.dry_run,
                                 "edge_events": run.edge_events_deleted, "days_dropped": run.days_dropped})
    logger.info("purge run=%s dry_run=%s reads=%s days=%s images=%s frames=%s held=%s errors=%s", run.pk,
                run.dry_run, run.reads_deleted, run.days_dropped, run.images_deleted, run.frames_deleted,
                run.held_reads_kept, len(run.errors))
    return run


# --- Tallies that outlive the reads (AU-4) -------------------------------------------------

def tally_day(day) -> int:
    """Count one finished day's reads per camera and store the tally (idempotent: a day
    already tallied is left alone, since its reads may be partly purged by now)."""
    if ReadDailyTally.objects.filter(day=day, camera__isnull=True).exists():
        return 0
    start, end = period_bounds(day, day, timezone.get_current_timezone())
    per_camera = list(Read.objects.filter(uploaded_at__gte=start, uploaded_at__lt=end)
                      .values("camera_id").annotate(n=Count("id")).values_list("camera_id", "n"))
    with transaction.atomic():
        ReadDailyTally.objects.bulk_create([ReadDailyTally(day=day, camera_id=c, reads=n) for c, n in per_camera])
        total = sum(n for _, n in per_camera)
        ReadDailyTally.objects.create(day=day, camera=None, reads=total)
    return total


def tally_finished_days(*, before=None) -> int:
    """Tally every finished day (before today, and before `before` when given) that has
    reads and no tally yet. The purge calls this first, so no day is deleted uncounted."""
    today = timezone.localdate()
    first = Read.objects.order_by("uploaded_at").values_list("uploaded_at", flat=True).first()
    if first is None:
        return 0
    limit = today if before is None else min(today, timezone.localdate(before) + timedelta(days=1))
    day = timezone.localdate(first)
    tallied = set(ReadDailyTally.objects.filter(camera__isnull=True, day__gte=day, day__lt=limit)
                  .values_list("day", flat=True))
    done = 0
    while day < limit:
        if day not in tallied:
            tally_day(day)
            done += 1
        day += timedelta(days=1)
    return done
