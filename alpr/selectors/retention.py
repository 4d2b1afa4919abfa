"""Reads of retention (RT-1..RT-4): the retention schedule in force (per data class and per
source), the cut-off it gives, who approves a hold, the holds a member may open, the
sharing requests a hold may name, what the purge may delete, and the dashboard count of
holds awaiting approval.

The schedule: RetentionRule rows set by the ALPR Administrator (per class, agency-wide or
for one DataSource); a class without a rule keeps its configured days (settings
ALPR_RETENTION_DAYS for reads, ALPR_RETENTION_SCHEDULE for the others; images go with
their reads unless given days of their own). `within_retention` is what every place that
serves reads applies, so a read past retention is never served even before the nightly
purge has run (RT-4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts import roles
from accounts.models import Designation
from accounts.selectors import approval_authority
from alpr.models import Camera, DataSource, ImageSweep, LegalHold, Read, RetentionRule

DataClass = RetentionRule.DataClass

# RT-3: oversight of retention sees every purge run and every hold.
OVERSIGHT = (roles.COORDINATOR, roles.ADMINISTRATOR, roles.AUDITOR)


def dashboard_hold_counts(user) -> list:
    """Issue 21 §5: legal holds awaiting this member's approval (RT-3; nobody approves their own)."""
    from django.urls import reverse

    from accounts.dashboard import ActionCount, may_act_as

    if not may_act_as(user, Designation.Scope.RETENTION_EXCEPTION):
        return []
    pending = LegalHold.objects.filter(status=LegalHold.Status.REQUESTED).exclude(placed_by=user).count()
    return [ActionCount("Legal holds awaiting approval", pending, reverse("alpr:retention"))]


def retention_authority(user):
    """RT-2: who approves a hold for another reason: the ALPR Administrator or a
    retention-exception designee, or a Deputy Chief / Deputy Director or higher by rank."""
    authority = approval_authority(user=user, scope=Designation.Scope.RETENTION_EXCEPTION)
    if authority is not None:
        return authority.designation, authority.description
    if user.is_active and user.rank in settings.ALPR_RETENTION_APPROVER_RANKS:
        return None, f"{user.display_name} ({user.rank})"
    return None


def holds_visible_to(user):
    """The legal holds a member may open: all of them for oversight and for whoever may
    approve one (RT-2, RT-3), otherwise the holds the member placed."""
    if user.has_role(*OVERSIGHT) or retention_authority(user):
        return LegalHold.objects.all()
    return LegalHold.objects.filter(placed_by=user)


# The sharing requests a hold may name (another agency's investigation, RT-2) are those
# the member may see, which is sharing's rule (sharing.selectors.requests_visible_to).
# SharingConfig.ready() passes it in, so alpr imports no app built on it (issue 17);
# without it a hold names no sharing request (deny by default).
_sharing_requests_visible_to: Callable | None = None


def set_sharing_request_selector(requests_visible_to: Callable) -> None:
    global _sharing_requests_visible_to
    _sharing_requests_visible_to = requests_visible_to


def hold_sharing_requests(user):
    if _sharing_requests_visible_to is None:
        return LegalHold._meta.get_field("sharing_request").related_model.objects.none()
    return _sharing_requests_visible_to(user)


def held_by_active_hold():
    """For Exists() against an outer read: an active legal hold covers it (RT-2)."""
    return LegalHold.reads.through.objects.filter(read_id=OuterRef("pk"), legalhold__status=LegalHold.Status.ACTIVE)


def due_for_purge(cutoff):
    """Reads uploaded before one cut-off and not held (a single cut-off for every source)."""
    return Read.objects.filter(uploaded_at__lt=cutoff).exclude(Exists(held_by_active_hold()))


# --- The retention schedule in force (RT-1, RT-4) --------------------------------------------

def retention_schedule() -> dict[tuple[str, int | None], int]:
    """The administrator's rules: (class, source id or None for agency-wide) -> days."""
    return {(c, s): d for c, s, d in RetentionRule.objects.values_list("data_class", "source_id", "days")}


def configured_days(data_class: str) -> int | None:
    """What the configuration says for a class when the schedule has no rule for it.
    None for images: they go with their reads."""
    if data_class == DataClass.READS:
        return settings.ALPR_RETENTION_DAYS  # RT-1: the historic setting stays the reads' default
    return settings.ALPR_RETENTION_SCHEDULE.get(data_class)


def retention_days(data_class: str, source_id: int | None = None, *, schedule=None) -> int:
    """Days a class of data from one source (None: agency-wide) is kept: the source's own
    rule, else the agency-wide rule, else the configuration."""
    schedule = retention_schedule() if schedule is None else schedule
    if source_id is not None and (data_class, source_id) in schedule:
        return schedule[(data_class, source_id)]
    if (data_class, None) in schedule:
        return schedule[(data_class, None)]
    days = configured_days(data_class)
    if days is None:  # images without days of their own go with their reads (RT-3)
        return retention_days(DataClass.READS, source_id, schedule=schedule)
    return days


def retention_limits(data_class: str) -> tuple[int, int]:
    """RT-4: (floor, cap) in days that the schedule of a class must stay within."""
    return tuple(settings.ALPR_RETENTION_LIMITS.get(data_class, (1, 36500)))


