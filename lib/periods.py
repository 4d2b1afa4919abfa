"""Periods of whole days in the department's time zone (AU-4 tallies and reports, RT-1).

Django-free: the caller passes the zone (timezone.get_current_timezone()). Here, below
every app, because retention (alpr) and oversight (audits) both count by the department's
day and audits sits above alpr (issue 17)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo


def period_bounds(start: date, end: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in `tz`."""
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))
