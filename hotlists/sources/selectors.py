"""Reads of pulled-list sources (HL-2)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from hotlists.sources.models import HotlistSource, PullRecord


def due_source_ids(*, now: datetime) -> list[int]:
    """Enabled sources of active lists whose next attempt (schedule or retry) has come."""
    return list(HotlistSource.objects.filter(enabled=True, hotlist__active=True, next_attempt_at__lte=now)
                .order_by("next_attempt_at").values_list("pk", flat=True))


def sources_gone_stale(*, now: datetime) -> QuerySet[HotlistSource]:
    """Enabled sources of active lists, not yet marked stale, with no successful pull for
    ALPR_HOTLIST_STALE_HOURS (a source never pulled counts from when it was configured)."""
    cutoff = now - timedelta(hours=settings.ALPR_HOTLIST_STALE_HOURS)
    return (HotlistSource.objects.filter(enabled=True, hotlist__active=True, stale_since__isnull=True)
            .filter(Q(last_success_at__lt=cutoff) | Q(last_success_at__isnull=True, created_at__lt=cutoff))
            .select_related("hotlist"))


def pulls_of(source: HotlistSource) -> QuerySet[PullRecord]:
    return source.pulls.select_related("feed_import").order_by("-started_at", "-id")
