"""Reads of retention (RT-1..RT-3): who approves a hold, the holds a member may open, the
sharing requests a hold may name, what the purge may delete, and the dashboard count of
holds awaiting approval."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import Exists, OuterRef

from accounts import roles
from accounts.models import Designation
from accounts.selectors import approval_authority
from alpr.models import ImageSweep, LegalHold, Read

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
    return Read.objects.filter(uploaded_at__lt=cutoff).exclude(Exists(held_by_active_hold()))


def image_sweeps_recent(limit: int = 30):
    """Issue 23 / RT-3: the background deletions of dropped days' image files, newest
    first, with their progress (oversight sees them beside the purge runs)."""
    return ImageSweep.objects.all()[:limit]
