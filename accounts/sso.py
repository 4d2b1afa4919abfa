"""Single sign-on with the agency's identity provider (OpenID Connect; issue 22 part 3).

mozilla-django-oidc runs the authorization-code flow (state, nonce, PKCE); this module
adds what the policy needs on top:

- Off unless configured (ALPR_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET). The provider's
  endpoints come from its discovery document, so the issuer is the only address to set.
- The ID token is checked for signature, expiry, audience (our client id) and issuer.
- Accounts are matched by the stable subject (issuer + `sub`) stored on the user; an
  unknown subject is refused with a page and an access-log entry and *no account is
  created* (ID-1, ID-2, ID-4: the Coordinator records training and designations for a
  person before they may use ALPR). Linking by a verified email claim only where
  ALPR_OIDC_LINK_BY_VERIFIED_EMAIL allows it.
- The provider's second factor counts when the ID token says so (`amr` names one of
  ALPR_OIDC_MFA_AMR or `acr` is one of ALPR_OIDC_MFA_ACR): the session is then
  second-factor verified for the two-factor gate (accounts.mfa.is_verified) and the
  re-authentication window. Otherwise the member gives the local second factor as today.
- Signing out ends the Django session and sends the browser to the provider's
  end_session_endpoint with id_token_hint (RP-initiated logout), ending that one too.

The training gate, designations, disabled accounts and every other check apply after SSO
exactly as after a password: they are middleware and services on request.user.
"""

from __future__ import annotations

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import View
from django_otp import DEVICE_ID_SESSION_KEY
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from accounts import mfa

logger = logging.getLogger(__name__)

# Session keys: the sign-in came through the provider; its verified second factor (the
# user's pk, so a session can never carry it over to another account).
SSO_SESSION = "alpr_sso"
SSO_SECOND_FACTOR = mfa.SSO_SECOND_FACTOR
ID_TOKEN_SESSION = "oidc_id_token"  # noqa: S105 - a session key, written by mozilla-django-oidc (OIDC_STORE_ID_TOKEN)

DISCOVERY_TTL_SECONDS = 3600
_discovery_cache: dict[str, tuple[float, dict]] = {}


class ProviderUnavailable(Exception):
    """The identity provider could not be reached or answered nonsense."""


def configured() -> bool:
    return bool(settings.ALPR_OIDC_ISSUER and settings.ALPR_OIDC_CLIENT_ID and settings.ALPR_OIDC_CLIENT_SECRET)


def provider_name() -> str:
    return settings.ALPR_OIDC_PROVIDER_NAME


def discovery() -> dict:
    """The provider's discovery document, cached for an hour per issuer."""
    issuer = settings.ALPR_OIDC_ISSUER
    cached = _discovery_cache.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL_SECONDS:
        return cached[1]
    try:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery failed: {exc}") from exc
    # OpenID Connect Discovery 1.0 section 4.3: the document names the issuer we asked.
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(f"discovery names issuer {document.get('issuer')!r}, expected {issuer!r}")
    _discovery_cache[issuer] = (time.monotonic(), document)
    return document


_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


_FROM_ALPR_SETTINGS = {
    "OIDC_RP_CLIENT_ID": "ALPR_OIDC_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "ALPR_OIDC_CLIENT_SECRET",
    "OIDC_RP_SIGN_ALGO": "ALPR_OIDC_SIGN_ALGO",
}


def get_setting(attr, *args):
    """mozilla-django-oidc's settings: the client from the ALPR_OIDC_* settings, the
    provider's endpoints from its discovery document, the rest from settings."""
    if attr in _FROM_ALPR_SETTINGS:
        return getattr(settings, _FROM_ALPR_SETTINGS[attr])
    if attr in _ENDPOINTS:
        value = discovery().get(_ENDPOINTS[attr])
        if value is None and not args:
            raise ProviderUnavailable(f"the provider publishes no {_ENDPOINTS[attr]}")
        return value if value is not None else args[0]
    return import_from_settings(attr, *args)


# --- Claims -------------------------------------------------------------------------------

