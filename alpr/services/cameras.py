"""What can happen to a camera: its device credential is issued, rotated or revoked
(the raw token is shown once; only its SHA-256 is kept)."""

from __future__ import annotations

from accesslog.actions import Action
from accesslog.services import record_access
from alpr.models import Camera


def camera_issue_token(*, camera: Camera, by, request=None) -> str:
    """Issue or rotate a camera's device credential; the raw token is shown once."""
    raw = camera.issue_token()
    camera.save(update_fields=["token_sha256", "token_prefix", "token_issued_at", "token_revoked_at"])
    record_access(action=Action.CAMERA_TOKEN_ISSUED, user=by, request=request, object_type="camera",
                  object_id=camera.pk)
    return raw


def camera_revoke_token(*, camera: Camera, by, request=None) -> None:
    camera.revoke_token()
    camera.save(update_fields=["token_sha256", "token_revoked_at"])
    record_access(action=Action.CAMERA_TOKEN_REVOKED, user=by, request=request, object_type="camera",
                  object_id=camera.pk)
