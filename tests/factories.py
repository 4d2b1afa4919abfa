"""Small builders for reads, cameras, lists and hits, used across tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alpr.models import Camera
from alpr.services.reads import read_record
from hotlists.models import Hotlist, HotlistEntry
from ingest.synthetic import encode_jpeg, render_frame


def camera(agency, name="Broadway & Grand", **extra):
    extra.setdefault("latitude", 37.8116)
    extra.setdefault("longitude", -122.2651)
    return Camera.objects.create(agency=agency, name=name, **extra)


def read(cam, plate="7ABC123", *, minutes_ago=60, images=False, state="CA", **extra):
    kwargs = {}
    if images:
        frame = render_frame(plate, state or "CA", seed=len(plate))
        x, y, w, h = frame.plate_box
        kwargs = {"frame_bytes": encode_jpeg(frame.image), "crop_bytes": encode_jpeg(frame.crop),
                  "plate_box": [x, y, w, h], "frame_size": (frame.image.shape[1], frame.image.shape[0])}
    result, _ = read_record(camera=cam, plate_text=plate, state=state,
                            captured_at=timezone.now() - timedelta(minutes=minutes_ago), confidence=0.9,
                            **kwargs, **extra)
    return result


def hotlist(kind=Hotlist.Kind.ALERT, name=None, **extra):
    extra.setdefault("source", Hotlist.Source.CUSTOM_BOLO)
    extra.setdefault("purpose", Hotlist.Purpose.BURGLARY)
    return Hotlist.objects.create(name=name or f"list-{kind}-{Hotlist.objects.count()}", kind=kind, **extra)


def entry(lst, plate, *, responsible=None, state="CA", **extra):
    """An entry written straight to the table (as a feed or the admin would), so the
    matcher is told, as those paths do."""
    from hotlists.matching import bump_version

    extra.setdefault("expires_at", timezone.now() + timedelta(days=10))
    made = HotlistEntry.objects.create(hotlist=lst, plate=plate, state=state, responsible=responsible,
                                       case_number="26-000111", reason="Stolen vehicle", **extra)
    bump_version(external=lst.is_external)
    return made


def current_code(username: str) -> str:
    """The code the member's authenticator app would show now (one is enrolled for them if
    they have none). A code is accepted once, so a second sign-in within the same 30
    seconds uses the next one (TOTP accepts one step of drift)."""
    from accounts.models import User

    return totp_code(authenticator(User.objects.get(username=username)))


def authenticator(user):
    """The member's confirmed authenticator app, enrolled for them if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Test authenticator", confirmed=True)


def totp_code(device) -> str:
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    if device.last_t is not None and device.last_t >= now:
        totp.drift = device.last_t - now + 1
    return f"{totp.token():0{device.digits}d}"
