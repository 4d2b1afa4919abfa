"""Signed, short-lived image URLs (RD-3, Q-5, ID-6).

Only a page that was itself allowed and logged (a hit, a read opened with its reason,
a search's results) mints these URLs, for the person who opened it. The image view
checks the signature, the person and the agency; media is never served as public files.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

SALT = "alpr.read-image"
MAX_AGE_SECONDS = 15 * 60
KINDS = ("frame", "crop")


def image_url(*, read, kind: str, user, api: bool = False) -> str:
    """The web URL, or with `api` the same image under /api/ (API tokens open nothing
    outside /api/: issue 18)."""
    if kind not in KINDS:
        raise ValueError(kind)
    token = signing.dumps({"r": read.pk, "k": kind, "u": user.pk}, salt=SALT, compress=True)
    return reverse("alpr_api:read_image" if api else "alpr:read_image", args=[token])


def image_claim(token: str, *, user) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if data.get("u") != user.pk or data.get("k") not in KINDS:
        return None
    return int(data["r"]), data["k"]
