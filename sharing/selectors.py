"""Reads in sharing: who processes requests, who sees them, the reads a request covers,
and what the annual report says about sharing for a period (SH-4 / AU-4)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Q

from accounts import roles
from accounts.models import Designation
from accounts.selectors import approval_authority, authority_holders
from alpr.models import Read
from alpr.selectors.retention import within_retention
from sharing.models import SharingPackage, SharingRequest


def processor_authority(user):
    """Who processes sharing requests: the ALPR Administrator or a current sharing designee."""
    return approval_authority(user=user, scope=Designation.Scope.SHARING_APPROVAL)


def deciders(req: SharingRequest) -> list:
    """Issue 20 §3: who may decide this request now (accounts.selectors.Authority each): the
    ALPR Administrator(s) and the current sharing designees (persons, or a position's
    holders), less whoever logged it (nobody decides a request they logged, SH-2)."""
    return [a for a in authority_holders(scope=Designation.Scope.SHARING_APPROVAL) if a.user.pk != req.logged_by_id]


def scope_reads(req: SharingRequest):
    """The reads the approval covers: home-agency reads in the window, of the plates named
    or from the cameras named."""
    wanted = Q(pk__in=[])
    if req.plate_list:
        wanted |= Q(plate__in=req.plate_list)
    camera_ids = list(req.cameras.values_list("pk", flat=True))
    if camera_ids:
        wanted |= Q(camera_id__in=camera_ids)
    reads = Read.objects.filter(agency__is_home=True, captured_at__gte=req.window_from, captured_at__lt=req.window_to)
    # RT-4: a read past its retention is never shared, even before the nightly purge.
    return within_retention(reads.filter(wanted)).select_related("camera").order_by("captured_at")


def requests_visible_to(user):
    """SH-4 secure folder: the ALPR Administrator, current sharing designees, auditors, and
    whoever logged a request (their own); nobody else."""
    if user.has_role(roles.ADMINISTRATOR, roles.AUDITOR) or processor_authority(user):
        return SharingRequest.objects.all()
    return SharingRequest.objects.filter(logged_by=user)


def sharing_report(*, since, until) -> dict:
    rows = list(SharingRequest.objects.filter(logged_at__gte=since, logged_at__lt=until).select_related("agency"))
    return {
        "total": len(rows),
        "by_agency": Counter(r.agency.name for r in rows).most_common(),
        "by_basis": Counter(r.get_basis_display() for r in rows).most_common(),
        "by_outcome": Counter(r.get_status_display() for r in rows).most_common(),
        "refusals_by_rule": Counter(r.get_refusal_rule_display() for r in rows if r.refusal_rule).most_common(),
        "denial_reasons": [(r.pk, r.agency.name, r.decision_reason) for r in rows
                           if r.status == SharingRequest.Status.DENIED],
        "packages": SharingPackage.objects.filter(created_at__gte=since, created_at__lt=until).count(),
        "rows": rows,
    }


def dashboard_counts(user) -> list:
    """Issue 21 §5: sharing requests to process, for the administrator or a designee (SH-1, ID-3)."""
    from django.urls import reverse

    from accounts.dashboard import ActionCount, may_act_as
    from accounts.models import Designation

    if not may_act_as(user, Designation.Scope.SHARING_APPROVAL):
        return []
    open_statuses = [SharingRequest.Status.RECEIVED, SharingRequest.Status.RIGHT_NEED_DOCUMENTED,
                     SharingRequest.Status.RECORDED]
    pending = SharingRequest.objects.filter(status__in=open_statuses).count()
    return [ActionCount("Sharing requests to process", pending, reverse("sharing:index"))]
