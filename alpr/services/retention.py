"""Retention (RT-1..RT-3): what can happen to legal holds, and the purge of everything
past retention. Who approves a hold, the sharing requests a hold may name and what is
due for the purge are reads: alpr.selectors.retention.

The purge deletes reads uploaded more than ALPR_RETENTION_DAYS ago that no active hold
covers, in bounded batches (a short transaction each, so ingest never waits on it),
then their image files once no remaining read points at them, then ingest jobs (and
their stored frames) that no longer have reads. It is idempotent, safe to interrupt
and re-run, and every run is recorded (PurgeRun). Hits keep their workflow record and
stop documentation (the annual report needs them); their link to the read is cleared.

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
from accesslog.services import record_access
from accounts import roles
from alpr import partitions
from alpr.models import Hit, LegalHold, PurgeRun, Read, ReadDailyTally
from alpr.selectors.retention import due_for_purge, retention_authority
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
               request=None) -> LegalHold:
    """Hold reads chosen by id (from search results) or all reads of a plate in a window."""
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
    if sharing_request is not None and reason != LegalHold.Reason.OTHER_AGENCY:
        raise DomainError("Only a hold for another agency's investigation refers to a sharing request.")
    hold = LegalHold.objects.create(case_number=case_number.strip().upper(), reason=reason,
                                    justification=justification.strip(), status=status, placed_by=by,
                                    review_on=review_on, sharing_request=sharing_request)
    hold.reads.add(*ids)
    workflow.start(hold, "place", by=by, note=f"{len(ids)} reads")
    record_access(action=Action.RETENTION_HOLD_PLACE, user=by, request=request, object_type="legal_hold",
                  object_id=hold.pk, data_elements={"reads": len(ids), "plate": plate, "reason": reason},
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
    now = now or timezone.now()
    batch = batch or settings.ALPR_PURGE_BATCH
    cutoff = now - timedelta(days=settings.ALPR_RETENTION_DAYS)
    run = PurgeRun.objects.create(cutoff=cutoff, dry_run=dry_run)
    # Counted from the holds' side: a few held reads, not every expired read, are looked at.
    run.held_reads_kept = LegalHold.reads.through.objects.filter(
        legalhold__status=LegalHold.Status.ACTIVE, read__uploaded_at__lt=cutoff).values("read_id").distinct().count()
    if dry_run:
        run.reads_deleted = due_for_purge(cutoff).count()
        run.images_deleted = 0
        return _close(run)
    # AU-4: count every day about to lose reads before they go (the report needs the year).
    tally_finished_days(before=cutoff)
    # Issue 23: whole days first, as partitions (PostgreSQL; nothing happens on SQLite).
    # The cutoff is that of the longest read retention, so a day goes only when every read
    # in it is due; a shorter retention for some sources is the batched path's to apply.
    partitions.ensure_ahead()
    dropped = partitions.drop_expired_days(cutoff=cutoff, run=run)
    run.days_dropped, run.reads_deleted = dropped["days"], dropped["reads"]
    PurgeRun.objects.filter(pk=run.pk).update(days_dropped=run.days_dropped, reads_deleted=run.reads_deleted)
    batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            rows = list(due_for_purge(cutoff).order_by("uploaded_at")
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
    # What other apps keep about reads goes with them (RT-1): ingest's frame jobs and
    # edge events (ingest/retention.py), passed in through register_purge_step.
    for step in PURGE_STEPS:
        step(cutoff=cutoff, batch=batch, run=run)
    return _close(run)


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
