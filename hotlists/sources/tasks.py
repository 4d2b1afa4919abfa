"""Thin tasks (HL-2): each calls one service. Both are idempotent: a due source is claimed
before it is pulled, a stale list is marked once."""

from celery import shared_task

from hotlists.sources import services


# Pulls may download large files: longer limits than the project's default task limits.
@shared_task(name="hotlists.sources.tasks.pull_due_sources", acks_late=True, soft_time_limit=3000, time_limit=3300)
def pull_due_sources() -> list[int]:
    return [record.pk for record in services.pull_due_sources()]


@shared_task(name="hotlists.sources.tasks.mark_stale_sources", acks_late=True)
def mark_stale_sources() -> list[int]:
    return [source.pk for source in services.mark_stale_sources()]
