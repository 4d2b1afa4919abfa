"""HT-4: covert entries, their hits and the reads behind them are invisible to all but the
responsible investigator and the ALPR Administrator: pages, API, admin, searches."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alpr.models import Hit
from alpr.search import build_criteria
from alpr.selectors import reads_for_query
from hotlists import services
from hotlists.models import Hotlist
from tests import factories


@pytest.fixture
def covert(personas, home_agency):
    lst = services.hotlist_create(name="Covert", source=Hotlist.Source.CUSTOM_BOLO, kind=Hotlist.Kind.COVERT,
                                  purpose=Hotlist.Purpose.VIOLENT_CRIME)
    req = services.request_submit(requester=personas["investigator"], hotlist=lst, case_number="26-9", plate="4TUV771",
                                  state="CA", vehicle_description="White van", justification="Robbery series")
    req = services.request_approve(req=req, by=personas["administrator"])
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


def test_the_admin_lists_hide_covert_entries_and_hits(covert, personas, client):
    from django.contrib.auth.models import Permission

    officer = personas["officer"]
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(*Permission.objects.filter(codename__in=["view_hit", "view_hotlistentry"]))
    client.force_login(officer)
    assert "4TUV771" not in client.get("/admin/alpr/hit/").content.decode()
    assert "4TUV771" not in client.get("/admin/hotlists/hotlistentry/").content.decode()
    client.force_login(personas["administrator"])
    personas["administrator"].user_permissions.add(
        *Permission.objects.filter(codename__in=["view_hit", "view_hotlistentry"]))
    assert "4TUV771" in client.get("/admin/alpr/hit/").content.decode()
