"""Authenticate API tokens before the rest of the middleware runs.

DRF authenticates inside the view, which is too late for the training gate and for
auditlog's actor (both read request.user in middleware). Resolving the token here
makes token and session callers go through exactly the same checks.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts import mfa
from accounts.authentication import EXEMPT_DEVICE_URL_NAMES, is_token_request
from lib.errors import error_body


def _token_user(request, fallback):
    header = get_authorization_header(request).split()
    if not header or header[0].lower() != b"token":
        return fallback
    try:
        result = TokenAuthentication().authenticate_credentials(header[1].decode()) if len(header) == 2 else None
    except (AuthenticationFailed, UnicodeError):
        return fallback
    return result[0] if result else fallback


API_PREFIX = "/api/"


class TokenAuthenticationMiddleware:
    """API tokens open the API and nothing else (issue 18, defect 1): on any other path
    (web pages, the Django admin, the auditors' CSV exports) the header is ignored, so a
    token can never stand in for a session that gave its second factor. A request that
    carries a token is marked so that DRF does not also treat it as a session caller (and
    ask it for a CSRF token it cannot have: defect 2; see config.api.SessionAuthentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and get_authorization_header(request)[:6].lower() == b"token ":
            request.alpr_token_authenticated = True
            current = request.user
            request.user = SimpleLazyObject(lambda: _token_user(request, current))
        return self.get_response(request)


def background_poll(view):
    """Mark a view as a page's self-refresh: it is not the member's activity."""
    view.background_poll = True
    return view


AUTHENTICATED_AT = "alpr_authenticated_at"


class IdleTimeoutMiddleware:
    """The idle timeout counts the member's own requests only. A page refreshing itself
    (the live-alert feed, the upload job list) must not keep an unattended patrol-car
    tablet signed in forever: those requests do not extend the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        is_poll = match is not None and getattr(match.func, "background_poll", False)
        session = getattr(request, "session", None)
        if session is not None and not is_poll and request.user.is_authenticated:
            session.modified = True  # saved by SessionMiddleware, which renews the expiry
        return response


class SessionLifetimeMiddleware:
    """CJIS: a signed-in session lives at most ALPR_SESSION_MAX_SECONDS (12 h) from
    sign-in, however active; then the member signs in again. Sessions only: API tokens
    are governed by their own revocation."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id") and request.user.is_authenticated:
            started = session.get(AUTHENTICATED_AT)
            if started is None or time.time() - started > settings.ALPR_SESSION_MAX_SECONDS:
                logout(request)
        return self.get_response(request)


# What a signed-in member may reach before giving the second factor: signing in and out,
# the second-factor pages themselves, and pages that hold no data.
TWO_FACTOR_OPEN_URL_NAMES = frozenset({
    "accounts:login", "accounts:logout", "accounts:mfa_verify", "accounts:mfa_setup",
    "accounts:oidc_login", "accounts:oidc_callback",
    "health", "transparency", "admin:login", "admin:logout", "admin:jsi18n",
})


class TwoFactorGateMiddleware:
    """CJIS 5.6.2.2 (issue 8): a session signed in with a password alone reaches only the
    second-factor pages, if the member has enrolled an authenticator or must enrol one.
    The Django admin is covered too: staff always need the second factor. API tokens are
    issued by an administrator to named integrations and are not sessions; privileged
    actions refuse them (accounts.mfa.reauthentication_response)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = getattr(request, "session", None)
        if session is None or not session.get("_auth_user_id") or not request.user.is_authenticated:
            return None
        if is_token_request(request):
            return None  # the caller is the token's owner, not the session's
        match = request.resolver_match
        name = match.view_name if match else None
        if name in TWO_FACTOR_OPEN_URL_NAMES or name in EXEMPT_DEVICE_URL_NAMES:
            return None
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")) or mfa.is_verified(request):
            return None
        if mfa.has_second_factor(request.user):
            target, message = "accounts:mfa_verify", "Enter the code from your authenticator app."
        elif mfa.second_factor_required(request.user):
            target, message = "accounts:mfa_setup", "Your role requires two-factor sign-in: enrol an authenticator app."
        else:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("second_factor_required", message), status=403)
        return redirect_to_login(request.get_full_path(), login_url=reverse(target))


class NoStoreMiddleware:
    """Issue 18 (defect 7): pages, exports and API answers carry ALPR data (ID-6); no
    browser, shared workstation or proxy cache may keep a copy. Static files are served
    earlier (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only a public page keeps its own caching (the transparency page: aggregates and
        # the policy, ID-6); anything else, a view's "private, max-age" included (images),
        # is never stored.
        # Issue 21 §1: basemap tiles (alpr.views.maps) hold the agency's street map, no ALPR
        # data, and a map view asks for dozens: they keep their private, day-long caching.
        if "public" not in response.get("Cache-Control", "") and not getattr(response, "holds_no_alpr_data", False):
            add_never_cache_headers(response)
        return response
