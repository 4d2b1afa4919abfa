"""DRF authentication classes (issue 18, defects 1 and 2).

accounts.middleware.TokenAuthenticationMiddleware resolves API tokens before the view so
that the training gate and auditlog see the caller. DRF's own SessionAuthentication would
then find that user on the underlying request, take the call for a session call and ask
for a CSRF token, which an integration using a token does not and cannot hold. The
session class here stands aside for token calls; TokenAuthentication then authenticates
them (CSRF protects cookies, and a token call carries none that matter)."""

from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication


def is_token_request(request) -> bool:
    """True when accounts.middleware.TokenAuthenticationMiddleware authenticated the caller
    by an API token (not a session)."""
    return getattr(request, "alpr_token_authenticated", False)


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        if is_token_request(request._request):
            return None
        return super().authenticate(request)


class SessionAuthenticationScheme(SessionScheme):
    """The OpenAPI schema describes this class as DRF's own session authentication."""

    target_class = "accounts.authentication.SessionAuthentication"
