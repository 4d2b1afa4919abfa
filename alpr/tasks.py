from celery import shared_task

from alpr import partitions
from alpr.services.retention import purge, tally_finished_days


@shared_task(name="alpr.tasks.purge_expired_reads")
def purge_expired_reads() -> int:
    """RT-1/RT-3 nightly purge. Idempotent: a re-run finds nothing left to delete."""
    run = purge()
    if run.days_dropped:
        # Issue 23: the dropped days' image files go in the background (their own task).
        sweep_dropped_images.delay()
    return run.reads_deleted


@shared_task(name="alpr.tasks.tally_reads")
def tally_reads() -> int:
    """AU-4: tally finished days' reads (idempotent), so the year's counts survive the purge."""
    return tally_finished_days()


@shared_task(name="alpr.tasks.maintain_read_partitions")
def maintain_read_partitions() -> int:
    """Issue 23: create the coming days' read partitions (PostgreSQL; nothing on SQLite)."""
    return len(partitions.ensure_ahead())


@shared_task(name="alpr.tasks.sweep_dropped_images")
def sweep_dropped_images() -> int:
    """Issue 23 / RT-1: delete the image files of dropped days. Resumes where a stopped
    sweep left off (beat runs it every ten minutes too); returns the files deleted."""
    return partitions.sweep_images()
