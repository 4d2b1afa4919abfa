"""Celery application. Settings come from Django settings under the CELERY_ prefix.

Start a worker: `celery -A config worker -l info`; beat: `celery -A config beat -l info`.
Without CELERY_BROKER_URL tasks run in-process (CELERY_TASK_ALWAYS_EAGER).
"""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("alpr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _check_configuration(**kwargs):
    """Issue 19 §6: a worker restarted with changed policy settings records the change
    (accesslog/configuration.py explains where else the check runs)."""
    from accesslog.configuration import check_at_startup

    check_at_startup("worker")
