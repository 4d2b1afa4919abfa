"""Camera device authentication: `Authorization: Camera <token>`.

Cameras are not members: the training gate does not apply to them (training/gate.py
lists their endpoints), and they reach only the endpoints made for them.
"""

from __future__ import annotations

import hmac

from alpr.models import Camera

PREFIX = "camera "


def camera_from_request(request) -> Camera | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith(PREFIX):
        return None
    raw = header[len(PREFIX):].strip()
    if not raw:
        return None
    digest = Camera.hash_token(raw)
    camera = Camera.objects.select_related("agency").filter(token_sha256=digest, active=True).first()
    # The lookup is by hash; compare again in constant time for good measure.
    if camera is None or not hmac.compare_digest(camera.token_sha256, digest):
        return None
    return camera
