"""ID-4 / TR-1: members whose training expires within 30 days, and their supervisors, are
told (in-app; by e-mail too when EMAIL_HOST is set). Idempotent per expiry date."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from accounts import roles
from accounts.models import Notification, User
from training.selectors import training_status

logger = logging.getLogger(__name__)


def _notify(user, key: str, message: str) -> bool:
    try:
        with transaction.atomic():
            Notification.objects.create(user=user, key=key, message=message)
    except IntegrityError:
        return False  # already told
    if settings.EMAIL_HOST and user.email:
        try:
            send_mail("ALPR training expiring", message, settings.DEFAULT_FROM_EMAIL, [user.email])
        except OSError:
            logger.exception("could not e-mail %s", user.username)
    return True


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
