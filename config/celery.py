"""Celery application. Settings come from Django settings under the CELERY_ prefix.

Start a worker: `celery -A config worker -l info`; beat: `celery -A config beat -l info`.
Without CELERY_BROKER_URL tasks run in-process (CELERY_TASK_ALWAYS_EAGER).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("alpr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
