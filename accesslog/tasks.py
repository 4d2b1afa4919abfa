"""Periodic work of the access log (issue 23). Thin: each calls a service."""

from celery import shared_task


@shared_task(name="accesslog.tasks.seal_access_log", ignore_result=True, soft_time_limit=60, time_limit=90)
def seal_access_log() -> int:
    # AU-1: every 2 s (celery beat), so an entry is in the chain within seconds of its commit.
    from accesslog.services import access_log_seal

    return access_log_seal()
