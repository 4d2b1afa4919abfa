"""Reads of reads (the plate reads), each scoped to what the user may see.

`read_for_user` is the one access helper for a read: it answers 404 (Http404) to anyone
outside, so an id from elsewhere reveals nothing. A read hidden by a covert hit (HT-4)
is left out of every search too (`exclude_covert_reads`), and so is a read past its
retention (RT-4, `within_retention`), before the nightly purge has deleted it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, Exists, FloatField, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Mod
from django.db.models.lookups import LessThan
from django.http import Http404
from django.utils import timezone

from accounts import roles
from alpr.colour import stored_names_for
from alpr.criteria import Criteria
from alpr.models import Hit, Read, Search
from alpr.plates import pattern_to_like
from alpr.selectors.hits import covert_grant
from alpr.selectors.retention import within_retention
from lib.geo import bounds
from lib.replica import read_only_db
from training.gate import refuse_unless_operator

UPLOAD_CLOCK_MARGIN = timedelta(days=1)


def reads_for_query(*, user, criteria: Criteria):
    """The reads a search returns, newest first: the same selector for the page, the
    API, the CSV export and the benchmark."""
    refuse_unless_operator(user)  # ID-2, ID-4: the gate holds off the web too
    # Issue 23 §3: the scan reads from the replica when one is configured and within the
    # tolerated lag (lib/replica.py); the search record and the access log stay on the primary.
    qs = Read.objects.using(read_only_db()).filter(
        agency_id=user.agency_id, captured_at__gte=criteria.captured_from, captured_at__lt=criteria.captured_to,
        # Issue 23: a read's upload time is the server's clock at upload, never ahead of
        # now (a day's margin for clocks), so on PostgreSQL the day partitions made ahead
        # are left out while planning: planning time grows with each partition planned.
        uploaded_at__lt=timezone.now() + UPLOAD_CLOCK_MARGIN,
    )
    qs = within_retention(exclude_covert_reads(qs, user))  # RT-4: never served past retention
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
    if criteria.polygon:
        qs = within_polygon(qs, criteria.polygon)
    if criteria.vehicle_color:
        qs = qs.filter(vehicle_color__in=stored_names_for(criteria.vehicle_color))  # issue 21 §7: synonyms
    if criteria.vehicle_make:
        qs = qs.filter(vehicle_make=criteria.vehicle_make)
    if criteria.vehicle_type:
        qs = qs.filter(vehicle_type=criteria.vehicle_type)
    return qs.order_by("-captured_at", "-id")


def within_polygon(qs, ring):
    """Issue 21 §1: the reads inside a drawn polygon, decided in the database (SQLite and
    PostgreSQL alike, no PostGIS), so a city-wide polygon over a month of reads is one query
    and never a list of ids. The database first narrows to the polygon's box (the filter
    the rectangle uses), then applies the even-odd rule of lib.geo.contains: for each edge,
    a read whose latitude lies in the edge's span and which lies west of the edge counts
    a crossing; inside means an odd count."""
    south, west, north, east = bounds(ring)
    qs = qs.filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
    lat, lon = Cast("latitude", FloatField()), Cast("longitude", FloatField())
    crossings = []
    for (lat1, lon1), (lat2, lon2) in zip(ring, ring[1:], strict=False):
        if lat1 == lat2:
            continue  # a horizontal edge is never crossed by the ray (lib.geo.contains skips it too)
        slope = (lon2 - lon1) / (lat2 - lat1)
        # lon < lon1 + (lat - lat1) * slope  <=>  lon - lat * slope < lon1 - lat1 * slope
        west_of_edge = LessThan(lon - lat * Value(slope), Value(lon1 - lat1 * slope))
        in_span = Q(latitude__gte=min(lat1, lat2), latitude__lt=max(lat1, lat2))
        crossings.append(Case(When(in_span & Q(west_of_edge), then=Value(1)), default=Value(0),
                              output_field=IntegerField()))
    if not crossings:
        return qs.none()
    return qs.alias(polygon_crossings=sum(crossings[1:], crossings[0]),
                    polygon_parity=Mod("polygon_crossings", Value(2))).filter(polygon_parity=1)


def exclude_covert_reads(qs, user):
    """HT-4: a read that hit a covert entry is invisible to everyone but the investigator
    responsible for the entry and the ALPR Administrator, in searches too."""
    if user.has_role(roles.ADMINISTRATOR):
        return qs
    hidden = Hit.objects.filter(read=OuterRef("pk"), is_covert=True).exclude(Exists(covert_grant(user)))
    return qs.exclude(Exists(hidden))


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
    qs = within_retention(qs)  # RT-4: past retention, a read is gone to everyone (404)
    read = qs.first()
    if read is None or not user.has_role(*roles.SEARCH_ROLES, *roles.ALERT_ROLES):
        raise Http404
    return read
