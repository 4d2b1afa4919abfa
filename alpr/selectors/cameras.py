"""What is known of a camera's fitness to read (CAM-1): a mobile unit's start-of-shift
check (001 Alameda §(b)4), a fixed camera's right-of-way attestation and signage record
(002 DGO I-12 §3.1; 003 §418.8), and the dashboard counts of both."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from accounts import roles
from alpr.models import Camera, CameraSiteAttestation, ShiftCheck

# The officer records the check at the start of the shift (001 Alameda: "by the user
# logging into the system"); a Police Service Technician may drive a unit too.
SHIFT_CHECKERS = (roles.OFFICER, roles.PST)


def shift_window() -> timedelta:
    return timedelta(hours=settings.ALPR_SHIFT_CHECK_HOURS)


def passed_check_covering(at: datetime):
    """For Exists() against an outer camera: a passed check in the shift before `at`."""
    return ShiftCheck.objects.filter(
        camera_id=OuterRef("pk"), checked_at__lte=at, checked_at__gt=at - shift_window(),
        camera_working=True, aimed=True, lens_clean=True, time_synced=True)


def shift_check_covers(camera: Camera, at: datetime) -> bool:
    """A mobile unit's read at `at` is covered by a passed check in the shift before it;
    other kinds of camera are not checked at the start of a shift."""
    if camera.kind != Camera.Kind.MOBILE:
        return True
    return Camera.objects.filter(pk=camera.pk).filter(Exists(passed_check_covering(at))).exists()


def mobile_units_for(user):
    """The active mobile units of the member's agency (those they may check)."""
    if not user.is_authenticated or user.agency_id is None:
        return Camera.objects.none()
    return Camera.objects.filter(agency_id=user.agency_id, kind=Camera.Kind.MOBILE, active=True)


def mobile_unit_for_user(user, pk) -> Camera:
    """The access helper for a shift check: a mobile unit of the member's own agency, to a
    member who checks units; 404 to anyone else (deny by default)."""
    if not user.has_role(*SHIFT_CHECKERS):
        raise Http404
    camera = mobile_units_for(user).filter(pk=pk).first()
    if camera is None:
        raise Http404
    return camera


def mobile_units_unchecked(user, *, now: datetime | None = None):
    """The member's agency's active mobile units with no passed check this shift."""
    now = now or timezone.now()
    return mobile_units_for(user).exclude(Exists(passed_check_covering(now))).order_by("name")


def latest_checks(cameras) -> dict[int, ShiftCheck]:
    latest: dict[int, ShiftCheck] = {}
    for check in ShiftCheck.objects.filter(camera__in=cameras).select_related("checked_by").order_by(
            "camera_id", "-checked_at", "-id"):
        latest.setdefault(check.camera_id, check)
    return latest


def current_attestation(camera: Camera) -> CameraSiteAttestation | None:
    """The latest attestation, if it was made at the camera's present position."""
    latest = camera.site_attestations.select_related("attested_by").first()
    return latest if latest is not None and latest.covers_position_of(camera) else None


def cameras_unattested(agency_id=None):
    """Fixed cameras with no attestation at their present position."""
    attested_here = CameraSiteAttestation.objects.filter(
        camera_id=OuterRef("pk"), latitude=OuterRef("latitude"), longitude=OuterRef("longitude"))
    cameras = Camera.objects.filter(kind=Camera.Kind.FIXED).exclude(Exists(attested_here))
    return cameras.filter(agency_id=agency_id) if agency_id is not None else cameras


def dashboard_camera_counts(user) -> list:
    """Issue 20 (registered in AlprConfig.ready): units waiting on the officer's check,
    and live fixed cameras without an attestation, for the administrator."""
    from django.urls import reverse

    from accounts.dashboard import ActionCount

    counts = []
    if user.has_role(*SHIFT_CHECKERS):
        counts.append(ActionCount("Mobile units without a start-of-shift check",
                                  mobile_units_unchecked(user).count(), reverse("alpr:shift_checks")))
    if user.has_role(roles.ADMINISTRATOR):
        counts.append(ActionCount("Fixed cameras without a right-of-way attestation",
                                  cameras_unattested(user.agency_id).filter(active=True).count(),
                                  reverse("admin:alpr_camera_changelist") + "?kind__exact=fixed"))
    return counts
