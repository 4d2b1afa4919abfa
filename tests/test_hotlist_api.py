"""The hot-list API applies the same rules as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hotlists.models import Hotlist
from hotlists.services import entries as services
from tests.conftest import session_api_client


def _api(user):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def bolo(db):
    return services.hotlist_create(name="BOLO", source=Hotlist.Source.CUSTOM_BOLO, purpose=Hotlist.Purpose.BURGLARY)


def test_request_and_decide_through_the_api(personas, officer, administrator, bolo):
    body = {"hotlist": bolo.pk, "case_number": "26-5", "plate": "2GHJ345", "state": "CA",
            "vehicle_description": "Grey Nissan", "justification": "Burglary suspect vehicle"}
    created = _api(officer).post("/api/hotlists/requests/", body, format="json")
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    pk = created.json()["id"]
    assert _api(officer).post(f"/api/hotlists/requests/{pk}/decision/", {"action": "approve"},
                                          format="json").status_code == 403
    queue = _api(administrator).get("/api/hotlists/requests/?queue=1").json()
    assert [r["id"] for r in queue] == [pk]
    assert _api(officer).get("/api/hotlists/requests/?queue=1").status_code == 404
    # A decision needs a person who signed in (two factors) in the last 15 minutes: the
    # administrator's token alone is refused; their session is accepted.
    by_token = _api(administrator).post(f"/api/hotlists/requests/{pk}/decision/",
                                                    {"action": "disapprove"}, format="json")
    assert by_token.status_code == 403 and by_token.json()["error"]["code"] == "reauthentication_required"
    no_csrf = APIClient(enforce_csrf_checks=True)
    no_csrf.force_login(administrator)
    refused = no_csrf.post(f"/api/hotlists/requests/{pk}/decision/", {"action": "disapprove"}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    session = session_api_client(administrator)
    decided = session.post(f"/api/hotlists/requests/{pk}/decision/",
                           {"action": "disapprove", "note": "Insufficient link"}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "disapproved"
    again = session.post(f"/api/hotlists/requests/{pk}/decision/", {"action": "approve"}, format="json")
    assert again.status_code == 409
    assert _api(personas["pst"]).get(f"/api/hotlists/requests/{pk}/").status_code == 404
    missing = _api(officer).post("/api/hotlists/requests/", {"hotlist": bolo.pk}, format="json")
    assert missing.status_code == 400
    error = missing.json()["error"]  # the one error shape, with the failures by field
    assert error["code"] == "invalid" and {"case_number", "justification"} <= set(error["fields"])
    malformed = _api(officer).get("/api/hotlists/requests/not-a-number/")
    assert malformed.status_code == 404 and malformed.json()["error"]["code"] == "not_found"


def test_imports_through_the_api(administrator, officer):
    svs = services.hotlist_create(name="SVS", source=Hotlist.Source.SVS)
    ok = _api(administrator).post("/api/hotlists/imports/", {
        "hotlist": svs.pk, "file": SimpleUploadedFile("svs.csv", b"plate\nAAA1111\n")}, format="multipart")
    assert ok.status_code == 201 and ok.json()["added"] == 1
    bad = _api(administrator).post("/api/hotlists/imports/", {
        "hotlist": svs.pk, "file": SimpleUploadedFile("svs.csv", b"\x00\x01binary")}, format="multipart")
    assert bad.status_code == 400 and bad.json()["status"] == "rejected"
    assert _api(officer).post("/api/hotlists/imports/", {
        "hotlist": svs.pk, "file": SimpleUploadedFile("svs.csv", b"plate\nAAA1111\n")},
        format="multipart").status_code == 404


def test_it_refuses_a_prohibited_request_with_the_q6_category(officer, bolo):
    body = {"hotlist": bolo.pk, "case_number": "26-5", "plate": "2GHJ345", "state": "CA",
            "vehicle_description": "Grey Nissan", "justification": "Alert when ICE agents ask about this car"}
    response = _api(officer).post("/api/hotlists/requests/", body, format="json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "prohibited_use" and "federal immigration enforcement" in error["message"]
