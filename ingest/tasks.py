"""Thin tasks: ids in, one service call. Idempotent, so acks_late is safe."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from ingest import services


@shared_task(
    bind=True,
    name="ingest.tasks.process_frame",
    acks_late=True,
    reject_on_worker_lost=True,  # a killed worker's frame goes back to the queue
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),  # transient: the database or a socket
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def process_frame(self, job_id: int) -> str | None:
    # The task id names this delivery: its retries and a killed worker's redelivery keep
    # it, so they may continue the job; any other delivery's claim does nothing (issue 17).
    job = services.frame_process(job_id, claim=self.request.id)
    return job.status if job else None


@shared_task(name="ingest.tasks.sweep_stuck_jobs")
def sweep_stuck_jobs() -> int:
    return len(services.sweep_stuck())


@shared_task(name="ingest.tasks.check_silent_cameras")
def check_silent_cameras() -> int:
    """CAM-1: raise and clear silent-camera alarms (idempotent: one open alarm per camera)."""
    from ingest.health import check_silent_cameras as check

    result = check()
    return len(result.raised) + len(result.cleared)
