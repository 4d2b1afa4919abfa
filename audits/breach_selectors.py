"""BR-1: reads of the breach log. One access helper (`breach_for_user`) used by every
breach view: the ALPR Coordinator and Administrator (who act) and auditors (who read) see
breaches; anyone else gets a 404."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts import roles
from audits import breach_deadlines
from audits.models import BreachRecord


def may_see_breaches(user) -> bool:
    return user.is_authenticated and user.has_role(roles.COORDINATOR, roles.ADMINISTRATOR, roles.AUDITOR)


def breaches_visible_to(user):
    if not may_see_breaches(user):
        return BreachRecord.objects.none()
    return BreachRecord.objects.select_related("recorded_by")


def breach_for_user(*, user, pk: int) -> BreachRecord:
    breach = breaches_visible_to(user).filter(pk=pk).first()
    if breach is None:
        raise Http404
    return breach


def open_breach_counts() -> tuple[int, int]:
    """(open breaches, of them with a notification overdue)."""
    today = timezone.localdate()
    open_ = list(BreachRecord.objects.filter(~Q(status=BreachRecord.Status.CLOSED)))
    return len(open_), sum(1 for b in open_ if breach_deadlines.overdue(b, today))


def dashboard_counts(user) -> list:
    """Issue 21 §5 pattern: open breaches and overdue notifications, to those who act on
    them (the Coordinator and the Administrator)."""
    from django.urls import reverse

    from accounts.dashboard import ActionCount

    if not user.has_role(roles.COORDINATOR, roles.ADMINISTRATOR):
        return []
    open_, overdue = open_breach_counts()
    url = reverse("audits:breach_list")
    return [ActionCount("Breaches open", open_, url), ActionCount("Breach notifications overdue", overdue, url)]
