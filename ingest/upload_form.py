"""The upload form's capture time (issue 21 §4): it defaults to now and says which time
zone it is in, so a frame uploaded in a hurry is not rejected for an empty or misread time."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone


def capture_time_defaults(field) -> None:
    # A browser's datetime-local input has no zone: the server reads it in the agency's
    # zone (TIME_ZONE), so the form says so. The default is the minute of opening the form.
    field.initial = lambda: timezone.localtime().replace(second=0, microsecond=0)
    field.label = f"Capture time ({settings.TIME_ZONE})"
    field.help_text = (f"When the camera took the frames, in the agency's time zone ({settings.TIME_ZONE}). "
                       "Defaults to now; change it for older frames.")
