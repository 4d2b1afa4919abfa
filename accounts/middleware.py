"""Authenticate API tokens before the rest of the middleware runs.

DRF authenticates inside the view, which is too late for the training gate and for
auditlog's actor (both read request.user in middleware). Resolving the token here
makes token and session callers go through exactly the same checks.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.functional import SimpleLazyObject
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed


def _token_user(request, fallback):
    header = get_authorization_header(request).split()
    if not header or header[0].lower() != b"token":
        return fallback
    try:
        result = TokenAuthentication().authenticate_credentials(header[1].decode()) if len(header) == 2 else None
    except (AuthenticationFailed, UnicodeError):
        return fallback
    return result[0] if result else fallback


class TokenAuthenticationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if b"token" in get_authorization_header(request)[:6].lower():
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
