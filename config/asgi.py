import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# Issue 19 §6: each web process compares the policy settings it started with against the
# last recorded fingerprint (accesslog/configuration.py); never stops the start.
from accesslog.configuration import check_at_startup  # noqa: E402

check_at_startup("web")
