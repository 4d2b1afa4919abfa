"""DGO I-12 A.1: mobile units download the alert lists; never covert entries."""

import pytest

from accesslog.models import AccessEvent
from alpr.services.cameras import camera_issue_token
from hotlists.models import Hotlist
from tests import factories


@pytest.fixture
def unit(administrator, home_agency):
    cam = factories.camera(home_agency, "Patrol unit 2A12", kind="mobile")
    return cam, camera_issue_token(camera=cam, by=administrator)


def test_the_download_has_alert_entries_only_and_is_logged(unit, client, investigator):
    cam, token = unit
    factories.entry(factories.hotlist(), "8XYZ412")
    factories.entry(factories.hotlist(), "", pattern="6LM*3")
    factories.entry(factories.hotlist(kind=Hotlist.Kind.COVERT), "4TUV771", responsible=investigator)
    response = client.get("/api/devices/hotlist/", HTTP_AUTHORIZATION=f"Camera {token}")
    assert response.status_code == 200
    body = response.json()
    assert [e[0] for e in body["entries"]] == ["8XYZ412"] and [p[0] for p in body["patterns"]] == ["6LM*3"]
    assert "4TUV771" not in response.content.decode()
    event = AccessEvent.objects.get(action="hotlist.device_download", outcome="allowed")
    assert event.object_id == str(cam.pk) and event.data_elements["entries"] == 1
    again = client.get("/api/devices/hotlist/", HTTP_AUTHORIZATION=f"Camera {token}",
                       HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    factories.entry(factories.hotlist(), "1NEW111")
    changed = client.get("/api/devices/hotlist/", HTTP_AUTHORIZATION=f"Camera {token}",
                         HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != response["ETag"]


def test_bad_or_revoked_tokens_are_refused(unit, client, administrator, officer):
    from alpr.services.cameras import camera_revoke_token

    cam, token = unit
    assert client.get("/api/devices/hotlist/").status_code == 401
    assert client.get("/api/devices/hotlist/", HTTP_AUTHORIZATION="Camera nope").status_code == 401
    camera_revoke_token(camera=cam, by=administrator)
    assert client.get("/api/devices/hotlist/", HTTP_AUTHORIZATION=f"Camera {token}").status_code == 401
    assert AccessEvent.objects.filter(action="hotlist.device_download", outcome="denied").count() == 3
    # A member's session is not a camera.
    client.force_login(officer)
    assert client.get("/api/devices/hotlist/").status_code == 401


def test_a_source_no_longer_permitted_neither_alerts_nor_reaches_units(unit, client, personas, home_agency,
                                                                       settings):
    # Issue 19 §5: the department narrows ALPR_HOTLIST_PERMITTED_SOURCES (a restart); the
    # NCIC list enabled before stays on file but matches nothing and leaves the units' lists.
    from alpr.models import Hit
    from hotlists.matching import reset_index

    cam, token = unit
    ncic = factories.hotlist(name="NCIC", source=Hotlist.Source.NCIC, purpose="", is_external=True)
    factories.entry(ncic, "7NCC123")
    before = client.get("/api/devices/hotlist/", HTTP_AUTHORIZATION=f"Camera {token}")
    assert [e[0] for e in before.json()["entries"]] == ["7NCC123"]
    factories.read(factories.camera(home_agency), "7NCC123")
    assert Hit.objects.count() == 1

    settings.ALPR_HOTLIST_PERMITTED_SOURCES = ["svs", "custom_bolo"]
    reset_index()
    factories.read(cam, "7NCC123")
    assert Hit.objects.count() == 1  # no new hit
    after = client.get("/api/devices/hotlist/", HTTP_AUTHORIZATION=f"Camera {token}",
                       HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after.json()["entries"] == []
