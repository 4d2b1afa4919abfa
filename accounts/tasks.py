from celery import shared_task

from accounts.services import disable_inactive


@shared_task(name="accounts.tasks.disable_inactive_accounts")
def disable_inactive_accounts() -> list[str]:
    return disable_inactive()
