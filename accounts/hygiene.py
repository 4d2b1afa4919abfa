"""Account hygiene from the 2020 California State Auditor's recommendations."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from accounts.models import User

logger = logging.getLogger(__name__)


def disable_inactive(*, now=None) -> list[str]:
    """Disable accounts not used for ALPR_ACCOUNT_INACTIVE_DAYS. Unused is measured from the
    last sign-in, or from creation or re-enabling when more recent. Idempotent."""
    if not settings.ALPR_ACCOUNT_INACTIVE_DAYS:
        return []
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ALPR_ACCOUNT_INACTIVE_DAYS)
    stale = (User.objects.filter(is_active=True).exclude(Q(username__startswith="system."))
             .annotate(last_use=Greatest(Coalesce("last_login", "date_joined"), Coalesce("reenabled_at", "date_joined"),
                                         "date_joined"))
             .filter(last_use__lt=cutoff))
    disabled = []
    for user in stale:
        user.is_active = False
        user.disabled_at = now
        user.disabled_reason = f"Not used for {settings.ALPR_ACCOUNT_INACTIVE_DAYS} days"
        # Saving is_active=False also removes the API tokens (accounts.signals).
        user.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
        record_access(action=Action.ACCOUNT_DISABLED, object_type="user", object_id=user.pk,
                      data_elements={"username": user.username}, detail=user.disabled_reason)
        disabled.append(user.username)
    if disabled:
        logger.warning("disabled %s inactive accounts: %s", len(disabled), ", ".join(disabled))
    return disabled


def reenable(*, user: User, by, request=None) -> User:
    from accesslog.configuration import change_record
    from accesslog.models import ConfigurationChange

    was_active = user.is_active
    user.is_active = True
    user.reenabled_at = timezone.now()
    user.disabled_at = None
    user.disabled_reason = ""
    user.save(update_fields=["is_active", "reenabled_at", "disabled_at", "disabled_reason"])
    record_access(action=Action.ACCOUNT_REENABLED, user=by, request=request, object_type="user", object_id=user.pk,
                  data_elements={"username": user.username})
    # Issue 19 §6: an account back in use widens access.
    change_record(kind=ConfigurationChange.Kind.ROLES, summary=f"Member {user} re-enabled",
                  before={"is_active": was_active}, after={"is_active": True}, weakens=True,
                  source=ConfigurationChange.Source.ADMIN if request else ConfigurationChange.Source.SYSTEM,
                  by=by, request=request, obj=user)
    return user
