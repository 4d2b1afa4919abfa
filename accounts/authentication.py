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


# Device-authenticated endpoints: the caller is a camera, not a member, and never sees
# stored data; each of these checks the camera token itself (alpr/devices.py) and logs the
# call. Neither the two-factor gate (accounts.middleware) nor the training gate (ID-4,
# training.gate) applies to them. Kept here, with the other ways a caller is identified,
# so that both gates read it from below (issue 17: accounts no longer imports training).
EXEMPT_DEVICE_URL_NAMES: dict[str, str] = {
    "hotlists_api:device_hotlist": "mobile units download the alert lists at shift start (DGO I-12 A.1)",
    "ingest_api:camera_frames": "cameras upload frames (RD-2); they receive job ids, never stored data",
    # Issue 22: edge cameras send reads they made; they receive what became of each, never stored data.
    "ingest_api:camera_reads": "edge cameras send reads (RD-2) in the project's JSON",
    "ingest_api:camera_reads_openalpr": "OpenALPR / Rekor agents send reads (RD-2)",
    "ingest_api:camera_reads_platerecognizer": "Plate Recognizer Stream / Snapshot send reads (RD-2)",
}


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        if is_token_request(request._request):
            return None
        return super().authenticate(request)


class SessionAuthenticationScheme(SessionScheme):
    """The OpenAPI schema describes this class as DRF's own session authentication."""

    target_class = "accounts.authentication.SessionAuthentication"
