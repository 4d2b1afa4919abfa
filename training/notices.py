"""ID-4 / TR-1: members whose training expires within 30 days, and their supervisors, are
told (in-app; by e-mail too when EMAIL_HOST is set). Idempotent per expiry date."""

from __future__ import annotations

from accounts import roles
from accounts.models import User
from accounts.services import notify
from training.selectors import training_status


def _notify(user, key: str, message: str) -> bool:
    return notify(user=user, key=key, message=message, subject="ALPR training expiring")


def notify_expiring() -> int:
    sent = 0
    members = User.objects.filter(is_active=True, groups__name__in=roles.ALL_ROLES).select_related("supervisor")
    for member in members.distinct():
        status = training_status(user=member)
        if status.state != "expiring":
            continue
        key = f"training-expiring-{status.valid_until}"
        sent += _notify(member, key, f"Your ALPR training expires on {status.valid_until}. Without a refresher "
                                     "before then, ALPR functions and data close to you (DGO I-12 C.3.a).")
        if member.supervisor_id:
            sent += _notify(member.supervisor, f"{key}-{member.pk}",
                            f"{member.display_name}'s ALPR training expires on {status.valid_until}.")
    return sent
