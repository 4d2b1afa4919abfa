"""Dashboard reads: the counts of work waiting on this member (issue 21 §5).

Each count is shown only to whoever can act on it, with a link to the page where they do,
using the same checks as those pages (roles, and ID-3 designations through
`approval_authority`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Designation, User
from accounts.selectors import approval_authority

# AU-5: San Leandro audits quarterly; a quarter without a sampling audit makes one due.
AUDIT_INTERVAL_DAYS = 92


@dataclass(frozen=True)
class ActionCount:
    label: str
    count: int
    url: str


def _may(user, scope) -> bool:
    return approval_authority(user=user, scope=scope) is not None


def action_counts(user: User) -> list[ActionCount]:
    from alpr.models import LegalHold
    from alpr.selectors import live_alerts
    from audits.models import Audit
    from hotlists.selectors import approval_queue
    from sharing.models import SharingRequest
    from training.selectors import training_status

    counts: list[ActionCount] = []
    if user.has_role(*roles.ALERT_ROLES):
        counts.append(ActionCount("Open alerts", live_alerts(user=user, limit=1000).count(), reverse("alpr:alerts")))
    if _may(user, Designation.Scope.HOTLIST_APPROVAL):
        pending = approval_queue().exclude(requester=user).count()  # nobody approves their own (HL-4)
        counts.append(ActionCount("Hot-list entries awaiting approval", pending, reverse("hotlists:queue")))
    if _may(user, Designation.Scope.SHARING_APPROVAL):
        open_statuses = [SharingRequest.Status.RECEIVED, SharingRequest.Status.RIGHT_NEED_DOCUMENTED,
                         SharingRequest.Status.RECORDED]
        pending = SharingRequest.objects.filter(status__in=open_statuses).count()
        counts.append(ActionCount("Sharing requests to process", pending, reverse("sharing:index")))
    if _may(user, Designation.Scope.RETENTION_EXCEPTION):
        pending = LegalHold.objects.filter(status=LegalHold.Status.REQUESTED).exclude(placed_by=user).count()
        counts.append(ActionCount("Legal holds awaiting approval", pending, reverse("alpr:retention")))
    if user.has_role(roles.AUDITOR, roles.COORDINATOR):
        open_audits = Audit.objects.filter(status=Audit.Status.OPEN).count()
        since = timezone.localdate() - timedelta(days=AUDIT_INTERVAL_DAYS)
        overdue = 0 if Audit.objects.filter(opened_at__date__gte=since).exists() else 1
        counts.append(ActionCount("Audits open or due", open_audits + overdue, reverse("audits:audit_list")))
    if user.has_role(roles.COORDINATOR):
        today = timezone.localdate()
        members = User.objects.filter(groups__name__in=roles.ALL_ROLES, is_active=True).distinct()
        lapsing = sum(1 for m in members if training_status(user=m, today=today).state in ("expiring", "expired"))
        counts.append(ActionCount("Members whose training expires within 30 days or has expired", lapsing,
                                  reverse("training:index")))
    return counts
