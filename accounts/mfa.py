"""Two-factor authentication and re-authentication (CJIS 5.6.2.2, issue 8).

Second factor: a TOTP authenticator app (django-otp's TOTPDevice) with ten one-time
recovery codes (a StaticDevice) for the day the phone is lost. Who must have one is
`second_factor_required`; everyone else may enrol. Until the second factor is given, a
signed-in session reaches nothing but these pages (accounts.middleware.TwoFactorGateMiddleware).

Re-authentication: privileged actions (approving entries and shares, placing or releasing
holds, finalising audits) need an authentication no older than ALPR_REAUTH_SECONDS
(15 minutes). Each such view asks `reauthentication_response` after its own access check
(so outsiders still get 404); the member confirms password and code at /reauthenticate/
and submits again.

Every enrolment, verification, failure, reset and re-authentication goes into the access
log (AU-1).
The writes (confirming an enrolment, issuing recovery codes, an administrator's reset)
are services: `accounts.services.totp_enrol_confirm`, `recovery_codes_issue`,
`second_factor_reset`.
"""

from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.checks import Error, register
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from accounts import roles
from accounts.authentication import is_token_request
from accounts.models import User
from lib.errors import error_body

RECOVERY_CODE_COUNT = 10
# The session key holding when the member last proved who they are (password at sign-in,
# the second factor, or the re-authentication page).
AUTHENTICATED_RECENTLY_AT = "alpr_reauthenticated_at"
# The session key set when the identity provider's ID token showed a second factor
# (accounts.sso); holds the member's pk so it never verifies another account.
SSO_SECOND_FACTOR = "alpr_sso_second_factor"


# --- Policy -------------------------------------------------------------------------------

def _required_roles() -> list[str]:
    return list(settings.ALPR_MFA_REQUIRED_ROLES)


def second_factor_required(user: User) -> bool:
    """Required for the roles in ALPR_MFA_REQUIRED_ROLES ("all": everyone), for current
    designees of the ALPR Administrator (they act with the Administrator's authority) and
    for anyone who can open the Django admin."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    required = _required_roles()
    if any(r.lower() == "all" for r in required) or user.has_role(*required):
        return True
    from accounts.selectors import designations_held_by

    return designations_held_by(user).exists()  # a person or a position's holder (ID-3)


def has_second_factor(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def is_verified(request) -> bool:
    """The second factor was given this session: a local device (django-otp), or the
    agency identity provider's own second factor as its ID token said (accounts.sso)."""
    session = getattr(request, "session", None)
    user = request.user
    if session is not None and user.is_authenticated and session.get(SSO_SECOND_FACTOR) == user.pk:
        return True
    check = getattr(user, "is_verified", None)
    return bool(check and check())


@register()
def check_required_roles(app_configs, **kwargs):
    """A misspelt role in ALPR_MFA_REQUIRED_ROLES would silently require nothing."""
    known = {r.lower() for r in roles.ALL_ROLES} | {"all"}
    unknown = [r for r in _required_roles() if r.lower() not in known]
    if unknown:
        return [Error(f"ALPR_MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
                      hint=f"Use 'all' or some of: {', '.join(roles.ALL_ROLES)}.", id="accounts.E001")]
    return []


# --- Second factor: enrolling, verifying (its writes are in accounts.services) ------------

def totp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator being enrolled: one unconfirmed device per member, kept until
    confirmed so a page reload shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def recovery_codes_replace(user: User) -> list[str]:
    """New one-time codes; the old ones stop working. Callers log it (or are the demo)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_verify(*, request, token: str):
    """Check a code from the app or a recovery code against the member's devices. The
    devices throttle repeated failures themselves (the delay doubles each time)."""
    user = request.user
    token = _clean(token)
    device = None
    if token:
        with transaction.atomic():
            for candidate in devices_for_user(user, confirmed=True, for_verify=True):
                if candidate.verify_token(token):
                    device = candidate
                    break
    if device is None:
        record_access(action=Action.AUTH_MFA_FAILED, user=user, request=request,
                      outcome=AccessEvent.Outcome.DENIED, detail="Wrong or throttled second-factor code.")
        return None
    second_factor_login(request=request, device=device)
    return device


def second_factor_login(*, request, device, enrolment: bool = False) -> None:
    otp_login(request, device)
    request.session[AUTHENTICATED_RECENTLY_AT] = int(time.time())
    if not enrolment:
        kind = "recovery code" if isinstance(device, StaticDevice) else "authenticator app"
        record_access(action=Action.AUTH_MFA_VERIFIED, user=request.user, request=request,
                      detail=f"Second factor given ({kind}).")


def reauthenticate(*, request, password: str, token: str) -> bool:
    """Password, and the second factor where the member has one.

    Issue 18 (defect 4): a wrong password here counts against the same lockout as the
    sign-in page (django-axes, AXES_FAILURE_LIMIT), so a stolen session cannot be used to
    guess the member's password; at the limit the account locks and the session ends."""
    user = request.user
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return False
    # An SSO-only member has no local password (issue 22): they re-authenticate at the
    # identity provider (accounts.views.reauthenticate sends them there).
    ok = not user.sso_only and user.check_password(password or "")
    if ok and has_second_factor(user):
        ok = second_factor_verify(request=request, token=token) is not None
    if ok:
        request.session[AUTHENTICATED_RECENTLY_AT] = int(time.time())
        record_access(action=Action.AUTH_REAUTHENTICATED, user=user, request=request)
        return True
    record_access(action=Action.AUTH_REAUTH_FAILED, user=user, request=request,
                  outcome=AccessEvent.Outcome.DENIED)
    user_login_failed.send(sender=__name__, credentials=credentials, request=request, reauthentication=True)
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
    return False


def _clean(token: str) -> str:
    return "".join((token or "").split()).lower()[:32]


# --- Re-authentication guard --------------------------------------------------------------

def authenticated_recently(request) -> bool:
    session = getattr(request, "session", None)
    if session is None or not session.get("_auth_user_id") or is_token_request(request):
        # API tokens never count, even beside someone's session cookie: a privileged
        # action needs a person signing in.
        return False
    last = session.get(AUTHENTICATED_RECENTLY_AT)
    return last is not None and time.time() - last <= settings.ALPR_REAUTH_SECONDS


def reauthentication_response(request):
    """None when the last authentication is recent; otherwise the answer that sends the
    member to confirm who they are (or, for the API, a 403 that says so)."""
    if authenticated_recently(request):
        return None
    record_access(action=Action.AUTH_REAUTH_REQUIRED, user=request.user, request=request,
                  object_type="url", object_id=request.path[:64], outcome=AccessEvent.Outcome.DENIED)
    message = (f"This action needs a sign-in from the last {settings.ALPR_REAUTH_SECONDS // 60} minutes. "
               "Confirm your password and code, then submit again.")
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("reauthentication_required", message), status=403)
    back = request.get_full_path() if request.method == "GET" else safe_redirect(
        request, request.META.get("HTTP_REFERER", ""))
    messages.info(request, message)
    return redirect(f"{reverse('accounts:reauthenticate')}?{urlencode({'next': back})}")


def safe_redirect(request, target: str, default: str = "accounts:dashboard") -> str:
    """`target` when it stays on this site, else the named default (no open redirect)."""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)

