"""Sign-in events go into the access log (AU-1): success, failure, lockout, sign-out."""

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from accounts.mfa import AUTHENTICATED_RECENTLY_AT
from accounts.middleware import AUTHENTICATED_AT


@receiver(user_logged_in, dispatch_uid="accounts.login_recorded")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # The absolute session lifetime counts from here (IdleTimeoutMiddleware).
        request.session[AUTHENTICATED_AT] = int(time.time())
        # ... and the 15-minute window of privileged actions (accounts.mfa).
        request.session[AUTHENTICATED_RECENTLY_AT] = int(time.time())
    record_access(action=Action.AUTH_LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts.logout_recorded")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_access(action=Action.AUTH_LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts.login_failure_recorded")
def _login_failed(sender, credentials, request=None, reauthentication=False, **kwargs):
    if reauthentication:
        return  # accounts.mfa.reauthenticate logged it as a failed re-authentication
    username = (credentials or {}).get("username", "") or ""
    user = get_user_model().objects.filter(username=username).first()
    record_access(
        action=Action.AUTH_LOGIN_FAILED,
        user=user,
        username=username[:150],
        request=request,
        outcome=AccessEvent.Outcome.DENIED,
    )


@receiver(user_locked_out, dispatch_uid="accounts.lockout_recorded")
def _locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first()
    record_access(
        action=Action.AUTH_LOCKOUT,
        user=user,
        username=(username or "")[:150],
        request=request,
        outcome=AccessEvent.Outcome.DENIED,
        detail="Account locked after repeated failed sign-ins; an administrator must release it.",
    )
