"""Reads of retention (RT-2, RT-3): legal holds and who decides them."""

from __future__ import annotations


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
