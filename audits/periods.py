"""Audit periods (AU-2). Django-light: only the agency's clock.

An audit's period ends on the last *complete* day in the agency's time zone (yesterday):
a period that includes today would sample a population that is still growing, so the
same audit re-derived tomorrow would draw from a different list (issue 20 refuses such
periods; issue 21 §9 made the form's default end today, which this replaces)."""

from datetime import date, timedelta

from django.utils import timezone


def last_complete_day() -> date:
    # timezone.localdate() is in TIME_ZONE, the agency's zone, as period_bounds() is.
    return timezone.localdate() - timedelta(days=1)


def default_period() -> tuple[date, date]:
    """AU-2: by default the 12 months up to and including the last complete day."""
    end = last_complete_day()
    return end - timedelta(days=364), end
