"""Is a member's ALPR training current (ID-4)?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from training.models import TrainingRecord

EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class TrainingStatus:
    state: str  # "current", "expiring", "expired", "never"
    valid_until: date | None
    record: TrainingRecord | None

    @property
    def is_current(self) -> bool:
        return self.state in ("current", "expiring")

    @property
    def label(self) -> str:
        return {
            "current": "Current",
            "expiring": "Expiring soon",
            "expired": "Expired",
            "never": "Never trained",
        }[self.state]


def training_status(*, user, today: date | None = None) -> TrainingStatus:
    """Current when the member passed a course that counts for the gate and it has not
    passed its validity (ALPR_TRAINING_VALID_DAYS, default 365)."""
    today = today or timezone.localdate()
    best: TrainingRecord | None = None
    records = (
        TrainingRecord.objects.select_related("course")
        .filter(member=user, passed=True, completed_on__lte=today)
        .order_by("-completed_on")
    )
    for record in records:
        if record.course.counts_for_gate and (best is None or record.valid_until > best.valid_until):
            best = record
    if best is None:
        return TrainingStatus(state="never", valid_until=None, record=None)
    if best.valid_until < today:
        return TrainingStatus(state="expired", valid_until=best.valid_until, record=best)
    if best.valid_until <= today + timedelta(days=EXPIRY_WARNING_DAYS):
        return TrainingStatus(state="expiring", valid_until=best.valid_until, record=best)
    return TrainingStatus(state="current", valid_until=best.valid_until, record=best)


def dashboard_counts(user) -> list:
    """Issue 21 §5: for the Coordinator, members whose training expires within 30 days or has expired (TR-1)."""
    from django.urls import reverse

    from accounts import roles
    from accounts.dashboard import ActionCount
    from accounts.models import User

    if not user.has_role(roles.COORDINATOR):
        return []
    today = timezone.localdate()
    members = User.objects.filter(groups__name__in=roles.ALL_ROLES, is_active=True).distinct()
    lapsing = sum(1 for m in members if training_status(user=m, today=today).state in ("expiring", "expired"))
    return [ActionCount("Members whose training expires within 30 days or has expired", lapsing,
                        reverse("training:index"))]
