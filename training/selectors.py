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
    return _status_of(_passed_records(today).filter(member=user), today)


def training_statuses(*, users, today: date | None = None) -> dict[int, TrainingStatus]:
    """training_status() for many members in one query (the roster, TR-2), by user id."""
    today = today or timezone.localdate()
    users = list(users)
    by_member: dict[int, list[TrainingRecord]] = {u.pk: [] for u in users}
    for record in _passed_records(today).filter(member__in=users):
        by_member[record.member_id].append(record)
    return {pk: _status_of(records, today) for pk, records in by_member.items()}


def _passed_records(today: date):
    return (
        TrainingRecord.objects.select_related("course")
        .filter(passed=True, completed_on__lte=today)
        .order_by("-completed_on")
    )


def _status_of(records, today: date) -> TrainingStatus:
    best: TrainingRecord | None = None
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
    statuses = training_statuses(users=members, today=today)
    lapsing = sum(1 for status in statuses.values() if status.state in ("expiring", "expired"))
    return [ActionCount("Members whose training expires within 30 days or has expired", lapsing,
                        reverse("training:index"))]
