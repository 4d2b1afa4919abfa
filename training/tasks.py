from celery import shared_task

from training.notices import notify_expiring as _notify_expiring


@shared_task(name="training.tasks.notify_expiring")
def notify_expiring() -> int:
    return _notify_expiring()
