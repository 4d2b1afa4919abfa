"""HL-2 (issue 22 part 2): lists pulled from their source over HTTPS and SFTP, against
local servers the tests start; retries with growing delays; a list not refreshed for 24
hours is marked stale and the administrator told, once."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessEvent
from accounts.models import Notification
from hotlists.models import FeedImport, Hotlist, HotlistEntry
from hotlists.services import entries as hotlist_services
from hotlists.sources import services
from hotlists.sources.models import HotlistSource, PullRecord
from hotlists.sources.sftp import fingerprint
from tests import pull_servers

CSV = b"plate,state,category,ncic\n7ABC123,CA,Stolen Vehicle,V1\n8XYZ412,CA,Stolen Plate,V2\n"
TOKEN = "t0ken-for-tests"


@pytest.fixture
def svs(db):
    return hotlist_services.hotlist_create(name="SVS", source=Hotlist.Source.SVS, feed_name="svs")


@pytest.fixture
def pki(tmp_path):
    return pull_servers.make_pki(tmp_path)


@pytest.fixture
def https_server(pki):
    state = pull_servers.FileServer(body=CSV, token=TOKEN)
    httpd = pull_servers.start_https(pki, state)
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def https_source(svs, https_server, pki, monkeypatch):
    monkeypatch.setenv("ALPR_TEST_SVS_TOKEN", TOKEN)
    return services.source_create(hotlist=svs, kind=HotlistSource.Kind.HTTPS, url=https_server.url,
                                  token_env="ALPR_TEST_SVS_TOKEN", ca_bundle_path=str(pki.ca))


def _plates(hotlist):
    return set(HotlistEntry.objects.filter(hotlist=hotlist, status="active").values_list("plate", flat=True))


def test_it_pulls_over_https_with_a_bearer_token_and_imports_the_rows(https_source, https_server, svs):
    [record] = services.pull_due_sources()
    assert record.outcome == PullRecord.Outcome.APPLIED, record.error
    assert _plates(svs) == {"7ABC123", "8XYZ412"}
    assert (record.size_bytes, record.feed_import.rows_read, record.feed_import.added) == (len(CSV), 2, 2)
    assert record.sha256 == record.feed_import.sha256 and record.finished_at >= record.started_at
    assert https_server.requests[0]["authorization"] == f"Bearer {TOKEN}"
    https_source.refresh_from_db()
    # The next pull is the source's interval away, and nothing is due before then.
    assert https_source.next_attempt_at == record.next_attempt_at
    assert record.next_attempt_at - record.started_at == timedelta(hours=4)
    assert services.pull_due_sources() == []
    assert AccessEvent.objects.filter(action="hotlist.pull", object_id=str(record.pk), outcome="allowed").exists()


def test_it_records_an_identical_second_pull_as_unchanged(https_source, svs):
    first = services.pull_now(source=https_source)
    second = services.pull_now(source=https_source)
    assert (first.outcome, second.outcome) == (PullRecord.Outcome.APPLIED, PullRecord.Outcome.UNCHANGED)
    assert second.feed_import is None and second.sha256 == first.sha256
    assert FeedImport.objects.count() == 1 and _plates(svs) == {"7ABC123", "8XYZ412"}


def test_it_records_a_refused_token_as_a_failed_pull(https_source, https_server, monkeypatch):
    monkeypatch.setenv("ALPR_TEST_SVS_TOKEN", "wrong")
    record = services.pull_now(source=https_source)
    assert record.outcome == PullRecord.Outcome.FAILED and "HTTP 401" in record.error
    monkeypatch.delenv("ALPR_TEST_SVS_TOKEN")
    record = services.pull_now(source=https_source)
    assert "ALPR_TEST_SVS_TOKEN is not set" in record.error and record.attempt == 2


def test_it_refuses_a_server_it_cannot_verify(svs, https_server, monkeypatch):
    monkeypatch.setenv("ALPR_TEST_SVS_TOKEN", TOKEN)
    source = services.source_create(hotlist=svs, kind=HotlistSource.Kind.HTTPS, url=https_server.url,
                                    token_env="ALPR_TEST_SVS_TOKEN")  # the system's CAs: not the test CA
    record = services.pull_now(source=source)
    assert record.outcome == PullRecord.Outcome.FAILED and "TLS failed" in record.error
    assert https_server.requests == []  # the token never left


def test_it_pulls_with_a_client_certificate(svs, pki):
    state = pull_servers.FileServer(body=CSV)
    httpd = pull_servers.start_https(pki, state, require_client_cert=True)
    try:
        source = services.source_create(hotlist=svs, kind=HotlistSource.Kind.HTTPS, url=state.url,
                                        client_cert_path=str(pki.client_cert), client_key_path=str(pki.client_key),
                                        ca_bundle_path=str(pki.ca))
        record = services.pull_now(source=source)
        assert record.outcome == PullRecord.Outcome.APPLIED, record.error
        assert state.requests[0]["client_cert"] is True
        # Without the certificate the server refuses the handshake.
        HotlistSource.objects.filter(pk=source.pk).update(client_cert_path="", client_key_path="")
        source.refresh_from_db()
        record = services.pull_now(source=source)
        assert record.outcome == PullRecord.Outcome.FAILED
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_it_stops_a_download_past_the_size_limit(https_source, https_server, settings, svs):
    settings.ALPR_HOTLIST_MAX_FILE_BYTES = 1024
    https_server.body = b"plate\n" + b"AAA1111\n" * 500
    record = services.pull_now(source=https_source)
    assert record.outcome == PullRecord.Outcome.FAILED and "larger than 1,024 bytes" in record.error
    assert not FeedImport.objects.exists()


def test_a_truncated_file_is_refused_by_the_import_and_retried(https_source, https_server, svs):
    https_server.body = b"plate,state\n" + b"".join(f"A{i:06d},CA\n".encode() for i in range(10))
    assert services.pull_now(source=https_source).outcome == PullRecord.Outcome.APPLIED
    https_server.body = b"plate,state\nA000000,CA\n"
    record = services.pull_now(source=https_source)
    assert record.outcome == PullRecord.Outcome.REJECTED and "looks truncated" in record.error
    assert record.feed_import.status == FeedImport.Status.REJECTED and len(_plates(svs)) == 10
    https_source.refresh_from_db()
    assert https_source.failed_attempts == 1 and record.next_attempt_at - record.started_at == timedelta(minutes=5)


def test_it_retries_with_growing_delays_and_marks_the_list_stale_after_24_hours(
        https_source, https_server, svs, administrator, officer, settings):
    settings.ALPR_HOTLIST_STALE_HOURS = 24
    start = timezone.now()
    HotlistSource.objects.filter(pk=https_source.pk).update(created_at=start, next_attempt_at=start)
    https_server.status, https_server.body = 503, b"maintenance"
    now, delays = start, []
    while now < start + timedelta(hours=24):
        records = services.pull_due_sources(now=now)
        assert len(records) == 1 and records[0].outcome == PullRecord.Outcome.FAILED
        assert "HTTP 503" in records[0].error
        delays.append(records[0].next_attempt_at - now)
        # Nothing is due before the retry time.
        assert services.pull_due_sources(now=min(records[0].next_attempt_at, start + timedelta(hours=24))
                                         - timedelta(seconds=1)) == []
        now = records[0].next_attempt_at
    minutes = [d.total_seconds() / 60 for d in delays]
    assert minutes[:7] == [5, 10, 20, 40, 80, 160, 240]  # doubling, then the 4-hour interval
    assert set(minutes[7:]) == {240}
    https_source.refresh_from_db()
    assert https_source.stale_since is None and https_source.failed_attempts == len(delays)
    assert not Notification.objects.filter(key__startswith="hotlist-stale-").exists()
    # 24 hours without a successful pull: the next check (every 15 minutes) marks it stale.
    assert services.mark_stale_sources(now=start + timedelta(hours=24, minutes=1)) == [https_source]
    https_source.refresh_from_db()
    assert https_source.stale_since == start + timedelta(hours=24, minutes=1)
    admin = administrator
    notices = Notification.objects.filter(user=admin, key__startswith="hotlist-stale-")
    assert notices.count() == 1 and "SVS" in notices.get().message and "HTTP 503" in notices.get().message
    assert not Notification.objects.filter(user=officer, key__startswith="hotlist-stale-").exists()
    assert AccessEvent.objects.filter(action="hotlist.stale", object_id=str(https_source.pk)).count() == 1
    # Later checks in the same stale period say nothing new.
    services.mark_stale_sources(now=now + timedelta(hours=3))
    assert notices.count() == 1
    # The hot-list page and the admin show it.
    from django.test import Client

    client = Client()
    client.force_login(admin)
    page = client.get(reverse("hotlists:index")).content.decode()
    assert "Stale since" in page
    admin_page = client.get(reverse("admin:hotlist_sources_hotlistsource_changelist")).content.decode()
    assert "STALE since" in admin_page
    # The source recovers: the list is current again, and a new stale period alarms anew.
    https_server.status, https_server.body = 200, CSV
    record = services.pull_due_sources(now=now)[0]
    assert record.outcome == PullRecord.Outcome.APPLIED and _plates(svs) == {"7ABC123", "8XYZ412"}
    https_source.refresh_from_db()
    assert https_source.stale_since is None and https_source.failed_attempts == 0
    assert Notification.objects.filter(user=admin, key__startswith="hotlist-current-").count() == 1
    https_server.status = 500
    services.pull_due_sources(now=now + timedelta(hours=4))
    services.mark_stale_sources(now=now + timedelta(hours=25))
    assert notices.count() == 2


def test_the_beat_tasks_run_the_services(https_source, svs, settings):
    from config.settings import CELERY_BEAT_SCHEDULE
    from hotlists.sources import tasks

    assert CELERY_BEAT_SCHEDULE["hotlists-pull-due-sources"]["task"] == tasks.pull_due_sources.name
    assert CELERY_BEAT_SCHEDULE["hotlists-check-stale-sources"]["task"] == tasks.mark_stale_sources.name
    [record_id] = tasks.pull_due_sources.delay().get()
    assert PullRecord.objects.get(pk=record_id).outcome == PullRecord.Outcome.APPLIED
    assert tasks.mark_stale_sources.delay().get() == []


def test_a_pull_already_claimed_is_not_run_twice(https_source, settings):
    now = timezone.now()
    assert services.claim(source_id=https_source.pk, now=now) is not None
    assert services.claim(source_id=https_source.pk, now=now) is None  # taken by the first
    assert services.pull_due_sources(now=now) == []
    assert services.pull_now(source=https_source, now=now) is None
    # A worker that died mid-pull holds the source only until the lease runs out.
    later = now + timedelta(seconds=settings.ALPR_HOTLIST_PULL_LEASE_SECONDS + 1)
    [record] = services.pull_due_sources(now=later)
    assert record.outcome == PullRecord.Outcome.APPLIED
    https_source.refresh_from_db()
    assert https_source.pulling_since is None


# --- SFTP ----------------------------------------------------------------------------------

NCIC = (b"H|NCIC EXTRACT|20261201\n"
        b"V|7ABC123|CA|PC|2027|SV|V123456789|CA0010900|20261102\n"
        b"L|8XYZ412|NV|PC|2026|SP|L000000042|NV0020000|20261120\n"
        b"T|2\n")


@pytest.fixture
def sftp_server(tmp_path):
    root = tmp_path / "sftp-root"
    (root / "outbound").mkdir(parents=True)
    (root / "outbound" / "ncic.txt").write_bytes(NCIC)
    client_key_path = tmp_path / "id_ed25519"
    state = pull_servers.SFTPState(root=root, username="opd-alpr",
                                   client_key=pull_servers.ed25519_key(client_key_path),
                                   host_key=pull_servers.ed25519_key())
    state.client_key_path = client_key_path
    stop = pull_servers.start_sftp(state)
    yield state
    stop()


@pytest.fixture
def ncic(db):
    return hotlist_services.hotlist_create(name="NCIC", source=Hotlist.Source.NCIC, feed_name="ncic")


def _sftp_source(ncic, state, *, pin):
    return services.source_create(hotlist=ncic, kind=HotlistSource.Kind.SFTP, host="127.0.0.1", port=state.port,
                                  path="/outbound/ncic.txt", username=state.username,
                                  private_key_path=str(state.client_key_path), host_key_fingerprint=pin,
                                  layout="ncic_delimited")


def test_it_pulls_over_sftp_with_a_pinned_host_key(ncic, sftp_server):
    source = _sftp_source(ncic, sftp_server, pin=fingerprint(sftp_server.host_key))
    record = services.pull_now(source=source)
    assert record.outcome == PullRecord.Outcome.APPLIED, record.error
    assert record.feed_import.file_name == "sftp:ncic.txt" and record.size_bytes == len(NCIC)
    entry = HotlistEntry.objects.get(plate="8XYZ412")
    assert (entry.state, entry.category, entry.reference, str(entry.entered_on)) == (
        "NV", "Stolen Plate", "L000000042", "2026-11-20")
    assert services.pull_now(source=source).outcome == PullRecord.Outcome.UNCHANGED


def test_it_refuses_an_sftp_server_whose_host_key_is_not_the_pinned_one(ncic, sftp_server):
    source = _sftp_source(ncic, sftp_server, pin=fingerprint(pull_servers.ed25519_key()))
    record = services.pull_now(source=source)
    assert record.outcome == PullRecord.Outcome.FAILED and "Host key refused" in record.error
    assert sftp_server.auth_attempts == []  # the key was never offered to the impostor
    assert not HotlistEntry.objects.exists()


def test_an_sftp_login_the_server_refuses_is_a_failed_pull(ncic, sftp_server, tmp_path):
    source = _sftp_source(ncic, sftp_server, pin=fingerprint(sftp_server.host_key))
    pull_servers.ed25519_key(tmp_path / "other_key")
    HotlistSource.objects.filter(pk=source.pk).update(private_key_path=str(tmp_path / "other_key"))
    source.refresh_from_db()
    record = services.pull_now(source=source)
    assert record.outcome == PullRecord.Outcome.FAILED and "Authentication" in record.error


# --- configuration -------------------------------------------------------------------------


@pytest.mark.parametrize("fields,field", [
    ({"kind": "https", "url": "http://lists.example.org/svs.csv", "token_env": "SVS_TOKEN"}, "url"),
    ({"kind": "https", "url": "https://lists.example.org/svs.csv"}, "token_env"),
    ({"kind": "https", "url": "https://lists.example.org/svs.csv", "token_env": "eyJhbGciOi.secret-token"},
     "token_env"),
    ({"kind": "https", "url": "https://x.example.org/a", "token_env": "T", "client_cert_path": "/c.pem"},
     "client_key_path"),
    ({"kind": "https", "url": "https://x.example.org/a", "token_env": "T", "interval_hours": 25}, "interval_hours"),
    ({"kind": "sftp", "host": "sftp.example.org", "path": "/a", "username": "u", "private_key_path": "/k"},
     "host_key_fingerprint"),
])
def test_it_refuses_a_source_configured_unsafely(svs, fields, field):
    with pytest.raises(ValidationError) as exc:
        services.source_create(hotlist=svs, **fields)
    assert field in exc.value.message_dict


def test_it_refuses_a_source_for_an_internal_list(db):
    bolo = hotlist_services.hotlist_create(name="BOLO", source=Hotlist.Source.CUSTOM_BOLO,
                                           purpose=Hotlist.Purpose.BURGLARY)
    with pytest.raises(ValidationError) as exc:
        services.source_create(hotlist=bolo, kind="https", url="https://x.example.org/a", token_env="T")
    assert "hotlist" in exc.value.message_dict


def test_it_records_the_configuration_change(svs):
    from accesslog.models import ConfigurationChange

    source = services.source_create(hotlist=svs, kind="https", url="https://x.example.org/a", token_env="T")
    change = ConfigurationChange.objects.get(object_type="hotlistsource")
    assert change.object_id == str(source.pk) and change.after["url"] == "https://x.example.org/a"


def test_it_records_and_alarms_a_source_changed_in_the_admin(svs, client, django_user_model, course, administrator):
    from accesslog.models import ConfigurationChange
    from training.models import TrainingRecord

    root = django_user_model.objects.create_superuser("root", "root@example.invalid", "x" * 16)
    TrainingRecord.objects.create(member=root, course=course, completed_on=timezone.localdate(), trainer="x")
    client.force_login(root)
    form = {"hotlist": svs.pk, "kind": "https", "enabled": "on", "interval_hours": 4, "layout": "csv",
            "url": "https://lists.example.org/svs.csv", "token_env": "SVS_TOKEN", "port": 22}
    response = client.post(reverse("admin:hotlist_sources_hotlistsource_add"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    source = HotlistSource.objects.get()
    form["url"] = "https://elsewhere.example.org/svs.csv"
    client.post(reverse("admin:hotlist_sources_hotlistsource_change", args=[source.pk]), form)
    changes = ConfigurationChange.objects.filter(object_type="hotlistsource").order_by("pk")
    assert [c.weakens for c in changes] == [True, True] and changes.last().after["url"].startswith("https://else")
    # Where the list comes from is an alarm for the administrators.
    assert Notification.objects.filter(user=administrator, key=f"configuration-change-{changes.last().pk}")
    # "Pull soon" makes the source due at the next beat tick.
    HotlistSource.objects.filter(pk=source.pk).update(next_attempt_at=timezone.now() + timedelta(hours=3))
    client.post(reverse("admin:hotlist_sources_hotlistsource_changelist"),
                {"action": "pull_soon", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert source.next_attempt_at <= timezone.now()
    # A secret typed where the variable's name belongs is refused.
    form["token_env"] = "Bearer abc.def"
    page = client.post(reverse("admin:hotlist_sources_hotlistsource_change", args=[source.pk]), form)
    assert page.status_code == 200 and "not the secret itself" in page.content.decode()


def test_the_pull_hotlists_command(https_source, svs):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("pull_hotlists", "--list", "SVS", stdout=out)
    assert "SVS: Imported" in out.getvalue() and "rows=2 added=2" in out.getvalue()
    out = StringIO()
    call_command("pull_hotlists", stdout=out)  # nothing due: the next pull is 4 hours away
    assert out.getvalue() == ""
