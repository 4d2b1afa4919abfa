"""HL-2: downloaded lists replace the old list atomically; bad files change nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from hotlists.models import FeedImport, Hotlist, HotlistEntry
from hotlists.services import entries as services
from hotlists.services import feeds
from tests import factories


@pytest.fixture
def svs(db):
    return services.hotlist_create(name="SVS", source=Hotlist.Source.SVS, feed_name="svs")


def _plates(hotlist):
    return set(HotlistEntry.objects.filter(hotlist=hotlist, status="active").values_list("plate", "state"))


def test_it_tolerates_the_variations_real_extracts_have(svs):
    data = ('\ufeffLIC NO\tLIS\tType\tNCIC #\tEntered\n'
            '7abc-123\tca\tStolen vehicle\tV1\t11/02/2026\n'
            '\n'
            '"8 XYZ 412"\tCA\t"Stolen, plate"\tV2\t2026-11-01\n'
            '7ABC123\tCA\tduplicate row\tV1\t2026-11-02\n').encode()
    result = feeds.import_feed(hotlist=svs, data=data, file_name="svs.tsv")
    assert result.status == FeedImport.Status.APPLIED, result.error
    assert _plates(svs) == {("7ABC123", "CA"), ("8XYZ412", "CA")}
    entry = HotlistEntry.objects.get(plate="8XYZ412")
    assert entry.reason == "Stolen, plate" and entry.reference == "V2" and str(entry.entered_on) == "2026-11-01"
    assert (result.rows_read, result.added) == (3, 2)


def test_rejected_rows_are_reported_with_line_numbers(svs):
    data = b"plate,state\n7ABC123,CA\n,CA\n7AB*123,CA\n1AAA111,California\n"
    result = feeds.import_feed(hotlist=svs, data=data, file_name="svs.csv")
    assert result.status == FeedImport.Status.APPLIED
    assert [(r["line"], r["reason"][:8]) for r in result.rejected_rows] == [
        (3, "no plate"), (4, "plate ha"), (5, "state 'C")]
    assert _plates(svs) == {("7ABC123", "CA")}


def test_the_newest_file_replaces_the_old_list(svs, personas, home_agency):
    feeds.import_feed(hotlist=svs, data=b"plate,state,reason\nAAA1111,CA,x\nBBB2222,CA,x\nCCC3333,CA,x\n",
                      file_name="day1.csv")
    # A read hits BBB2222: the entry must stay on file when the list drops it.
    factories.read(factories.camera(home_agency), "BBB2222")
    result = feeds.import_feed(hotlist=svs, data=b"plate,state,reason\nAAA1111,CA,changed\nCCC3333,CA,x\n"
                                                 b"DDD4444,CA,x\n", file_name="day2.csv")
    assert (result.added, result.removed, result.updated, result.unchanged) == (1, 1, 1, 1)
    assert _plates(svs) == {("AAA1111", "CA"), ("CCC3333", "CA"), ("DDD4444", "CA")}
    assert HotlistEntry.objects.get(plate="BBB2222").status == HotlistEntry.Status.REMOVED


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text"),
        (b"name,colour\nbob,red\n", "no plate column"),
        (b"plate,state\n,CA\n***,CA\n", "No usable rows"),
    ],
)
def test_a_malformed_file_changes_nothing_and_says_why(svs, data, message):
    feeds.import_feed(hotlist=svs, data=b"plate\nAAA1111\n", file_name="good.csv")
    result = feeds.import_feed(hotlist=svs, data=data, file_name="bad.csv")
    assert result.status == FeedImport.Status.REJECTED and message in result.error
    assert _plates(svs) == {("AAA1111", "")}


def test_a_file_that_would_empty_the_list_is_refused_unless_forced(svs):
    rows = "".join(f"A{i:06d},CA\n" for i in range(10))
    feeds.import_feed(hotlist=svs, data=("plate,state\n" + rows).encode(), file_name="full.csv")
    truncated = b"plate,state\nA000000,CA\n"
    result = feeds.import_feed(hotlist=svs, data=truncated, file_name="truncated.csv")
    assert result.status == FeedImport.Status.REJECTED and "looks truncated" in result.error
    assert len(_plates(svs)) == 10
    assert feeds.import_feed(hotlist=svs, data=truncated, file_name="t.csv", force=True).status == "applied"
    assert len(_plates(svs)) == 1


def test_internal_lists_are_not_replaced_by_files(db):
    bolo = services.hotlist_create(name="BOLO", source=Hotlist.Source.CUSTOM_BOLO, purpose=Hotlist.Purpose.BURGLARY)
    result = feeds.import_feed(hotlist=bolo, data=b"plate\nAAA1111\n", file_name="x.csv")
    assert result.status == FeedImport.Status.REJECTED


def test_the_drop_folder_command(svs, settings, tmp_path):
    settings.ALPR_HOTLIST_DROP_DIR = tmp_path
    folder = tmp_path / "svs"
    folder.mkdir()
    (folder / "old.csv").write_bytes(b"plate\nOLD1111\n")
    import os
    import time

    os.utime(folder / "old.csv", (time.time() - 60, time.time() - 60))
    (folder / "new.csv").write_bytes(b"plate,state\nNEW2222,CA\n")
    call_command("import_hotlists")
    assert _plates(svs) == {("NEW2222", "CA")}
    assert sorted(p.name.split("-", 1)[1] for p in (folder / "processed").iterdir()) == ["new.csv", "old.csv"]
    # The same file again is not a new import.
    (folder / "again.csv").write_bytes(b"plate,state\nNEW2222,CA\n")
    call_command("import_hotlists")
    assert FeedImport.objects.count() == 1


def test_the_upload_page_and_report(svs, administrator, officer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(administrator)
    response = client.post(reverse("hotlists:import_upload"), {
        "hotlist": svs.pk, "file": SimpleUploadedFile("svs.csv", b"plate\nAAA1111\n,\n<b>x</b>\n")})
    imp = FeedImport.objects.get()
    assert response["Location"] == reverse("hotlists:import_detail", args=[imp.pk])
    report = client.get(response["Location"]).content.decode()
    assert "Applied" in report and "&lt;b&gt;x&lt;/b&gt;" in report
    client.force_login(officer)
    assert client.get(reverse("hotlists:import_upload")).status_code == 404


# --- Issue 19 §5: the category screen -------------------------------------------------------

SCREENED = b"""Plate,State,NCIC File,Reason,NCIC Number
AAA1111,CA,Vehicle File,Stolen vehicle,V1
BBB2222,CA,VIF,Immigration violator,I1
CCC3333,CA,NCIC Immigration Violator File,,I2
DDD4444,CA,Deportation order,,I3
EEE5555,CA,Reproductive health investigation,,R1
FFF6666,CA,Gang File,,G1
GGG7777,CA,Stolen Plates,,P1
HHH8888,CA,Wanted Person File,Felony want,W1
III9999,CA,,no category: the list's own,N1
"""


def test_it_drops_prohibited_and_out_of_policy_categories_and_counts_them(svs):
    result = feeds.import_feed(hotlist=svs, data=SCREENED, file_name="ncic.csv")
    assert result.status == FeedImport.Status.APPLIED, result.error
    assert _plates(svs) == {("AAA1111", "CA"), ("GGG7777", "CA"), ("HHH8888", "CA"), ("III9999", "CA")}
    assert result.dropped_count == 5 and result.added == 4 and result.rows_read == 9
    assert result.dropped_by_category == {
        "VIF": {"reason": "prohibited category", "count": 1},
        "NCIC Immigration Violator File": {"reason": "prohibited category", "count": 1},
        "Deportation order": {"reason": "prohibited category", "count": 1},
        "Reproductive health investigation": {"reason": "prohibited category", "count": 1},
        "Gang File": {"reason": "category not permitted by HL-1", "count": 1},
    }
    assert HotlistEntry.objects.get(plate="AAA1111").category == "Vehicle File"


def test_without_a_category_column_a_prohibited_reason_is_dropped_too(svs):
    data = b"plate,state,type\nAAA1111,CA,Stolen vehicle\nBBB2222,CA,Immigration violator\nCCC3333,CA,whatever\n"
    result = feeds.import_feed(hotlist=svs, data=data, file_name="doj.csv")
    # A free-text reason is not held to HL-1's names ("whatever" stays), but a prohibited one goes.
    assert _plates(svs) == {("AAA1111", "CA"), ("CCC3333", "CA")}
    assert result.dropped_by_category == {"Immigration violator": {"reason": "prohibited category", "count": 1}}


def test_a_dropped_category_already_on_the_list_is_removed_by_the_next_import(svs, settings):
    feeds.import_feed(hotlist=svs, data=b"plate,state,category\nAAA1111,CA,Stolen vehicle\nBBB2222,CA,Gang File\n"
                                         b"CCC3333,CA,Stolen plate\n", file_name="day1.csv")
    assert ("BBB2222", "CA") not in _plates(svs)
    # The agency now prohibits stolen plates too: the entry goes on the next import.
    settings.ALPR_FEED_PROHIBITED_CATEGORIES = ["Stolen plate"]
    result = feeds.import_feed(hotlist=svs, data=b"plate,state,category\nAAA1111,CA,Stolen vehicle\n"
                                                 b"CCC3333,CA,Stolen plate\n", file_name="day2.csv")
    assert result.status == FeedImport.Status.APPLIED and result.removed == 1 and result.dropped_count == 1
    assert _plates(svs) == {("AAA1111", "CA")}


def test_the_administrator_is_told_and_sees_the_drops(svs, administrator, officer, client):
    from accounts.models import Notification

    result = feeds.import_feed(hotlist=svs, data=SCREENED, file_name="ncic.csv")
    notice = Notification.objects.get(user=administrator)
    assert "dropped 5 row(s)" in notice.message and "VIF (1)" in notice.message
    assert not Notification.objects.filter(user=officer).exists()
    client.force_login(administrator)
    page = client.get(reverse("hotlists:import_detail", args=[result.pk])).content.decode()
    assert "Dropped by policy" in page and "Reproductive health investigation" in page
    assert "category not permitted by HL-1" in page
    admin_page = client.get(reverse("admin:hotlists_feedimport_changelist")).content.decode()
    assert "VIF: 1" in admin_page


def test_a_subscription_the_policy_does_not_permit_cannot_be_enabled(db, settings):
    from django.core.exceptions import ValidationError

    from lib.errors import DomainError

    with pytest.raises(DomainError, match="HL-1"):
        services.hotlist_create(name="ICE list", source=Hotlist.Source.NCIC_IMMIGRATION, feed_name="vif")
    recorded = services.hotlist_create(name="ICE list", source=Hotlist.Source.NCIC_IMMIGRATION, active=False)
    assert recorded.active is False
    with pytest.raises(DomainError, match="cannot be enabled"):
        services.hotlist_set_active(hotlist=recorded, active=True, by=None)
    recorded.active = True
    with pytest.raises(ValidationError) as exc:
        recorded.full_clean()
    assert "active" in exc.value.message_dict
    # An agency may narrow HL-1: without NCIC in its permitted sources, an NCIC list stays off.
    ncic = services.hotlist_create(name="NCIC", source=Hotlist.Source.NCIC, feed_name="ncic")
    settings.ALPR_HOTLIST_PERMITTED_SOURCES = ["svs"]
    with pytest.raises(DomainError):
        services.hotlist_create(name="NCIC 2", source=Hotlist.Source.NCIC, feed_name="ncic2")
    # A list enabled before the narrowing takes no new data.
    result = feeds.import_feed(hotlist=ncic, data=b"plate\nAAA1111\n", file_name="ncic.csv")
    assert result.status == FeedImport.Status.REJECTED and "not a list the policy permits" in result.error


def test_the_admin_refuses_to_enable_a_prohibited_subscription(administrator, client):
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    response = client.post(reverse("admin:hotlists_hotlist_add"), {
        "name": "Gang list", "feed_name": "gang", "source": Hotlist.Source.NCIC_GANG, "kind": "alert",
        "is_external": "on", "purpose": "", "active": "on", "created_at_0": "2026-12-01", "created_at_1": "10:00:00"})
    assert response.status_code == 200
    assert "cannot be enabled" in response.content.decode()
    assert not Hotlist.objects.filter(name="Gang list").exists()


def test_the_permitted_sources_setting_cannot_widen_hl1(settings):
    from hotlists.apps import check_permitted_sources

    assert check_permitted_sources(None) == []
    settings.ALPR_HOTLIST_PERMITTED_SOURCES = ["svs", "ncic_vif"]
    (error,) = check_permitted_sources(None)
    assert error.id == "hotlists.E001" and "ncic_vif" in error.msg


def test_the_list_page_marks_a_refused_subscription_and_the_last_imports_drops(svs, administrator, client):
    services.hotlist_create(name="VIF (refused)", source=Hotlist.Source.NCIC_IMMIGRATION, active=False)
    feeds.import_feed(hotlist=svs, data=SCREENED, file_name="ncic.csv")
    client.force_login(administrator)
    page = client.get(reverse("hotlists:index")).content.decode()
    assert "VIF (refused) <em>(disabled: not permitted by HL-1)</em>" in page
    assert "5 dropped by policy" in page
