"""Reads of hot lists, entries and requests, scoped to what the user may see (HT-4)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from accounts import roles
from hotlists.models import (
    FeedImport,
    Hotlist,
    HotlistEntry,
    HotlistEntryRequest,
    HotlistEntryUserObjectPermission,
)


def _covert_entry_grant(user):
    return HotlistEntryUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename="view_covert_entry")


def entries_visible_to(user, qs=None):
    """Alert-list entries to every member; a covert entry only to its investigator (object
    permission) and the ALPR Administrator."""
    qs = HotlistEntry.objects.all() if qs is None else qs
    if user.has_role(roles.ADMINISTRATOR):
        return qs
    return qs.filter(Q(hotlist__kind=Hotlist.Kind.ALERT) | Q(Exists(_covert_entry_grant(user))))


def requests_visible_to(user, qs=None):
    """Requesters see their own; approvers (administrator or a hot-list designee) see all
    alert-list requests and the covert ones they may decide; auditors see alert-list requests."""
    from accounts.models import Designation
    from accounts.selectors import approval_authority

    qs = HotlistEntryRequest.objects.all() if qs is None else qs
    if user.has_role(roles.ADMINISTRATOR):
        return qs
    own = Q(requester=user)
    if approval_authority(user=user, scope=Designation.Scope.HOTLIST_APPROVAL) is not None:
        # A designee decides covert requests too; that is the designation's purpose.
        return qs
    if user.has_role(roles.AUDITOR):
        return qs.filter(own | Q(hotlist__kind=Hotlist.Kind.ALERT))
    return qs.filter(own)


def request_for_user(*, user, pk) -> HotlistEntryRequest:
    req = requests_visible_to(user).select_related("hotlist", "requester", "entry", "decided_by").filter(pk=pk).first()
    if req is None:
        raise Http404
    return req


def approval_queue():
    """Submitted requests, oldest first (HL-4)."""
    return (HotlistEntryRequest.objects.filter(status=HotlistEntryRequest.Status.SUBMITTED)
            .select_related("hotlist", "requester").order_by("entered_at"))


def lists_overview(user):
    # Issue 18 (defect 6): the department's lists, their names and sizes are its own
    # business; another agency's member sees none of them.
    if not user.is_home_member:
        return []
    # HL-2 (issue 22): each pulled list's source, for its schedule and staleness.
    lists = Hotlist.objects.select_related("pull_source").annotate(
        active_entries=Count("entries", filter=Q(entries__status=HotlistEntry.Status.ACTIVE)))
    if not user.has_role(roles.ADMINISTRATOR, roles.INVESTIGATOR):
        lists = lists.filter(kind=Hotlist.Kind.ALERT)
    last_imports = {}
    for imp in FeedImport.objects.order_by("hotlist_id", "-started_at").distinct("hotlist_id") \
            if _supports_distinct_on() else FeedImport.objects.order_by("-started_at"):
        last_imports.setdefault(imp.hotlist_id, imp)
    return [(lst, last_imports.get(lst.pk)) for lst in lists.order_by("name")]


def _supports_distinct_on() -> bool:
    from django.db import connection

    return connection.features.can_distinct_on_fields


def import_for_user(*, user, pk) -> FeedImport:
    if not user.has_role(roles.ADMINISTRATOR, roles.AUDITOR, roles.COORDINATOR):
        raise Http404
    imp = FeedImport.objects.select_related("hotlist", "uploaded_by").filter(pk=pk).first()
    if imp is None:
        raise Http404
    return imp


def dashboard_counts(user) -> list:
    """Issue 21 §5: entries awaiting this member's approval (registered in HotlistsConfig.ready)."""
    from django.urls import reverse

    from accounts.dashboard import ActionCount, may_act_as
    from accounts.models import Designation

    if not may_act_as(user, Designation.Scope.HOTLIST_APPROVAL):
        return []
    pending = approval_queue().exclude(requester=user).count()  # nobody approves their own (HL-4)
    return [ActionCount("Hot-list entries awaiting approval", pending, reverse("hotlists:queue"))]
