"""The API follows the same rules as the web UI: roles, purpose, logging, 404 to outsiders."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accesslog.models import AccessEvent
from alpr.models import Hit
from hotlists.models import Hotlist
from tests import factories


@pytest.fixture
def api():
    def make(user):
        client = APIClient(enforce_csrf_checks=True)
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    return make


@pytest.fixture
def cam(home_agency):
    return factories.camera(home_agency)


def _search_body(**overrides):
    now = timezone.now()
    body = {"purpose": "grand_theft", "offence_category": "PC487", "case_number": "26-009001",
            "justification": "Stolen trailer seen on Broadway",
            "attest": True, "plate": "7AB*23", "captured_from": (now - timedelta(days=1)).isoformat(),
            "captured_to": now.isoformat()}
    body.update(overrides)
    return body


def test_a_lawful_search_and_its_reads(api, analyst, cam):
    read = factories.read(cam, "7ABC123", images=True)
    client = api(analyst)
    response = client.post("/api/searches/", _search_body(), format="json")
    assert response.status_code == 201, response.content
    search_id = response.json()["id"]
    assert response.json()["result_count"] == 1
    reads = client.get(f"/api/searches/{search_id}/reads/").json()
    assert reads["count"] == 1 and reads["results"][0]["plate"] == "7ABC123"
    image = client.get(reads["results"][0]["crop_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    detail = client.get(f"/api/searches/{search_id}/reads/{read.pk}/")
    assert detail.status_code == 200
    event = AccessEvent.objects.get(action="read.view")
    # Token callers are attributed like session callers (the pitfall auditlog has).
    assert event.user == analyst and event.case_number == "26-009001"


def test_unlawful_searches_are_refused_with_the_rule(api, analyst, cam):
    client = api(analyst)
    response = client.post("/api/searches/", _search_body(justification="CBP asked us to find it"), format="json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "search_refused" and error["flagged_for_audit"] is True
    response = client.post("/api/searches/", _search_body(attest=False), format="json")
    assert response.status_code == 403 and "Attest" in response.json()["error"]["message"]
    response = client.post("/api/searches/", _search_body(plate="7*"), format="json")
    assert response.status_code == 400 and "at least 3" in response.json()["error"]["message"]
    response = client.post("/api/searches/", {"purpose": "burglary"}, format="json")
    assert response.status_code == 400
    body = _search_body()
    del body["offence_category"]
    response = client.post("/api/searches/", body, format="json")
    assert response.status_code == 400 and "offence_category" in response.content.decode()
    response = client.post("/api/searches/", _search_body(offence_category="PC999"), format="json")
    assert response.status_code == 403 and "offence category" in response.json()["error"]["message"]


def test_it_returns_the_offence_category_and_the_flag(api, analyst, cam):
    client = api(analyst)
    body = _search_body(purpose="violent_crime", offence_category="PC245",
                        justification="Assault suspect's car; also list the vehicles at the mosque on Friday")
    response = client.post("/api/searches/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["offence_category"] == "PC245" and data["flagged_for_audit"] is True
    assert "First Amendment" in data["flag_reason"]


def test_roles_and_outsiders(api, auditor, analyst, investigator, outsider, untrained, cam):
    factories.read(cam, "7ABC123")
    assert api(auditor).post("/api/searches/", _search_body(), format="json").status_code == 404
    search_id = api(analyst).post("/api/searches/", _search_body(), format="json").json()["id"]
    assert api(investigator).get(f"/api/searches/{search_id}/reads/").status_code == 404
    assert api(outsider).get(f"/api/searches/{search_id}/reads/").status_code == 404
    assert api(untrained).post("/api/searches/", _search_body(), format="json").status_code == 403
    assert APIClient(enforce_csrf_checks=True).get("/api/hits/").status_code == 401


def test_hit_workflow_through_the_api(api, officer, cam, dispositions):
    factories.entry(factories.hotlist(), "8XYZ412")
    factories.read(cam, "8XYZ412")
    hit = Hit.objects.get()
    client = api(officer)
    listed = client.get("/api/hits/").json()
    assert listed["count"] == 1 and listed["results"][0]["available_transitions"] == ["verify", "reject"]
    bad = client.post(f"/api/hits/{hit.pk}/transitions/", {"transition": "validate", "clets_reference": "X"},
                      format="json")
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "illegal_transition"
    ok = client.post(f"/api/hits/{hit.pk}/transitions/", {"transition": "verify", "plate_matches": True,
                                                         "state_matches": True, "vehicle_matches": True},
                     format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "visually_verified"
    client.post(f"/api/hits/{hit.pk}/transitions/", {"transition": "validate", "clets_reference": "CLETS 77"},
                format="json")
    stop = client.post(f"/api/hits/{hit.pk}/stop/", {
        "justification": "Occupied stolen vehicle", "case_number": "26-1234", "disposition": "REC",
        "responded_at": timezone.now().isoformat(), "next_steps": "Owner notified"}, format="json")
    assert stop.status_code == 201 and stop.json()["disposition"] == "REC"
    missing = client.post(f"/api/hits/{hit.pk}/stop/", {"case_number": "26-1"}, format="json")
    assert missing.status_code == 400


def test_covert_hits_are_invisible_through_the_api(api, investigator, officer, outsider, cam):
    factories.entry(factories.hotlist(kind=Hotlist.Kind.COVERT), "4TUV771", responsible=investigator)
    factories.read(cam, "4TUV771")
    hit = Hit.objects.get()
    assert api(officer).get("/api/hits/").json()["count"] == 0
    assert api(officer).get(f"/api/hits/{hit.pk}/").status_code == 404
    assert api(outsider).get(f"/api/hits/{hit.pk}/").status_code == 404
    assert api(investigator).get(f"/api/hits/{hit.pk}/").status_code == 200


def test_the_schema_is_behind_login(api, analyst):
    assert APIClient(enforce_csrf_checks=True).get("/api/schema/").status_code == 401
    assert api(analyst).get("/api/schema/").status_code == 200
