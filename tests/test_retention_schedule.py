"""RT-1 / RT-4: retention per data class and per source, with floors and caps; data past
its retention is never served, before the nightly purge too; hits have a retention of
their own. RT-2: a hold for another agency's investigation needs its legal obligation."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from accesslog.models import AccessEvent, ConfigurationChange
from alpr.criteria import build_criteria
from alpr.models import DataSource, DispositionCode, Hit, LegalHold, Read, RetentionRule, Search, StopReport
from alpr.selectors import retention as schedule
from alpr.selectors.hits import hit_for_user
from alpr.selectors.reads import read_for_user, reads_for_query
from alpr.services import retention
from alpr.services.search import search_run
from lib.errors import DomainError, NotPermitted
from tests import factories

C = RetentionRule.DataClass
REVIEW = timezone.localdate() + timedelta(days=60)
LAWFUL = {"purpose": "burglary", "offence_category": "PC459", "case_number": "26-004512",
          "justification": "Vehicle seen leaving a burglary scene", "attested": True}
# San Leandro (003 §418.5): regional data a year, purged on the 366th day.
SAN_LEANDRO = {"reads": (1, 365), "images": (1, 365), "hits": (30, 730), "stop_reports": (365, 3650),
               "searches": (365, 3650)}


@pytest.fixture
def cam(home_agency):
    return factories.camera(home_agency)


@pytest.fixture
def regional(home_agency):
    source = DataSource.objects.create(name="NCRIC (regional)")
    return source, factories.camera(home_agency, "Patrol unit 2A12", data_source=source)


def _age(read, days):
    when = timezone.now() - timedelta(days=days)
    Read.objects.filter(pk=read.pk).update(uploaded_at=when, captured_at=when)
    read.refresh_from_db()
    return read


def _criteria(plate, days=30):
    now = timezone.now()
    return build_criteria(captured_from=now - timedelta(days=days), captured_to=now, plate=plate)


# --- the schedule: floors, caps, who edits it ------------------------------------------------

def test_the_administrator_sets_retention_within_floor_and_cap_and_it_is_logged(administrator):
    with pytest.raises(DomainError, match="above the cap of 30 days"):
        retention.retention_rule_set(by=administrator, data_class=C.READS, days=31)
    with pytest.raises(DomainError, match="below the floor of 30 days"):
        retention.retention_rule_set(by=administrator, data_class=C.HITS, days=29)
    assert not RetentionRule.objects.exists()
    rule = retention.retention_rule_set(by=administrator, data_class=C.READS, days=20, note="test")
    assert (rule.days, rule.changed_by) == (20, administrator)
    assert schedule.retention_days(C.READS) == 20
    change = ConfigurationChange.objects.get(object_type="retention_rule")
    assert (change.changed_by, change.kind, change.before, change.after["days"], change.weakens) == (
        administrator, "retention", {"days": 30}, 20, False)
    assert AccessEvent.objects.filter(action="configuration.change", user=administrator).count() == 1
    retention.retention_rule_set(by=administrator, data_class=C.READS, days=25)
    assert RetentionRule.objects.get().days == 25  # edited in place, one rule per class and source
    longer = ConfigurationChange.objects.filter(object_type="retention_rule").latest("pk")
    assert longer.before == {"days": 20} and longer.weakens  # kept longer: the alarm (issue 19 §6)


def test_only_the_administrator_edits_the_schedule(personas, designee):
    for user in [personas[n] for n in ("officer", "analyst", "investigator", "coordinator", "auditor")] + [designee]:
        with pytest.raises(NotPermitted):
            retention.retention_rule_set(by=user, data_class=C.READS, days=20)
    assert not RetentionRule.objects.exists()


def test_the_schedule_page_refuses_a_value_past_the_cap_with_the_reason(login, administrator, officer):
    client = login(administrator)
    response = client.post("/alpr/retention/schedule/", {"data_class": "reads", "days": "400"})
    assert response.status_code == 400 and "above the cap of 30 days" in response.content.decode()
    assert not RetentionRule.objects.exists()
    response = client.post("/alpr/retention/schedule/", {"data_class": "reads", "days": "21"})
    assert response.status_code == 302 and RetentionRule.objects.get().days == 21
    assert login(officer).get("/alpr/retention/schedule/").status_code == 404


def test_alpr_retention_days_stays_the_default_for_reads(personas, cam):
    read = _age(factories.read(cam, "1OLD111"), 40)
    with override_settings(ALPR_RETENTION_DAYS=60):
        assert schedule.retention_days(C.READS) == 60
        assert schedule.retention_days(C.IMAGES) == 60  # images go with their reads
        retention.purge()
        assert Read.objects.filter(pk=read.pk).exists()
    retention.purge()
    assert not Read.objects.filter(pk=read.pk).exists()


# --- per source ------------------------------------------------------------------------------

@override_settings(ALPR_RETENTION_LIMITS=SAN_LEANDRO)
def test_each_source_has_its_own_cutoff(administrator, cam, regional):
    source, regional_cam = regional
    retention.retention_rule_set(by=administrator, data_class=C.READS, source=source, days=365)
    now = timezone.now()
    assert schedule.read_cutoff_for_source(source.pk, now=now) == now - timedelta(days=365)
    assert schedule.read_cutoff_for_source(None, now=now) == now - timedelta(days=30)
    assert schedule.longest_read_retention_days() == 365
    own = _age(factories.read(cam, "1OWN111"), 40)
    theirs = _age(factories.read(regional_cam, "2REG222"), 40)
    last_year = _age(factories.read(regional_cam, "3REG333"), 366)  # the 366th day
    run = retention.purge()
    assert set(Read.objects.values_list("pk", flat=True)) == {theirs.pk}
    assert run.reads_deleted == 2 and not Read.objects.filter(pk__in=[own.pk, last_year.pk]).exists()


# --- never served past retention, before the purge too ---------------------------------------

def test_a_read_past_retention_is_not_served_by_search_or_detail_before_the_purge(
        administrator, analyst, investigator, cam, regional):
    # Agency-wide 20 days, the regional source 30: a search may reach 30 days back, and the
    # agency's own 25-day-old read is past its retention while the regional one is not.
    source, regional_cam = regional
    retention.retention_rule_set(by=administrator, data_class=C.READS, days=20)
    retention.retention_rule_set(by=administrator, data_class=C.READS, source=source, days=30)
    old = _age(factories.read(cam, "7ABC123"), 25)
    theirs = _age(factories.read(regional_cam, "7ABC123"), 25)
    fresh = _age(factories.read(cam, "7ABC123"), 19)
    assert list(reads_for_query(user=analyst, criteria=_criteria("7ABC123", 30))) == [fresh, theirs]
    assert search_run(user=analyst, criteria=_criteria("7ABC123", 30), **LAWFUL).result_count == 2
    with pytest.raises(Http404):
        read_for_user(user=analyst, pk=old.pk)
    assert read_for_user(user=analyst, pk=theirs.pk) == theirs
    # A read an active hold keeps is served for its case.
    retention.hold_place(by=investigator, case_number="26-9", reason=LegalHold.Reason.ACTIVE_CRIMINAL,
                         justification="Robbery series", review_on=REVIEW, read_ids=[old.pk])
    assert read_for_user(user=analyst, pk=old.pk) == old
    assert Read.objects.filter(pk=old.pk).exists()


def test_a_read_past_retention_is_not_served_by_the_web_or_the_api(login, administrator, analyst, cam):
    from rest_framework.test import APIClient

    retention.retention_rule_set(by=administrator, data_class=C.READS, days=10)
    old = _age(factories.read(cam, "7ABC123", images=True), 10.001)  # 10 days and 1.4 minutes
    client = login(analyst)
    assert client.get(f"/alpr/reads/{old.pk}/").status_code == 404
    api = APIClient()
    api.force_login(analyst)
    now = timezone.now()
    body = {"purpose": "grand_theft", "offence_category": "PC487", "case_number": "26-009001",
            "justification": "Stolen trailer seen on Broadway", "attest": True, "plate": "7ABC123",
            "captured_from": (now - timedelta(days=10, minutes=3)).isoformat(), "captured_to": now.isoformat()}
    response = api.post("/api/searches/", body, format="json")
    assert response.status_code == 201, response.content
    search_id = response.json()["id"]
    assert response.json()["result_count"] == 0
    assert api.get(f"/api/searches/{search_id}/reads/").json()["count"] == 0
    assert api.get(f"/api/searches/{search_id}/reads/{old.pk}/").status_code == 404
    export = client.get(f"/alpr/searches/{search_id}/export.csv")
    assert export.status_code == 200 and "7ABC123" not in export.content.decode()
    assert Read.objects.filter(pk=old.pk).exists()  # not purged yet: only no longer served
    # The same read within its retention is served: the checks above can fail.
    Read.objects.filter(pk=old.pk).update(uploaded_at=now - timedelta(days=9))
    assert api.get(f"/api/searches/{search_id}/reads/").json()["count"] == 1
    assert client.get(f"/alpr/reads/{old.pk}/").status_code == 200


# --- images, hits, stop reports, searches ----------------------------------------------------

def test_images_kept_shorter_than_their_reads_go_first(login, administrator, analyst, cam):
    from django.core.files.storage import default_storage

    from alpr.images import image_url

    retention.retention_rule_set(by=administrator, data_class=C.IMAGES, days=5)
    read = _age(factories.read(cam, "1IMG111", images=True), 10)
    recent = _age(factories.read(cam, "2IMG222", images=True), 2)
    names = [read.frame.name, read.crop.name]
    client = login(analyst)
    # Not served past the images' retention, before the purge too; the read itself still is.
    assert client.get(image_url(read=read, kind="crop", user=analyst)).status_code == 404
    assert client.get(image_url(read=recent, kind="crop", user=analyst)).status_code == 200
    assert client.get(f"/alpr/reads/{read.pk}/").status_code == 200
    run = retention.purge()
    read.refresh_from_db()
    assert (read.frame.name, read.crop.name) == ("", "") and not any(default_storage.exists(n) for n in names)
    assert run.images_expired == 1 and run.reads_deleted == 0


def _hit(officer, cam, plate, days, *, stop=False):
    factories.entry(factories.hotlist(name=f"List {plate}"), plate)
    factories.read(cam, plate)
    hit = Hit.objects.get(plate=plate)
    if stop:
        from alpr.services import hits as hit_service

        hit = hit_service.hit_transition(hit=hit, name="verify", by=officer, checks=dict.fromkeys(
            hit_service.VERIFY_CHECKS, True))
        hit = hit_service.hit_transition(hit=hit, name="validate", by=officer, clets_reference="CLETS 1")
        hit_service.stop_report_create(hit=hit, by=officer, responding_member=officer, justification="Stolen",
                                       case_number="26-7", disposition=DispositionCode.objects.get(code="REC"),
                                       responded_at=timezone.now(), next_steps="Owner notified")
    Hit.objects.filter(pk=hit.pk).update(created_at=timezone.now() - timedelta(days=days))
    return hit


def test_hits_have_a_retention_of_their_own(officer, cam, dispositions):
    untouched = _hit(officer, cam, "8OLD412", 366)
    recent = _hit(officer, cam, "8NEW412", 300)
    documented = _hit(officer, cam, "8STP412", 366, stop=True)
    with pytest.raises(Http404):
        hit_for_user(user=officer, pk=untouched.pk)  # past retention: not served before the purge
    assert hit_for_user(user=officer, pk=recent.pk) == recent
    run = retention.purge()
    assert not Hit.objects.filter(pk=untouched.pk).exists()
    assert Hit.objects.filter(pk__in=[recent.pk, documented.pk]).count() == 2  # stop reports: 730 days
    assert run.hits_deleted == 1 and run.stop_reports_deleted == 0
    Hit.objects.filter(pk=documented.pk).update(created_at=timezone.now() - timedelta(days=731))
    run = retention.purge()
    assert not Hit.objects.filter(pk=documented.pk).exists() and not StopReport.objects.exists()
    assert run.stop_reports_deleted == 1


def test_search_records_go_after_their_retention(analyst, cam):
    kept = search_run(user=analyst, criteria=_criteria("7ABC123"), **LAWFUL)
    gone = search_run(user=analyst, criteria=_criteria("7ABC124"), **LAWFUL)
    Search.objects.filter(pk=gone.pk).update(created_at=timezone.now() - timedelta(days=731))
    run = retention.purge()
    assert list(Search.objects.values_list("pk", flat=True)) == [kept.pk] and run.searches_deleted == 1


def test_a_dry_run_counts_every_class_and_deletes_nothing(officer, cam, dispositions):
    _hit(officer, cam, "8OLD412", 366)
    _age(factories.read(cam, "1OLD111"), 31)
    run = retention.purge(dry_run=True)
    assert (run.reads_deleted, run.hits_deleted) == (1, 1)
    assert Hit.objects.count() == 1 and Read.objects.count() == 2


# --- RT-2: another agency's investigation needs its legal obligation on file -----------------

def test_an_other_agency_hold_needs_its_sharing_request_or_instrument(investigator, cam):
    read = factories.read(cam, "1HLD111")
    base = {"by": investigator, "case_number": "26-11", "reason": LegalHold.Reason.OTHER_AGENCY,
            "justification": "Alameda DA investigation", "review_on": REVIEW, "read_ids": [read.pk]}
    with pytest.raises(DomainError, match="legal obligation to retain on file"):
        retention.hold_place(**base)
    with pytest.raises(DomainError, match="the issuing court or body, its date"):
        retention.hold_place(**base, instrument_kind="subpoena", instrument_number="S-1")
    with pytest.raises(DomainError, match="subpoena, a court order or a warrant"):
        retention.hold_place(**base, instrument_kind="letter", instrument_number="S-1",
                             instrument_issued_by="Someone", instrument_date=timezone.localdate())
    assert not LegalHold.objects.exists()
    hold = retention.hold_place(**base, instrument_kind="court_order", instrument_number="CR-1",
                                instrument_issued_by="Superior Court, County of Alameda",
                                instrument_date=timezone.localdate() - timedelta(days=1))
    assert hold.status == LegalHold.Status.ACTIVE and hold.instrument_number == "CR-1"
    with pytest.raises(DomainError, match="Only a hold for another agency"):
        retention.hold_place(**{**base, "reason": LegalHold.Reason.ACTIVE_CRIMINAL}, instrument_kind="warrant")


# --- PUB-1: the public page posts the policy, from the configuration in force ----------------

def test_the_public_page_posts_the_policy_with_the_schedule_in_force(client, administrator, cam, regional,
                                                                    tmp_path, settings):
    from django.core.cache import cache

    source, _ = regional
    policy = tmp_path / "policy.txt"
    policy.write_text("DGO I-12 <script>alert(1)</script> Section G: Data Retention")
    settings.ALPR_USAGE_POLICY_FILE = str(policy)
    settings.ALPR_USAGE_POLICY_URL = "https://www.oaklandca.gov/dgo-i-12"
    settings.ALPR_CUSTODIAN_TITLE = "ALPR Coordinator (Information Technology Unit)"
    retention.retention_rule_set(by=administrator, data_class=C.READS, source=source, days=25)
    factories.read(cam, "7SECRET1")
    cache.clear()
    response = client.get("/transparency/")  # no sign-in
    page = response.content.decode()
    assert response.status_code == 200
    assert "ALPR Coordinator (Information Technology Unit)" in page
    assert 'href="https://www.oaklandca.gov/dgo-i-12"' in page
    assert "Section G: Data Retention" in page and "<script>alert(1)</script>" not in page  # escaped
    assert "NCRIC (regional)</td><td class=\"num\">25 days" in page.replace("\n", "")
    assert "Hits without a stop report</td><td>All sources</td><td class=\"num\">365 days" in page
    assert "Missing or at-risk person" in page and "never shared with federal or out-of-state agencies" in page
    assert "7SECRET1" not in page and administrator.username not in page  # no personal data (ID-6)


@override_settings(ALPR_RETENTION_LIMITS=SAN_LEANDRO)
def test_ingest_takes_a_late_capture_that_its_source_still_keeps(administrator, cam, regional):
    from alpr.frames import FrameRejected
    from ingest.services import _check_capture_time

    source, regional_cam = regional
    retention.retention_rule_set(by=administrator, data_class=C.READS, source=source, days=365)
    now = timezone.now()
    _check_capture_time(now - timedelta(days=40), now, regional_cam)  # within the regional year
    with pytest.raises(FrameRejected, match="older than the 30-day retention"):
        _check_capture_time(now - timedelta(days=40), now, cam)
    with pytest.raises(FrameRejected, match="older than the 365-day retention"):
        _check_capture_time(now - timedelta(days=366), now, regional_cam)


def test_the_demo_places_an_other_agency_hold_with_its_instrument_once(personas, cam):
    from accounts.demo import DemoContext
    from alpr import demo

    held = [factories.read(cam, "3DMS368").pk, factories.read(cam, "3DM5368").pk]
    factories.read(cam, "7ABC123")
    ctx = DemoContext(password="demo-password-2026", today=timezone.localdate())
    ctx.users.update(personas)
    demo.after_frames(ctx)
    demo.after_frames(ctx)  # idempotent
    hold = LegalHold.objects.get()
    assert (hold.reason, hold.status, hold.instrument_kind) == ("other_agency", "active", "court_order")
    assert hold.instrument_number and hold.instrument_issued_by and hold.instrument_date
    assert sorted(hold.reads.values_list("pk", flat=True)) == sorted(held)
