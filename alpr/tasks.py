from celery import shared_task

from alpr.retention import purge


@shared_task(name="alpr.tasks.purge_expired_reads")
def purge_expired_reads() -> int:
    """RT-1/RT-3 nightly purge. Idempotent: a re-run finds nothing left to delete."""
    return purge().reads_deleted