def second_factor_from_claims(claims: dict) -> str | None:
    """What in the ID token shows the provider checked a second factor, or None.

    `amr` (RFC 8176 values such as mfa, otp, hwk, swk) or `acr` equal to a configured
    assurance level. Only the ID token counts (it is signed for us; userinfo is not)."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    wanted = {value.lower() for value in settings.ALPR_OIDC_MFA_AMR}
    matched = [value for value in amr if isinstance(value, str) and value.lower() in wanted]
    if matched:
        return "amr " + ",".join(matched)
    acr = claims.get("acr")
    if isinstance(acr, str) and acr and acr in settings.ALPR_OIDC_MFA_ACR:
        return f"acr {acr}"
    return None


def account_for_claims(*, claims: dict, request=None):
    """The account linked to this subject, or None (refused and logged; nothing created)."""
    User = get_user_model()
    issuer = settings.ALPR_OIDC_ISSUER
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SuspiciousOperation("ID token without a subject")
    user = User.objects.filter(oidc_issuer=issuer, oidc_subject=subject).first()
    if user is not None:
        return user
    email = claims.get("email")
    if settings.ALPR_OIDC_LINK_BY_VERIFIED_EMAIL and claims.get("email_verified") is True and email:
        candidates = list(User.objects.filter(email__iexact=email, is_active=True, oidc_subject="")[:2])
        if len(candidates) == 1:
            user = candidates[0]
            try:
                with transaction.atomic():
                    # Compare-and-swap: only an account still without a subject is linked.
                    linked = User.objects.filter(pk=user.pk, oidc_subject="").update(
                        oidc_issuer=issuer, oidc_subject=subject, sso_only=True)
            except IntegrityError:
                linked = 0
            if linked:
                record_access(action=Action.AUTH_SSO_LINKED, user=user, request=request, object_type="user",
                              object_id=str(user.pk),
                              detail=f"Linked to subject {subject} at {issuer} by its verified email claim.")
                user.refresh_from_db()
                return user
    record_access(
        action=Action.AUTH_SSO_REFUSED, user=None, username=f"sso:{subject}"[:150], request=request,
        outcome=AccessEvent.Outcome.DENIED,
        detail=(f"No account is linked to subject {subject} at {issuer} (email claim: {email or 'none'}); "
                "none was created. An administrator links the subject to the person's account."),
    )
    return None


# --- Authentication backend ---------------------------------------------------------------

class AgencyOIDCBackend(OIDCAuthenticationBackend):
    """Inert unless SSO is configured and the call comes from the callback view (which
    passes the nonce it stored); a password sign-in never reaches the provider."""

    get_settings = staticmethod(get_setting)

    def __init__(self, *args, **kwargs):
        # Settings (and discovery) are read when a sign-in happens, not at import: Django
        # builds every backend for each authenticate() and get_user().
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or not configured() or "nonce" not in kwargs:
            return None
        super().__init__()
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """Signature, algorithm, expiry, and (beyond mozilla-django-oidc's own check) the
        audience and the issuer: a token the provider made for another client is refused."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}, expected {self.OIDC_RP_SIGN_ALGO}")
        try:
            return jwt.decode(
                payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"], leeway=60, options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if str(userinfo.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo names another subject than the ID token")
            for key, value in userinfo.items():
                claims.setdefault(key, value)
        # The second factor is judged on the signed ID token's claims alone.
        self.request.alpr_sso_id_claims = dict(payload)
        user = account_for_claims(claims=claims, request=self.request)
        if user is None:
            self.request.alpr_sso_refusal = "unknown_subject"
        elif not user.is_active:
            self.request.alpr_sso_refusal = "disabled"
        return user

    def get_user(self, user_id):
        # A disabled account's open sessions stop working, as with the password backend.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


# --- Views --------------------------------------------------------------------------------

def _unavailable(request, exc):
    logger.warning("Single sign-on unavailable: %s", exc)
    record_access(action=Action.AUTH_SSO_FAILED, user=None, request=request, outcome=AccessEvent.Outcome.DENIED,
                  detail=f"Identity provider unavailable: {exc}"[:500])
    return render(request, "accounts/sso_refused.html",
                  {"reason": "unavailable", "provider": provider_name()}, status=503)


