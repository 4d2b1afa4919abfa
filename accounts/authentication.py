"""DRF authentication classes (issue 18, defects 1 and 2).

accounts.middleware.TokenAuthenticationMiddleware resolves API tokens before the view so
that the training gate and auditlog see the caller. DRF's own SessionAuthentication would
then find that user on the underlying request, take the call for a session call and ask
for a CSRF token, which an integration using a token does not and cannot hold. The
session class here stands aside for token calls; TokenAuthentication then authenticates
them (CSRF protects cookies, and a token call carries none that matter)."""

from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        if getattr(request._request, "alpr_token_authenticated", False):
            return None
        return super().authenticate(request)


class SessionAuthenticationScheme(SessionScheme):
    """The OpenAPI schema describes this class as DRF's own session authentication."""

    target_class = "accounts.authentication.SessionAuthentication"
