"""Reads of hits, each scoped to what the user may see (HT-1, HT-4).

`hit_for_user` is the one access helper for a hit: it answers 404 (Http404) to anyone
outside. Covert hits are seen only by the investigator responsible for the entry
(an object permission granted when the hit was raised) and the ALPR Administrator.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from accounts import roles
from alpr.models import Hit, HitUserObjectPermission, Read
from alpr.selectors.retention import hits_past_retention, within_retention
from training.gate import refuse_unless_operator

OPEN_STATUSES = (Hit.Status.ALERT, Hit.Status.VISUALLY_VERIFIED, Hit.Status.VALIDATED)


def covert_grant(user):
    """HT-4: the user's grant to see a covert hit, for Exists() against an outer hit."""
    return HitUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename="view_covert_hit")


def hits_visible_to(user):
    """Alert-list hits of the user's agency for the roles that work alerts; covert hits
    only for the investigator responsible for the entry and the ALPR Administrator (HT-4)."""
    if not user.is_authenticated or user.agency_id is None:
        return Hit.objects.none()
    base = Hit.objects.filter(agency_id=user.agency_id)
    visible = Q(pk__in=[])
    if user.has_role(*roles.ALERT_ROLES):
        visible |= Q(is_covert=False)
    if user.has_role(roles.ADMINISTRATOR):
        visible |= Q(is_covert=True)
    else:
        # Object permission (guardian, direct foreign key): granted when the hit was raised.
        visible |= Q(is_covert=True) & Q(Exists(covert_grant(user)))
    # RT-4: a hit past its own retention is never served, before the purge too.
    return base.filter(visible).exclude(hits_past_retention())


def served_read(hit):
    """The hit's read, or None once the read is past its retention (RT-4)."""
    if hit.read_id is None or not within_retention(Read.objects.filter(pk=hit.read_id)).exists():
        return None
    return hit.read


def hit_for_user(*, user, pk) -> Hit:
    refuse_unless_operator(user)  # ID-2, ID-4: the gate holds off the web too
    hit = (
        hits_visible_to(user)
        .select_related("read", "read__camera", "entry", "entry__hotlist", "camera", "responsible")
        .filter(pk=pk)
        .first()
    )
    if hit is None:
        raise Http404
    return hit


def live_alerts(*, user, limit: int = 50):
    """HT-1/HT-4: the officers' feed: open alert-list hits of their agency, newest first.
    Covert hits never appear here, whoever asks."""
    if not user.has_role(*roles.ALERT_ROLES):
        return Hit.objects.none()
    return (
        Hit.objects.filter(agency_id=user.agency_id, is_covert=False, status__in=OPEN_STATUSES)
        # Issue 21 §8: once the stop is documented the alert is worked; it leaves the feed.
        .filter(stop_report__isnull=True)
        .select_related("camera", "entry", "entry__hotlist", "read")
        .order_by("-created_at")[:limit]
    )


def covert_hits_for(*, user, limit: int = 50):
    return (
        hits_visible_to(user).filter(is_covert=True).select_related("camera", "entry", "entry__hotlist")
        .order_by("-created_at")[:limit]
    )


def alerts_feed_version(*, user, now=None) -> str:
    """Issue 23 item 2: a fingerprint of what the user's alert feed would show, so a poll
    that finds nothing new is answered 304 without rendering (500 officers polling every
    few seconds). It changes with any hit entering or leaving the feed, any status change,
    the user's roles and agency, and once a minute (the feed says how long ago each hit
    was). Two index-only-sized queries of ids and timestamps, no joins, no images."""
    import hashlib

    from django.utils import timezone

    now = now or timezone.now()
    parts = [str(user.pk), str(user.agency_id), ",".join(sorted(user.role_names)), now.strftime("%Y%m%d%H%M")]
    rows = list(live_alerts(user=user).values_list("pk", "status", "status_changed_at"))
    if user.has_role(roles.INVESTIGATOR, roles.ADMINISTRATOR):
        rows += ["covert", *covert_hits_for(user=user).values_list("pk", "status", "status_changed_at")]
    parts.append(repr(rows))
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


def dashboard_alert_counts(user) -> list:
    """Issue 21 §5: open alerts, for those who work them (registered in AlprConfig.ready)."""
    from django.urls import reverse

    from accounts.dashboard import ActionCount

    if not user.has_role(*roles.ALERT_ROLES):
        return []
    return [ActionCount("Open alerts", live_alerts(user=user, limit=1000).count(), reverse("alpr:alerts"))]