class SSOLoginView(oidc_views.OIDCAuthenticationRequestView):
    """Starts the sign-in at the provider. The login page's notice must be acknowledged
    here too (the same banner as the password form)."""

    get_settings = staticmethod(get_setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # endpoints are read per request (discovery)

    def get(self, request):
        if not configured():
            raise Http404
        reauth = bool(request.GET.get("reauth")) and request.user.is_authenticated
        if not reauth and not request.GET.get("acknowledge"):
            from django.contrib import messages

            messages.error(request, "Acknowledge the notice before signing in.")
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.GET.get('next', '')})}")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = get_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as exc:
            return _unavailable(request, exc)
        self.OIDC_RP_CLIENT_ID = settings.ALPR_OIDC_CLIENT_ID
        return super().get(request)

    def get_extra_params(self, request):
        if request.GET.get("reauth") and request.user.is_authenticated:
            # Re-authentication for a privileged action: the provider must ask again.
            return {"prompt": "login", "max_age": "0"}
        return {}


class SSOCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    get_settings = staticmethod(get_setting)

    def get(self, request):
        if not configured():
            raise Http404
        self.was_signed_in_as = request.user.pk if request.user.is_authenticated else None
        try:
            return super().get(request)
        except ProviderUnavailable as exc:
            return _unavailable(request, exc)
        except (requests.RequestException, SuspiciousOperation) as exc:
            logger.warning("Single sign-on refused: %s", exc)
            record_access(action=Action.AUTH_SSO_FAILED, user=None, request=request,
                          outcome=AccessEvent.Outcome.DENIED, detail=f"Sign-in response refused: {exc}"[:500])
            return render(request, "accounts/sso_refused.html", {"reason": "invalid", "provider": provider_name()},
                          status=403)

    def login_failure(self):
        reason = getattr(self.request, "alpr_sso_refusal", None)
        if reason is None:
            # Cancelled at the provider, an error answer, or a stale or replayed state.
            record_access(action=Action.AUTH_SSO_FAILED, user=None, request=self.request,
                          outcome=AccessEvent.Outcome.DENIED,
                          detail=f"Sign-in not completed: {self.request.GET.get('error', 'no valid response')}"[:500])
            reason = "failed"
        elif reason == "disabled":
            record_access(action=Action.AUTH_SSO_FAILED, user=self.user, request=self.request,
                          outcome=AccessEvent.Outcome.DENIED, detail="The account is disabled.")
        return render(self.request, "accounts/sso_refused.html",
                      {"reason": reason, "provider": provider_name()}, status=403)

    def login_success(self):
        claims = getattr(self.request, "alpr_sso_id_claims", {})
        same_member = self.was_signed_in_as == self.user.pk
        response = super().login_success()  # auth.login: the sign-in is logged (accounts.signals)
        session = self.request.session
        session[SSO_SESSION] = True
        via = second_factor_from_claims(claims)
        now = int(time.time())
        if via:
            session[SSO_SECOND_FACTOR] = self.user.pk
            session[mfa.AUTHENTICATED_RECENTLY_AT] = now
        else:
            session.pop(SSO_SECOND_FACTOR, None)
            if same_member and mfa.has_second_factor(self.user):
                # Re-authentication at the provider without its second factor: the local
                # code is asked again before the window opens (as the password page does).
                session.pop(DEVICE_ID_SESSION_KEY, None)
                session.pop(mfa.AUTHENTICATED_RECENTLY_AT, None)
            else:
                session[mfa.AUTHENTICATED_RECENTLY_AT] = now
        record_access(
            action=Action.AUTH_SSO_LOGIN, user=self.user, request=self.request,
            detail=(f"Signed in through {settings.ALPR_OIDC_ISSUER} as subject {claims.get('sub')}; "
                    + (f"second factor given at the provider ({via})." if via
                       else "no second factor from the provider (local second factor applies).")),
        )
        return response


def end_session_url(request, id_token: str) -> str | None:
    """Where the browser goes to end the provider's session too (RP-initiated logout)."""
    try:
        endpoint = discovery().get("end_session_endpoint")
    except ProviderUnavailable as exc:
        logger.warning("Provider sign-out skipped: %s", exc)
        return None
    if not endpoint:
        return None
    query = urlencode({
        "id_token_hint": id_token,
        "client_id": settings.ALPR_OIDC_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login")),
    })
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def logout_redirect(request, id_token: str | None):
    if id_token and configured() and (url := end_session_url(request, id_token)):
        return HttpResponseRedirect(url)
    return None
