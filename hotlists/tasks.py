"""Thin tasks: each calls one service. Both are idempotent."""

from celery import shared_task

from hotlists.services import entries, feeds


@shared_task(name="hotlists.tasks.import_feeds", acks_late=True)
def import_feeds() -> list[int]:
    return [result.pk for result in feeds.import_drop_folder()]


@shared_task(name="hotlists.tasks.expire_entries", acks_late=True)
def expire_entries() -> list[int]:
    return entries.expire_due()
