"""Reads of reads, hits and searches, each scoped to what the user may see.

One access helper per model: `read_for_user`, `hit_for_user`, `search_for_user` answer
404 (Http404) to anyone outside, so an id from elsewhere reveals nothing.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from accounts import roles
from alpr.colour import stored_names_for
from alpr.criteria import Criteria
from alpr.models import Hit, HitUserObjectPermission, Read, Search
from alpr.plates import pattern_to_like
from training.gate import refuse_unless_operator

OPEN_STATUSES = (Hit.Status.ALERT, Hit.Status.VISUALLY_VERIFIED, Hit.Status.VALIDATED)


def reads_for_query(*, user, criteria: Criteria):
    """The reads a search returns, newest first: the same selector for the page, the
    API, the CSV export and the benchmark."""
    refuse_unless_operator(user)  # ID-2, ID-4: the gate holds off the web too
    qs = Read.objects.filter(
        agency_id=user.agency_id, captured_at__gte=criteria.captured_from, captured_at__lt=criteria.captured_to
    )
    qs = exclude_covert_reads(qs, user)
    if criteria.plate:
        if criteria.is_partial:
            qs = qs.filter(plate__like=pattern_to_like(criteria.plate))
        else:
            qs = qs.filter(plate=criteria.plate)
    if criteria.camera_ids:
        qs = qs.filter(camera_id__in=criteria.camera_ids)
    if criteria.bbox:
        south, west, north, east = criteria.bbox
        qs = qs.filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
    if criteria.vehicle_color:
        qs = qs.filter(vehicle_color__in=stored_names_for(criteria.vehicle_color))  # issue 21 §7: synonyms
    if criteria.vehicle_make:
        qs = qs.filter(vehicle_make=criteria.vehicle_make)
    if criteria.vehicle_type:
        qs = qs.filter(vehicle_type=criteria.vehicle_type)
    return qs.order_by("-captured_at", "-id")


def _covert_grant(user):
    return HitUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename="view_covert_hit")


def exclude_covert_reads(qs, user):
    """HT-4: a read that hit a covert entry is invisible to everyone but the investigator
    responsible for the entry and the ALPR Administrator, in searches too."""
    if user.has_role(roles.ADMINISTRATOR):
        return qs
    hidden = Hit.objects.filter(read=OuterRef("pk"), is_covert=True).exclude(Exists(_covert_grant(user)))
    return qs.exclude(Exists(hidden))


def search_for_user(*, user, pk) -> Search:
    refuse_unless_operator(user)  # ID-2, ID-4: the gate holds off the web too
    search = Search.objects.filter(pk=pk, user=user).first()
    if search is None:
        raise Http404
    return search


def read_in_search(*, user, search: Search, read_id) -> Read:
    """A read opened from a search's results (Q-5): it must be one of those results."""
    if search.status != Search.Status.RUN:
        raise Http404
    criteria = Criteria.from_json(search.criteria)
    read = reads_for_query(user=user, criteria=criteria).select_related("camera").filter(pk=read_id).first()
    if read is None:
        raise Http404
    return read


def read_for_user(*, user, pk) -> Read:
    refuse_unless_operator(user)  # ID-2, ID-4: the gate holds off the web too
    qs = exclude_covert_reads(Read.objects.select_related("camera").filter(pk=pk, agency_id=user.agency_id), user)
    read = qs.first()
    if read is None or not user.has_role(*roles.SEARCH_ROLES, *roles.ALERT_ROLES):
        raise Http404
    return read


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
        visible |= Q(is_covert=True) & Q(Exists(_covert_grant(user)))
    return base.filter(visible)


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


def dashboard_alert_counts(user) -> list:
    """Issue 21 §5: open alerts, for those who work them (registered in AlprConfig.ready)."""
    from django.urls import reverse

    from accounts.dashboard import ActionCount

    if not user.has_role(*roles.ALERT_ROLES):
        return []
    return [ActionCount("Open alerts", live_alerts(user=user, limit=1000).count(), reverse("alpr:alerts"))]


def dashboard_hold_counts(user) -> list:
    """Issue 21 §5: legal holds awaiting this member's approval (RT-3; nobody approves their own)."""
    from django.urls import reverse

    from accounts.dashboard import ActionCount, may_act_as
    from accounts.models import Designation
    from alpr.models import LegalHold

    if not may_act_as(user, Designation.Scope.RETENTION_EXCEPTION):
        return []
    pending = LegalHold.objects.filter(status=LegalHold.Status.REQUESTED).exclude(placed_by=user).count()
    return [ActionCount("Legal holds awaiting approval", pending, reverse("alpr:retention"))]
