"""What can happen to a camera: its device credential is issued, rotated or revoked
(the raw token is shown once; only its SHA-256 is kept); a mobile unit's start-of-shift
check is recorded; a fixed camera's site is attested, and it goes live only then (CAM-1)."""

from __future__ import annotations

import logging

from django.db import transaction

from accesslog.actions import Action
from accesslog.services import record_access
from alpr.models import Camera, CameraSiteAttestation, ShiftCheck, position
from lib.errors import DomainError

logger = logging.getLogger(__name__)


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


# --- CAM-1 (issue 20): start-of-shift checks and right-of-way attestations ------------------

@transaction.atomic
def shift_check_record(*, camera: Camera, by, camera_working: bool, aimed: bool, lens_clean: bool,
                       time_synced: bool, note: str = "", request=None) -> ShiftCheck:
    """Record a mobile unit's start-of-shift check (001 Alameda §(b)4). A check with an item
    not confirmed is kept too: it says the unit was found wanting, and covers no reads."""
    if camera.kind != Camera.Kind.MOBILE:
        raise DomainError("Start-of-shift checks are for mobile units.")
    if camera.agency_id != getattr(by, "agency_id", None):
        raise DomainError("This unit belongs to another agency.")
    check = ShiftCheck(camera=camera, checked_by=by, camera_working=camera_working, aimed=aimed,
                       lens_clean=lens_clean, time_synced=time_synced, note=(note or "").strip())
    check.full_clean()
    check.save()
    record_access(action=Action.CAMERA_SHIFT_CHECK, user=by, request=request, object_type="camera",
                  object_id=camera.pk,
                  data_elements={"check": check.pk, "passed": check.passed, "failed": check.failed_items},
                  detail=check.note[:500])
    if not check.passed:
        logger.warning("shift check camera=%s by=%s failed: %s", camera.pk, by.pk, ", ".join(check.failed_items))
    return check


@transaction.atomic
def camera_site_attest(*, camera: Camera, by, public_right_of_way: bool, field_of_view: str,
                       signage_location: str, note: str = "", request=None) -> CameraSiteAttestation:
    """Attest that a fixed camera, where it now stands, sees only the public right of way
    (002, DGO I-12 §3.1) and say where its signage is posted (003 §418.8)."""
    if camera.kind != Camera.Kind.FIXED:
        raise DomainError("Right-of-way attestations are for fixed cameras.")
    if camera.latitude is None or camera.longitude is None:
        raise DomainError("Record the camera's position before attesting its site.")
    if not public_right_of_way:
        # Refused, not recorded as a "no": a camera that sees private property must be re-aimed first.
        raise DomainError("A camera that sees more than the public right of way cannot be attested: re-aim it.")
    attestation = CameraSiteAttestation(
        camera=camera, attested_by=by, public_right_of_way=True, latitude=position(camera.latitude),
        longitude=position(camera.longitude), field_of_view=(field_of_view or "").strip(),
        signage_location=(signage_location or "").strip(), note=(note or "").strip())
    attestation.full_clean()
    attestation.save()
    record_access(action=Action.CAMERA_SITE_ATTESTED, user=by, request=request, object_type="camera",
                  object_id=camera.pk,
                  data_elements={"attestation": attestation.pk, "latitude": str(camera.latitude),
                                 "longitude": str(camera.longitude), "signage": attestation.signage_location})
    return attestation


def camera_go_live_problem(camera: Camera) -> str | None:
    """Why this camera may not be switched on, or None. A fixed camera goes live only with
    a right-of-way attestation at its position: the "reasonable efforts to restrict the
    usage of the ALPR technology to the public right of way" of policy 002 (DGO I-12 §3.1)
    made checkable. Mobile units and trailers move: their check is the shift's."""
    from alpr.selectors.cameras import current_attestation

    if camera.kind != Camera.Kind.FIXED or not camera.active:
        return None
    if camera.pk is not None and current_attestation(camera) is not None:
        return None
    return ("A fixed camera goes live only with a public right-of-way attestation and signage record at its "
            "position (policy 002 DGO I-12 §3.1; 003 §418.8). Save it inactive, attest its site, then switch it on.")


def camera_go_live_refused(*, camera: Camera, by, reason: str, request=None) -> None:
    record_access(action=Action.CAMERA_GO_LIVE_REFUSED, user=by, request=request, object_type="camera",
                  object_id=camera.pk or "", outcome="denied", detail=reason[:500],
                  data_elements={"name": camera.name})
    logger.warning("camera %s (%s) refused going live: no right-of-way attestation", camera.pk, camera.name)
