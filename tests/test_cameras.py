"""CAM-1 (issue 20): the start-of-shift check of mobile units (001 Alameda §(b)4), the
silent-camera alarm, and each fixed camera's right-of-way attestation and signage record
(002 DGO I-12 §3.1; 003 §418.8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accounts.dashboard import action_counts
from accounts.models import Notification
from alpr.models import Camera, CameraSiteAttestation, ShiftCheck
from alpr.selectors.cameras import current_attestation, mobile_units_unchecked
from alpr.services.cameras import camera_site_attest, shift_check_record
from ingest.health import check_silent_cameras
from ingest.models import CameraSilence
from lib.errors import DomainError
from tests import factories

ALL_CONFIRMED = {"camera_working": "yes", "aimed": "yes", "lens_clean": "yes", "time_synced": "yes"}


@pytest.fixture
def unit(home_agency):
    return factories.camera(home_agency, name="Unit 12", kind=Camera.Kind.MOBILE)


def _check(unit, officer, *, hours_ago=0, **items):
    values = {"camera_working": True, "aimed": True, "lens_clean": True, "time_synced": True, **items}
    check = shift_check_record(camera=unit, by=officer, **values)
    if hours_ago:
        ShiftCheck.objects.filter(pk=check.pk).update(checked_at=timezone.now() - timedelta(hours=hours_ago))
    return check


def _count(user, label):
    return next((c.count for c in action_counts(user) if c.label == label), None)


# --- Start-of-shift check -------------------------------------------------------------------

def test_the_officer_records_the_check_and_the_unit_is_covered(client, login, officer, unit):
    login(officer)
    page = client.get(reverse("alpr:shift_checks"))
    assert page.status_code == 200 and "Unit 12" in page.content.decode() and "Not checked" in page.content.decode()
    assert _count(officer, "Mobile units without a start-of-shift check") == 1

    response = client.post(reverse("alpr:shift_check_new", args=[unit.pk]), {**ALL_CONFIRMED, "note": "all good"})
    assert response.status_code == 302
    check = ShiftCheck.objects.get(camera=unit)
    assert check.passed and check.checked_by == officer and check.note == "all good"
    event = AccessEvent.objects.filter(action=Action.CAMERA_SHIFT_CHECK, object_id=str(unit.pk)).latest("id")
    assert event.user == officer and event.data_elements["passed"] is True
    assert _count(officer, "Mobile units without a start-of-shift check") == 0
    assert "Not checked" not in client.get(reverse("alpr:shift_checks")).content.decode()


def test_a_check_with_an_item_not_confirmed_is_recorded_as_a_fault_and_covers_nothing(client, login, officer, unit):
    login(officer)
    items = {**ALL_CONFIRMED, "aimed": "no"}
    client.post(reverse("alpr:shift_check_new", args=[unit.pk]), {**items, "note": "bracket loose"})
    check = ShiftCheck.objects.get(camera=unit)
    assert not check.passed and check.failed_items == ["Aimed at the roadway"]
    assert list(mobile_units_unchecked(officer)) == [unit]
    assert factories.read(unit, minutes_ago=1, latitude=37.8, longitude=-122.27).shift_check_missing is True


def test_reads_of_a_mobile_unit_are_flagged_without_a_check_in_the_shift_before_them(officer, unit, home_agency,
                                                                                      settings):
    settings.ALPR_SHIFT_CHECK_HOURS = 12
    before = factories.read(unit, plate="1AAA111", minutes_ago=5)
    assert before.shift_check_missing is True
    _check(unit, officer, hours_ago=2)
    assert factories.read(unit, plate="2BBB222", minutes_ago=5).shift_check_missing is False
    # A read from before the check (3 hours ago) is not covered by it.
    assert factories.read(unit, plate="3CCC333", minutes_ago=180).shift_check_missing is True
    ShiftCheck.objects.update(checked_at=timezone.now() - timedelta(hours=13))  # last shift's check
    assert factories.read(unit, plate="4DDD444", minutes_ago=5).shift_check_missing is True
    fixed = factories.camera(home_agency, name="Fixed")
    assert factories.read(fixed, plate="5EEE555", minutes_ago=5).shift_check_missing is False


def test_the_read_page_says_no_check_covered_the_read(client, login, officer, unit):
    flagged = factories.read(unit, plate="1AAA111", minutes_ago=5)
    _check(unit, officer)
    covered = factories.read(unit, plate="2BBB222", minutes_ago=0)
    login(officer)
    warning = "No start-of-shift equipment check covered this read"
    for read, shown in ((flagged, True), (covered, False)):
        response = client.get(reverse("alpr:read_detail", args=[read.pk]), {
            "purpose": "grand_theft", "case_number": "26-001234",
            "reason": "Checking the patrol unit's read of a reported stolen car"})
        assert response.status_code == 200
        assert (warning in response.content.decode()) is shown


def test_another_agencys_unit_or_a_fixed_camera_is_404_and_the_refusal_is_logged(client, login, officer, outsider,
                                                                                   unit, home_agency):
    login(outsider)
    response = client.post(reverse("alpr:shift_check_new", args=[unit.pk]), ALL_CONFIRMED)
    assert response.status_code == 404
    assert not ShiftCheck.objects.exists()
    assert AccessEvent.objects.filter(action=Action.OBJECT_REFUSED, user=outsider, object_id=str(unit.pk)).exists()
    fixed = factories.camera(home_agency, name="Fixed")
    login(officer)
    assert client.get(reverse("alpr:shift_check_new", args=[fixed.pk])).status_code == 404


def test_members_who_do_not_drive_units_do_not_see_the_pages(client, login, analyst, auditor, unit):
    for member in (analyst, auditor):
        login(member)
        assert client.get(reverse("alpr:shift_checks")).status_code == 404
        assert client.get(reverse("alpr:shift_check_new", args=[unit.pk])).status_code == 404
    assert _count(analyst, "Mobile units without a start-of-shift check") is None


def test_html_in_the_note_is_kept_as_text_and_an_overlong_note_is_refused(client, login, officer, unit, caplog):
    login(officer)
    client.post(reverse("alpr:shift_check_new", args=[unit.pk]),
                {**ALL_CONFIRMED, "note": "<script>alert(1)</script>'; DROP TABLE x;--"})
    check = ShiftCheck.objects.get()
    assert check.note == "<script>alert(1)</script>'; DROP TABLE x;--"
    page = client.get(reverse("alpr:shift_checks")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page

    response = client.post(reverse("alpr:shift_check_new", args=[unit.pk]), {**ALL_CONFIRMED, "note": "x" * 1001})
    assert response.status_code == 200 and "at most 1000 characters" in response.content.decode()
    # An item left unanswered (or a forged answer) records nothing: it is neither a pass nor a fault.
    for forged in ({"camera_working": "yes"}, {**ALL_CONFIRMED, "aimed": "maybe"}):
        response = client.post(reverse("alpr:shift_check_new", args=[unit.pk]), forged)
        assert response.status_code == 200 and "shift-check-form" in response.content.decode()
    assert ShiftCheck.objects.count() == 1
    assert "shift check form refused" in caplog.text


def test_the_service_refuses_a_fixed_camera_or_another_agencys_unit(officer, outsider, unit, home_agency):
    with pytest.raises(DomainError, match="mobile units"):
        _check(factories.camera(home_agency, name="Fixed"), officer)
    with pytest.raises(DomainError, match="another agency"):
        _check(unit, outsider)


# --- Silent-camera alarm ----------------------------------------------------------------------

def _live_fixed(home_agency, *, minutes_since_token=120, name="Broadway & Grand"):
    camera = factories.camera(home_agency, name=name)
    camera.issue_token()
    camera.token_issued_at = timezone.now() - timedelta(minutes=minutes_since_token)
    camera.save()
    return camera


def test_a_silent_fixed_camera_raises_one_alarm_to_the_administrator_and_frames_clear_it(administrator, officer,
                                                                                        home_agency, settings):
    settings.ALPR_CAMERA_SILENT_MINUTES = 60
    camera = _live_fixed(home_agency)
    factories.read(camera, minutes_ago=90)

    result = check_silent_cameras()
    assert [a.camera for a in result.raised] == [camera]
    alarm = CameraSilence.objects.get()
    assert alarm.is_open and alarm.last_activity_at is not None
    assert AccessEvent.objects.filter(action=Action.CAMERA_SILENT, object_id=str(camera.pk)).count() == 1
    assert Notification.objects.filter(user=administrator, key=f"camera-silent-{alarm.pk}").exists()
    assert not Notification.objects.filter(user=officer, key__startswith="camera-silent-").exists()
    assert _count(administrator, "Silent cameras") == 1

    assert check_silent_cameras().raised == []  # raised once, not every five minutes
    assert CameraSilence.objects.count() == 1

    factories.read(camera, plate="8NEW888", minutes_ago=0)
    result = check_silent_cameras()
    assert [a.pk for a in result.cleared] == [alarm.pk]
    alarm.refresh_from_db()
    assert alarm.cleared_at is not None and alarm.resumed_at is not None
    assert AccessEvent.objects.filter(action=Action.CAMERA_SILENCE_CLEARED, object_id=str(camera.pk)).exists()
    assert _count(administrator, "Silent cameras") == 0


def test_a_camera_sending_within_the_period_or_switched_off_raises_nothing(home_agency, settings):
    settings.ALPR_CAMERA_SILENT_MINUTES = 60
    factories.read(_live_fixed(home_agency), minutes_ago=30)
    off = _live_fixed(home_agency, name="Off")
    off.active = False
    off.save()
    assert check_silent_cameras().raised == []


def test_a_frame_without_plates_counts_as_a_sign_of_life(home_agency, settings):
    from ingest.models import FrameJob

    settings.ALPR_CAMERA_SILENT_MINUTES = 60
    camera = _live_fixed(home_agency)
    FrameJob.objects.create(camera=camera, source=FrameJob.Source.CAMERA, sha256="0" * 64, size_bytes=10,
                            status=FrameJob.Status.DONE, received_at=timezone.now() - timedelta(minutes=10))
    assert check_silent_cameras().raised == []


def test_a_mobile_unit_is_expected_to_send_only_during_its_checked_shift(officer, unit, settings):
    settings.ALPR_CAMERA_SILENT_MINUTES = 60
    assert check_silent_cameras().raised == []  # no check: between shifts, parked
    _check(unit, officer, hours_ago=0)
    assert check_silent_cameras().raised == []  # shift just started
    ShiftCheck.objects.update(checked_at=timezone.now() - timedelta(hours=2))
    assert [a.camera for a in check_silent_cameras().raised] == [unit]


# --- Right-of-way attestation and signage -------------------------------------------------------

@pytest.fixture
def root(django_user_model, course, client):
    from training.models import TrainingRecord

    user = django_user_model.objects.create_superuser("root", "root@example.invalid", "x" * 16)
    TrainingRecord.objects.create(member=user, course=course, completed_on=timezone.localdate(), trainer="x")
    client.force_login(user)
    return user


def _camera_form(camera_or_none, home_agency, **changes):
    data = {"name": "Hegenberger & I-880", "kind": "fixed", "agency": home_agency.pk, "description": "",
            "latitude": "37.735000", "longitude": "-122.197000", "active": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_fixed_camera_goes_live_only_after_its_site_is_attested(client, root, home_agency):
    response = client.post("/admin/alpr/camera/add/", _camera_form(None, home_agency))
    assert response.status_code == 200 and "public right-of-way attestation" in response.content.decode()
    assert not Camera.objects.exists()
    assert AccessEvent.objects.filter(action=Action.CAMERA_GO_LIVE_REFUSED, outcome="denied").exists()

    response = client.post("/admin/alpr/camera/add/", _camera_form(None, home_agency, active=None))
    assert response.status_code == 302
    camera = Camera.objects.get()
    assert not camera.active and current_attestation(camera) is None

    response = client.post("/admin/alpr/camerasiteattestation/add/",
                           {"camera": camera.pk, "public_right_of_way": "on",
                            "field_of_view": "Northbound lanes of Hegenberger Rd only",
                            "signage_location": "Hegenberger Rd city-limit sign, northbound"})
    assert response.status_code == 302, response.content.decode()[:2000]
    attestation = CameraSiteAttestation.objects.get()
    assert attestation.attested_by == root and attestation.latitude == camera.latitude
    assert attestation.signage_location == "Hegenberger Rd city-limit sign, northbound"
    assert AccessEvent.objects.filter(action=Action.CAMERA_SITE_ATTESTED, object_id=str(camera.pk)).exists()

    response = client.post(f"/admin/alpr/camera/{camera.pk}/change/", _camera_form(camera, home_agency))
    assert response.status_code == 302
    camera.refresh_from_db()
    assert camera.active

    # Moved: the attestation was for the old position, so it may not stay live there.
    response = client.post(f"/admin/alpr/camera/{camera.pk}/change/",
                           _camera_form(camera, home_agency, latitude="37.800000"))
    assert response.status_code == 200
    camera.refresh_from_db()
    assert str(camera.latitude) == "37.735000"


def test_the_camera_list_shows_a_fixed_camera_without_attestation(client, root, home_agency, administrator):
    factories.camera(home_agency, name="Unattested")
    page = client.get("/admin/alpr/camera/").content.decode()
    assert "NOT ATTESTED at this position" in page
    assert _count(administrator, "Fixed cameras without a right-of-way attestation") == 1


def test_an_attestation_needs_the_right_of_way_box_ticked_and_a_signage_location(client, root, home_agency):
    camera = factories.camera(home_agency, name="Fixed", active=False)
    response = client.post("/admin/alpr/camerasiteattestation/add/",
                           {"camera": camera.pk, "field_of_view": "x", "signage_location": "y"})
    assert response.status_code == 200 and not CameraSiteAttestation.objects.exists()
    response = client.post("/admin/alpr/camerasiteattestation/add/",
                           {"camera": camera.pk, "public_right_of_way": "on", "field_of_view": "x"})
    assert response.status_code == 200 and not CameraSiteAttestation.objects.exists()
    with pytest.raises(DomainError, match="re-aim"):
        camera_site_attest(camera=camera, by=root, public_right_of_way=False, field_of_view="x",
                           signage_location="y")
    with pytest.raises(DomainError, match="fixed cameras"):
        camera_site_attest(camera=factories.camera(home_agency, name="Unit", kind=Camera.Kind.MOBILE), by=root,
                           public_right_of_way=True, field_of_view="x", signage_location="y")


def test_an_upload_for_an_unchecked_unit_says_its_reads_are_flagged(client, login, personas, unit, monkeypatch):
    from ingest.synthetic import encode_jpeg, render_frame

    monkeypatch.setattr("ingest.services.enqueue", lambda job_id: None)  # the OCR is not what is tested
    login(personas["pst"])
    frame = encode_jpeg(render_frame("7ABC123", "CA", seed=4).image)

    def upload(name):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(reverse("ingest:index"), {
            "camera": unit.pk, "captured_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "latitude": "37.8", "longitude": "-122.27",
            "frames": [SimpleUploadedFile(name, frame, content_type="image/jpeg")]}, follow=True)

    warning = "had no passed start-of-shift check"
    assert warning in upload("a.jpg").content.decode()
    _check(unit, personas["officer"], hours_ago=1)
    frame = encode_jpeg(render_frame("4XYZ987", "CA", seed=5).image)
    response = upload("b.jpg").content.decode()
    assert "queued for reading" in response and warning not in response
