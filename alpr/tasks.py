from celery import shared_task

from alpr.services.retention import purge, tally_finished_days


@shared_task(name="alpr.tasks.purge_expired_reads")
def purge_expired_reads() -> int:
    """RT-1/RT-3 nightly purge. Idempotent: a re-run finds nothing left to delete."""
    return purge().reads_deleted


@shared_task(name="alpr.tasks.tally_reads")
def tally_reads() -> int:
    """AU-4: tally finished days' reads (idempotent), so the year's counts survive the purge."""
    return tally_finished_days()
