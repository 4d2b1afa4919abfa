"""HT-4: covert entries, their hits and the reads behind them are invisible to all but the
responsible investigator and the ALPR Administrator: pages, API, admin, searches."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alpr.criteria import build_criteria
from alpr.models import Hit
from alpr.selectors.reads import reads_for_query
from hotlists.models import Hotlist
from hotlists.services import entries as services
from tests import factories


@pytest.fixture
def covert(investigator, administrator, home_agency):
    lst = services.hotlist_create(name="Covert", source=Hotlist.Source.CUSTOM_BOLO, kind=Hotlist.Kind.COVERT,
                                  purpose=Hotlist.Purpose.VIOLENT_CRIME)
    req = services.request_submit(requester=investigator, hotlist=lst, case_number="26-9", plate="4TUV771",
                                  state="CA", vehicle_description="White van", justification="Robbery series")
    req = services.request_approve(req=req, by=administrator)
    read = factories.read(factories.camera(home_agency), "4TUV771")
    return {"req": req, "hit": Hit.objects.get(), "read": read}


@pytest.mark.parametrize("name,sees", [
    ("officer", False), ("pst", False), ("analyst", False), ("auditor", False), ("coordinator", False),
    ("outsider", False), ("investigator", True), ("administrator", True),
])
def test_covert_visibility_for_every_role(covert, personas, client, name, sees):
    client.force_login(personas[name])
    expected = 200 if sees else 404
    assert client.get(reverse("alpr:hit_detail", args=[covert["hit"].pk])).status_code == expected
    assert client.get(reverse("hotlists:request_detail", args=[covert["req"].pk])).status_code == expected
    user = personas[name]
    if user.has_role("Officer", "Crime Analyst", "Investigator"):
        now = timezone.now()
        criteria = build_criteria(captured_from=now - timedelta(days=1), captured_to=now, plate="4TUV771")
        assert reads_for_query(user=user, criteria=criteria).exists() == (sees and user.agency.is_home)


def test_the_admin_lists_hide_covert_entries_and_hits(covert, officer, administrator, client):
    from django.contrib.auth.models import Permission

    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(*Permission.objects.filter(codename__in=["view_hit", "view_hotlistentry"]))
    client.force_login(officer)
    assert "4TUV771" not in client.get("/admin/alpr/hit/").content.decode()
    assert "4TUV771" not in client.get("/admin/hotlists/hotlistentry/").content.decode()
    client.force_login(administrator)
    administrator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_hit", "view_hotlistentry"]))
    assert "4TUV771" in client.get("/admin/alpr/hit/").content.decode()


def _table(response) -> str:
    """The log page's table of entries (the filter form above it echoes the search)."""
    html = response.content.decode()
    return html[html.index("<table"):]


def _log_views(client):
    """The access log as its readers see it: the page searched by plate and by case
    number, the unfiltered page, and the CSV."""
    page = _table(client.get("/audits/"))
    csv = b"".join(client.get("/audits/log.csv").streaming_content).decode()
    # (searched last: the reader's own searches are logged with what they typed)
    by_plate = _table(client.get("/audits/", {"data_element": "4TUV771", "action": "hotlist.request_submit"}))
    by_case = _table(client.get("/audits/", {"case_number": "26-9"}))
    return by_plate, by_case, page, csv


@pytest.mark.parametrize("name", ["auditor", "coordinator"])
def test_it_redacts_covert_entries_in_the_access_log_for_oversight_readers(covert, personas, client, name):
    """Issue 18, defect 3: the log still records the covert work (AU-1); an auditor or the
    coordinator sees who did what and when, never the plate, list or case number."""
    from accesslog.models import AccessEvent

    client.force_login(personas[name])
    by_plate, by_case, page, csv = _log_views(client)
    for shown in (page, csv):
        assert "4TUV771" not in shown and "26-9" not in shown
    assert "hotlist.request" not in by_plate and "hotlist.request" not in by_case  # not found either
    assert "hotlist.request_approve" in csv and "[covert: redacted]" in csv
    # The entries themselves are untouched: the chain still holds the real values.
    assert AccessEvent.objects.filter(case_number="26-9", data_elements__plate="4TUV771").exists()


def test_it_shows_covert_entries_whole_to_the_administrator(covert, administrator, client):
    client.force_login(administrator)
    by_plate, by_case, page, csv = _log_views(client)
    assert "hotlist.request_submit" in by_plate and "hotlist.request_approve" in by_case
    assert "4TUV771" in page and "4TUV771" in csv


def test_it_redacts_covert_entries_in_the_admins_access_log_for_other_staff(covert, auditor, client):
    from django.contrib.auth.models import Permission

    from accesslog.models import AccessEvent

    auditor.is_staff = True
    auditor.save()
    auditor.user_permissions.add(Permission.objects.get(codename="view_accessevent"))
    client.force_login(auditor)
    listing = client.get("/admin/accesslog/accessevent/").content.decode()
    assert "[covert: redacted]" in listing and "26-9" not in listing
    assert "0 results" in client.get("/admin/accesslog/accessevent/", {"q": "26-9"}).content.decode()
    event = AccessEvent.objects.filter(case_number="26-9").first()
    detail = client.get(f"/admin/accesslog/accessevent/{event.pk}/change/").content.decode()
    assert "4TUV771" not in detail and "26-9" not in detail


@pytest.mark.parametrize("name", ["auditor", "coordinator"])
def test_it_redacts_covert_entries_in_the_access_log_search(covert, personas, administrator, client, name):
    """Issue 19's full-text search of the log keeps HT-4 too: without covert clearance a
    covert entry is left out of every search (any word could be its plate or case
    number); the access log page still lists it, redacted."""
    client.force_login(personas[name])
    csv = b"".join(client.get("/audits/search.csv").streaming_content).decode()
    assert "4TUV771" not in csv and "26-9" not in csv and "hotlist.request_approve" not in csv
    # (searched last: the reader's own search is logged with what they typed)
    found = b"".join(client.get("/audits/search.csv", {"q": "4TUV771"}).streaming_content).decode()
    assert "hotlist.request" not in found
    client.force_login(administrator)
    csv = b"".join(client.get("/audits/search.csv").streaming_content).decode()
    assert "4TUV771" in csv
