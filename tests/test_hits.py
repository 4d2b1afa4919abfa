"""HT-1..HT-4: hits raised by reads, their workflow, stop documentation, covert routing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessEvent
from alpr.models import DispositionCode, Hit
from alpr.selectors.hits import live_alerts
from alpr.services import hits as hit_service
from hotlists.models import Hotlist
from lib.errors import DomainError, IllegalTransition, NotPermitted
from tests import factories

ALL_CHECKS = {"plate_matches": True, "state_matches": True, "vehicle_matches": True}


@pytest.fixture
def cam(home_agency):
    return factories.camera(home_agency)


@pytest.fixture
def alert_hit(personas, cam):
    factories.entry(factories.hotlist(), "8XYZ412")
    read = factories.read(cam, "8XYZ412", minutes_ago=2)
    return read.hits.get()


def _advance(hit, by, *names):
    for name in names:
        kwargs = {"checks": ALL_CHECKS, "clets_reference": "CLETS 0142", "confirmed_by": "SVS desk, CHP"}
        hit = hit_service.hit_transition(hit=hit, name=name, by=by, **kwargs)
    return hit


def test_a_read_of_a_listed_plate_raises_one_hit(personas, cam):
    lst = factories.hotlist()
    entry = factories.entry(lst, "8XYZ412")
    read = factories.read(cam, "8XYZ412")
    hit = Hit.objects.get()
    assert (hit.read, hit.entry, hit.status, hit.is_covert) == (read, entry, Hit.Status.ALERT, False)
    assert hit.history.get().to_status == Hit.Status.ALERT
    # Re-processing the same read makes no second hit.
    hit_service.hits_for_read(read)
    assert Hit.objects.count() == 1


def test_unlisted_expired_and_other_state_reads_raise_nothing(personas, cam):
    lst = factories.hotlist()
    factories.entry(lst, "EXPIRD1", expires_at=timezone.now() - timedelta(seconds=1))
    factories.entry(lst, "NVPLATE", state="NV")
    factories.read(cam, "1AAA111")
    factories.read(cam, "EXPIRD1")  # expired even though the expiry task has not run
    factories.read(cam, "NVPLATE", state="CA")
    assert Hit.objects.count() == 0
    factories.read(cam, "NVPLATE", state="")  # unknown state: still a hit
    assert Hit.objects.count() == 1


@pytest.mark.parametrize(
    "path,final",
    [
        (["verify", "validate", "confirm"], Hit.Status.CONFIRMED),
        (["verify", "validate"], Hit.Status.VALIDATED),
        (["reject"], Hit.Status.REJECTED),
        (["verify", "reject"], Hit.Status.REJECTED),
        (["verify", "validate", "reject"], Hit.Status.REJECTED),
    ],
)
def test_every_legal_path(alert_hit, officer, path, final):
    for name in path:
        kwargs = {"checks": ALL_CHECKS, "clets_reference": "CLETS 0142", "confirmed_by": "SVS desk",
                  "reject_reason": Hit.RejectReason.MISREAD}
        alert_hit = hit_service.hit_transition(hit=alert_hit, name=name, by=officer, **kwargs)
    assert alert_hit.status == final
    assert [h.transition for h in alert_hit.history.all()] == ["alert", *path]
    assert all(h.by == officer for h in alert_hit.history.all()[1:])


@pytest.mark.parametrize(
    "done,illegal",
    [
        ([], "validate"), ([], "confirm"),
        (["verify"], "verify"), (["verify"], "confirm"),
        (["verify", "validate"], "verify"), (["verify", "validate"], "validate"),
        (["verify", "validate", "confirm"], "reject"), (["verify", "validate", "confirm"], "verify"),
        (["reject"], "verify"), (["reject"], "reject"),
    ],
)
def test_every_illegal_move_is_refused(alert_hit, officer, done, illegal):
    for name in done:
        alert_hit = hit_service.hit_transition(hit=alert_hit, name=name, by=officer, checks=ALL_CHECKS,
                                               clets_reference="C1", confirmed_by="x", reject_reason="misread")
    with pytest.raises(IllegalTransition):
        hit_service.hit_transition(hit=alert_hit, name=illegal, by=officer, checks=ALL_CHECKS,
                                   clets_reference="C1", confirmed_by="x", reject_reason="misread")


def test_verification_needs_every_check_and_validation_a_reference(alert_hit, officer):
    with pytest.raises(DomainError, match="state of issue"):
        hit_service.hit_transition(hit=alert_hit, name="verify", by=officer,
                                   checks={"plate_matches": True, "vehicle_matches": True})
    hit = hit_service.hit_transition(hit=alert_hit, name="verify", by=officer, checks=ALL_CHECKS)
    with pytest.raises(DomainError, match="CLETS"):
        hit_service.hit_transition(hit=hit, name="validate", by=officer, clets_reference="  ")
    with pytest.raises(DomainError, match="reason"):
        hit_service.hit_transition(hit=hit, name="reject", by=officer, reject_reason="bored")


def test_roles_that_do_not_work_alerts_cannot_move_hits(alert_hit, personas):
    for name in ("analyst", "auditor", "coordinator"):
        with pytest.raises(NotPermitted):
            hit_service.hit_transition(hit=alert_hit, name="verify", by=personas[name], checks=ALL_CHECKS)


def test_a_stop_needs_validation_and_every_field(alert_hit, officer, dispositions):
    arrest = DispositionCode.objects.get(code="ARR")
    fields = {"by": officer, "responding_member": officer, "justification": "Occupied stolen vehicle",
              "case_number": "26-004600", "disposition": arrest, "responded_at": timezone.now(),
              "next_steps": "Forward to DA; notify owner"}
    with pytest.raises(DomainError, match="no basis for a stop"):
        hit_service.stop_report_create(hit=alert_hit, **fields)
    hit = _advance(alert_hit, officer, "verify", "validate")
    with pytest.raises(DomainError, match="next steps"):
        hit_service.stop_report_create(hit=hit, **{**fields, "next_steps": " "})
    with pytest.raises(DomainError, match="future"):
        hit_service.stop_report_create(hit=hit, **{**fields, "responded_at": timezone.now() + timedelta(hours=1)})
    report = hit_service.stop_report_create(hit=hit, **fields)
    assert report.disposition.code == "ARR" and report.responding_member == officer
    assert AccessEvent.objects.filter(action="hit.stop_documented", case_number="26-004600").exists()
    with pytest.raises(DomainError, match="already documented"):
        hit_service.stop_report_create(hit=hit, **fields)


def test_covert_hits_go_only_to_the_responsible_investigator(personas, investigator, cam, client):
    covert_list = factories.hotlist(kind=Hotlist.Kind.COVERT)
    factories.entry(covert_list, "4TUV771", responsible=investigator)
    factories.read(cam, "4TUV771")
    hit = Hit.objects.get()
    assert hit.is_covert and hit.responsible == investigator
    for name in ("officer", "pst", "investigator", "administrator"):
        assert hit not in list(live_alerts(user=personas[name])), name
    url = reverse("alpr:hit_detail", args=[hit.pk])
    for name, expected in [("officer", 404), ("pst", 404), ("analyst", 404), ("auditor", 404), ("outsider", 404),
                           ("investigator", 200), ("administrator", 200)]:
        client.force_login(personas[name])
        assert client.get(url).status_code == expected, name
    # Another investigator is an outsider to this entry.
    other = investigator.__class__.objects.create_user("inv2", password="x" * 12,
                                                                    agency=investigator.agency)
    from django.contrib.auth.models import Group

    other.groups.add(Group.objects.get(name="Investigator"))
    from training.models import TrainingCourse, TrainingRecord

    TrainingRecord.objects.create(member=other, course=TrainingCourse.objects.get(), trainer="x",
                                  completed_on=timezone.localdate())
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_live_alerts_show_open_alert_hits_of_the_agency_newest_first(officer, outsider, cam, other_agency, client):
    lst = factories.hotlist()
    factories.entry(lst, "AAA1111")
    factories.entry(lst, "BBB2222")
    factories.read(cam, "AAA1111", minutes_ago=10)
    factories.read(cam, "BBB2222", minutes_ago=1)
    factories.read(factories.camera(other_agency, "Sheriff cam"), "AAA1111", minutes_ago=1)
    client.force_login(officer)
    body = client.get(reverse("alpr:alerts_feed")).content.decode()
    assert body.index("BBB2222") < body.index("AAA1111")
    assert "Sheriff cam" not in body
    client.force_login(outsider)
    body = client.get(reverse("alpr:alerts_feed")).content.decode()
    assert "BBB2222" not in body and "Sheriff cam" in body


def test_the_hit_page_walks_through_the_steps_and_logs_views(alert_hit, officer, client, dispositions):
    client.force_login(officer)
    url = reverse("alpr:hit_detail", args=[alert_hit.pk])
    body = client.get(url).content.decode()
    assert "An alert alone is never a basis for police action" in body
    assert AccessEvent.objects.filter(action="hit.view", object_id=str(alert_hit.pk), user=officer).exists()
    response = client.post(reverse("alpr:hit_transition", args=[alert_hit.pk, "verify"]),
                           {"verify-plate_matches": "on", "verify-state_matches": "on"})
    assert response.status_code == 400 and "vehicle" in response.content.decode().lower()
    response = client.post(reverse("alpr:hit_transition", args=[alert_hit.pk, "validate"]),
                           {"validate-clets_reference": "X"})
    assert response.status_code == 400  # illegal from alert: refused in the UI too
    client.post(reverse("alpr:hit_transition", args=[alert_hit.pk, "verify"]),
                {"verify-plate_matches": "on", "verify-state_matches": "on", "verify-vehicle_matches": "on"})
    client.post(reverse("alpr:hit_transition", args=[alert_hit.pk, "validate"]),
                {"validate-clets_reference": "CLETS 0142"})
    alert_hit.refresh_from_db()
    assert alert_hit.status == Hit.Status.VALIDATED
    response = client.post(reverse("alpr:hit_stop", args=[alert_hit.pk]), {
        "justification": "Occupied stolen vehicle", "case_number": "26-004600",
        "disposition": DispositionCode.objects.get(code="REC").pk,
        "responded_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "next_steps": "Owner notified"})
    assert response.status_code == 302
    assert alert_hit.stop_report.case_number == "26-004600"


def test_read_images_must_be_jpeg_or_png(personas, cam):
    from alpr.models import Read
    from alpr.services.reads import read_record

    with pytest.raises(DomainError, match="JPEG or PNG"):
        read_record(camera=cam, plate_text="7ABC123", captured_at=timezone.now(), frame_bytes=b"<html>not</html>")
    assert not Read.objects.exists()


def test_a_read_is_not_let_through_unmatched_when_no_matcher_is_registered(cam, monkeypatch):
    # Issue 17: hotlists passes its matcher in (HotlistsConfig.ready()); without one a read
    # must not silently make no hit (HT-1).
    from django.core.exceptions import ImproperlyConfigured

    from hotlists.matching import find_matches

    assert hit_service._matcher is find_matches  # registered by the app at start-up
    monkeypatch.setattr(hit_service, "_matcher", None)
    with pytest.raises(ImproperlyConfigured):
        factories.read(cam, "8XYZ412")


def test_the_workflow_engine_moves_on_the_stored_status_and_writes_history_and_log_together(alert_hit, officer):
    # Issue 17 part 2: accesslog.workflow.apply locks the row and checks the move against
    # the status stored there. Another officer rejected the alert after this copy was read:
    # verifying from the stale copy is refused and writes nothing.
    from accesslog import workflow
    from accesslog.actions import Action

    stale = Hit.objects.get(pk=alert_hit.pk)
    hit_service.hit_transition(hit=alert_hit, name="reject", by=officer, reject_reason="misread")
    logged = AccessEvent.objects.filter(action=Action.HIT_TRANSITION).count()
    with pytest.raises(IllegalTransition):
        workflow.apply(stale, "verify", machine=hit_service.WORKFLOW, by=officer,
                       action=Action.HIT_TRANSITION, object_type="hit")
    assert [h.transition for h in stale.history.all()] == ["alert", "reject"]
    assert AccessEvent.objects.filter(action=Action.HIT_TRANSITION).count() == logged

    # A legal move: status, time, history row and access-log entry, all at once.
    fresh = Hit.objects.get(pk=factories.read(alert_hit.camera, "8XYZ412").hits.get().pk)
    workflow.apply(fresh, "verify", machine=hit_service.WORKFLOW, by=officer, note="plate checked",
                   details={"checked": True}, stamp="status_changed_at", action=Action.HIT_TRANSITION,
                   object_type="hit", data_elements={"plate": fresh.plate})
    fresh.refresh_from_db()
    row = fresh.history.last()
    assert fresh.status == Hit.Status.VISUALLY_VERIFIED and fresh.status_changed_at is not None
    assert (row.transition, row.from_status, row.to_status, row.by, row.note, row.details) == (
        "verify", Hit.Status.ALERT, Hit.Status.VISUALLY_VERIFIED, officer, "plate checked",
        {"checked": True})
    assert AccessEvent.objects.filter(action=Action.HIT_TRANSITION, object_id=str(fresh.pk)).count() == 1