def cutoffs_by_source(data_class: str, *, now=None, schedule=None) -> dict[int | None, datetime]:
    """Cut-off per source with days of its own for this class; None: everything else.
    Data uploaded (created) before its cut-off is past retention."""
    now = now or timezone.now()
    schedule = retention_schedule() if schedule is None else schedule
    sources = {s for c, s in schedule if s is not None and c in (data_class, DataClass.READS)}
    default = retention_days(data_class, None, schedule=schedule)
    out: dict[int | None, datetime] = {None: now - timedelta(days=default)}
    for source_id in sources:
        days = retention_days(data_class, source_id, schedule=schedule)
        if days != default:
            out[source_id] = now - timedelta(days=days)
    return out


def read_cutoff_for_source(source_id: int | None, *, now=None) -> datetime:
    """RT-4: reads of this source (None: the agency's own cameras) uploaded before this are
    past retention. For the partitioned reads table: a day older than every source's cut-off
    may be dropped, once no active hold covers a read in it."""
    cutoffs = cutoffs_by_source(DataClass.READS, now=now)
    return cutoffs.get(source_id, cutoffs[None])


def longest_read_retention_days() -> int:
    """RT-4: the longest any read is kept without a hold (agency-wide or any source), so
    that whole upload days older than this can go at once (reads partitioned by day).
    Reads under an active legal hold (held_by_active_hold) outlive it."""
    schedule = retention_schedule()
    days = [retention_days(DataClass.READS, None, schedule=schedule)]
    days += [d for (c, s), d in schedule.items() if c == DataClass.READS and s is not None]
    return max(days)


def past_retention(data_class: str, *, now=None, time_field: str = "uploaded_at",
                   camera_field: str | None = "camera_id") -> Q:
    """A Q for rows of this class past their retention, each by its source's cut-off (the
    camera's data source). Rows without a camera (searches) use the agency-wide cut-off."""
    cutoffs = cutoffs_by_source(data_class, now=now)
    default = cutoffs.pop(None)
    if not cutoffs or camera_field is None:
        return Q(**{f"{time_field}__lt": default})
    cameras: dict[int, list[int]] = {}
    for camera_id, source_id in Camera.objects.filter(data_source_id__in=list(cutoffs)).values_list(
            "pk", "data_source_id"):
        cameras.setdefault(source_id, []).append(camera_id)
    special = [c for ids in cameras.values() for c in ids]
    q = Q(**{f"{time_field}__lt": default}) & ~Q(**{f"{camera_field}__in": special})
    for source_id, ids in cameras.items():
        q |= Q(**{f"{time_field}__lt": cutoffs[source_id], f"{camera_field}__in": ids})
    return q


def hits_past_retention(*, now=None) -> Q:
    """RT-4: hits past their retention: without a stop report by the hits' days, with one
    (HT-3) by the stop reports' days; either kept while its read is held (RT-2)."""
    undocumented = Q(stop_report__isnull=True) & past_retention(DataClass.HITS, now=now, time_field="created_at")
    documented = Q(stop_report__isnull=False) & past_retention(DataClass.STOP_REPORTS, now=now,
                                                               time_field="created_at")
    return (undocumented | documented) & ~Q(read_id__in=held_read_ids())


def held_read_ids():
    """Ids of reads an active legal hold covers (RT-2), as a subquery."""
    return LegalHold.reads.through.objects.filter(legalhold__status=LegalHold.Status.ACTIVE).values("read_id")


def within_retention(reads, *, now=None):
    """RT-4: the reads still within their retention, or kept by an active legal hold (RT-2).
    Every selector that serves reads (search, detail, map, API, exports, sharing) applies
    it, so a read past retention is never served even before the nightly purge."""
    return reads.filter(~past_retention(DataClass.READS, now=now) | Q(pk__in=held_read_ids()))


def reads_due_for_purge(*, now=None):
    """RT-1, RT-4: reads past their source's retention that no active hold keeps."""
    return Read.objects.filter(past_retention(DataClass.READS, now=now)).exclude(pk__in=held_read_ids())


def images_due_for_purge(*, now=None):
    """RT-4: reads (kept) whose images are past the images' retention (San Leandro: camera
    images 30 days, 003 §418.5), still carrying a file, and not held."""
    return (Read.objects.filter(past_retention(DataClass.IMAGES, now=now))
            .exclude(frame="", crop="").exclude(pk__in=held_read_ids()))


def images_served(read) -> bool:
    """RT-4: a read's images are served while within the images' retention (or held), even
    where the read itself is kept longer and the purge has not cleared them yet."""
    return not images_due_for_purge().filter(pk=read.pk).exists()


def schedule_rows() -> list[dict]:
    """The schedule in force as rows for the retention page and the public page (PUB-1):
    each class agency-wide, then each source that differs."""
    schedule = retention_schedule()
    rows = []
    sources = {s.pk: s for s in DataSource.objects.all()}
    for code, label in DataClass.choices:
        floor, cap = retention_limits(code)
        rows.append({"data_class": code, "label": label, "source": None, "source_id": None,
                     "days": retention_days(code, None, schedule=schedule), "floor": floor, "cap": cap,
                     "set": (code, None) in schedule})
        for (c, s), days in sorted(schedule.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
            if c == code and s is not None and s in sources:
                rows.append({"data_class": code, "label": label, "source": sources[s].name, "source_id": s,
                             "days": days, "floor": floor, "cap": cap, "set": True})
    return rows


def image_sweeps_recent(limit: int = 30):
    """Issue 23 / RT-3: the background deletions of dropped days' image files, newest
    first, with their progress (oversight sees them beside the purge runs)."""
    return ImageSweep.objects.all()[:limit]
