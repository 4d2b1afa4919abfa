"""SH-1..SH-7: refusals the law requires, the 3-step protocol, who decides, the secure folder."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, Designation
from accounts.services import designation_create
from lib.errors import DomainError, IllegalTransition, NotPermitted
from sharing.models import MOU, SharingRequest
from sharing.services import requests as services

S = SharingRequest.Status
# Step 1 documented with substance (issue 20 §2): the authority identified, the need tied to the case.
RIGHT = "Sworn deputy, Alameda County Sheriff, badge 4411 (Penal Code 830.1)"
NEED = "Det. Kim leads case SO-26-1234, an armed robbery; the reads place the suspect car near the scene"


def _agency(name, state="CA", kind=Agency.Kind.SHERIFF):
    return Agency.objects.create(name=name, state=state, kind=kind)


def _receive(personas, agency, **overrides):
    now = timezone.now()
    fields = {
        "agency": agency, "requester_name": "Det. Kim", "requester_title": "Detective", "requester_contact": "kim@x",
        "purpose": "Armed robbery investigation, suspect vehicle movements", "plates": "7ABC123",
        "window_from": now - timedelta(days=5), "window_to": now, "case_number": "SO-26-1234",
        "basis": SharingRequest.Basis.VOLUNTARY,
        "confirmation_statement": "We confirm the data will not be used for immigration enforcement or "
                                  "reproductive-health prosecutions.",
        "received_on": timezone.localdate(), "received_via": SharingRequest.ReceivedVia.LETTER,
    }
    fields.update(overrides)
    return services.request_receive(logged_by=personas["administrator"], **fields)


@pytest.mark.parametrize(
    "agency_args,overrides,rule",
    [
        (("Reno PD", "NV", Agency.Kind.MUNICIPAL_POLICE), {}, "out_of_state"),
        (("ICE", "DC", Agency.Kind.FEDERAL), {}, "federal"),
        (("FBI SF", "CA", Agency.Kind.FEDERAL), {}, "federal"),
        (("ACSO",), {"purpose": "Assist ICE with a removal case"}, "immigration"),
        (("ACSO",), {"purpose": "Locate people who obtained an abortion"}, "reproductive_health"),
        (("ACSO",), {"confirmation_statement": ""}, "no_confirmation"),
        (("Alameda DA", "CA", Agency.Kind.PROSECUTOR), {}, "not_law_enforcement"),
    ],
)
def test_refusals_the_law_requires_happen_at_once_with_the_rule(personas, administrator, agency_args, overrides, rule):
    req = _receive(personas, _agency(*agency_args), **overrides)
    assert req.status == S.REFUSED and req.refusal_rule == rule
    assert req.history.last().by is None  # before any human step
    with pytest.raises(IllegalTransition):
        services.document_right_and_need(req=req, by=administrator, legal_authority="x",
                                         need_to_know="y")


def test_non_law_enforcement_parties_go_to_records(personas, administrator):
    req = _receive(personas, _agency("Oakland Tribune", kind=Agency.Kind.NON_LAW_ENFORCEMENT))
    assert req.status == S.ROUTED_TO_RECORDS
    with pytest.raises(IllegalTransition):
        services.document_right_and_need(req=req, by=administrator, legal_authority="x",
                                         need_to_know="y")


def test_a_court_order_brings_a_civil_litigant_through_sh1(personas):
    req = _receive(personas, _agency("Smith v. Jones counsel", kind=Agency.Kind.NON_LAW_ENFORCEMENT),
                   basis=SharingRequest.Basis.LEGAL_OBLIGATION, instrument=SharingRequest.Instrument.COURT_ORDER,
                   instrument_number="RG26-100", instrument_court="Alameda Superior Court")
    assert req.status == S.RECEIVED
    with pytest.raises(DomainError, match="instrument"):
        _receive(personas, _agency("ACSO2"), basis=SharingRequest.Basis.LEGAL_OBLIGATION)


def test_the_three_steps_with_a_designee_decision(personas, administrator, investigator):
    today = timezone.localdate()
    designation = designation_create(administrator=administrator, designee=investigator,
                                     scope=Designation.Scope.SHARING_APPROVAL, written_authority="Memo 26-40",
                                     starts_on=today, ends_on=today + timedelta(days=30))
    req = _receive(personas, _agency("ACSO"))
    with pytest.raises(DomainError, match="right to know"):
        services.document_right_and_need(req=req, by=administrator, legal_authority="sworn status",
                                         need_to_know=" ")
    req = services.document_right_and_need(req=req, by=administrator, legal_authority=RIGHT,
                                           need_to_know=NEED)
    assert req.status == S.RECORDED
    assert [h.transition for h in req.history.all()] == ["receive", "document_right_need", "record"]
    with pytest.raises(NotPermitted, match="logged"):
        services.decide(req=req, by=administrator, honour=True, reason="ok")
    for name in ("officer", "analyst", "coordinator", "auditor"):
        with pytest.raises(NotPermitted):
            services.decide(req=req, by=personas[name], honour=True, reason="ok")
    req = services.decide(req=req, by=investigator, honour=True, reason="Right and need shown")
    assert req.status == S.HONOURED and req.designation == designation and req.decided_by == investigator
    with pytest.raises(IllegalTransition):
        services.decide(req=req, by=investigator, honour=False, reason="changed my mind")


def test_an_mou_in_and_out_of_date(personas):
    chp = _agency("California Highway Patrol", kind=Agency.Kind.STATE)
    today = timezone.localdate()
    current = MOU.objects.create(agency=chp, title="CHP MOU", scope="Stolen vehicles",
                                 starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=100))
    expired = MOU.objects.create(agency=chp, title="Old CHP MOU", scope="x", starts_on=today - timedelta(days=400),
                                 ends_on=today - timedelta(days=35))
    ok = _receive(personas, chp, basis=SharingRequest.Basis.MOU, mou=current)
    assert ok.status == S.RECEIVED
    refused = _receive(personas, chp, basis=SharingRequest.Basis.MOU, mou=expired)
    assert refused.status == S.REFUSED and refused.refusal_rule == "mou_not_current"


def test_the_secure_folder(personas, officer, client):
    req = _receive(personas, _agency("ACSO"))
    for name, expected in [("officer", 404), ("analyst", 404), ("coordinator", 404), ("outsider", 404),
                           ("auditor", 200), ("administrator", 200)]:
        client.force_login(personas[name])
        assert client.get(reverse("sharing:request_detail", args=[req.pk])).status_code == expected, name
    client.force_login(officer)
    assert client.get(reverse("sharing:index")).status_code == 404


def test_logging_a_request_on_the_page(administrator, client):
    agency = _agency("Reno PD", "NV", Agency.Kind.MUNICIPAL_POLICE)
    client.force_login(administrator)
    now = timezone.localtime()
    response = client.post(reverse("sharing:request_new"), {
        "agency": agency.pk, "requester_name": "Det. Ray", "requester_contact": "ray@x", "purpose": "Burglary",
        "plates": "7ABC123", "window_from": (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "window_to": now.strftime("%Y-%m-%dT%H:%M"), "case_number": "R-1", "basis": "voluntary",
        "confirmation_statement": "Confirmed in writing", "received_on": now.date().isoformat(),
        "received_via": "email"})
    req = SharingRequest.objects.get()
    assert response.status_code == 302 and req.refusal_rule == "out_of_state"


def _honoured(personas, agency, **overrides):
    req = _receive(personas, agency, **overrides)
    req = services.document_right_and_need(req=req, by=personas["administrator"], legal_authority=RIGHT,
                                           need_to_know=NEED)
    today = timezone.localdate()
    designation_create(administrator=personas["administrator"], designee=personas["investigator"],
                       scope=Designation.Scope.SHARING_APPROVAL, written_authority="Memo 26-41",
                       starts_on=today, ends_on=today + timedelta(days=30))
    return services.decide(req=req, by=personas["investigator"], honour=True, reason="Right and need shown")


def test_the_package_holds_exactly_the_approved_scope(
    personas, investigator, auditor, home_agency, other_agency, client,
):
    import hashlib
    import io
    import json
    import zipfile

    from sharing.services.packages import package_build
    from tests import factories

    cam = factories.camera(home_agency)
    inside = factories.read(cam, "7ABC123", minutes_ago=60, images=True)
    factories.read(cam, "7ABC123", minutes_ago=60 * 24 * 9)  # outside the window
    factories.read(cam, "9ZZZ999", minutes_ago=60)  # a plate not named
    factories.read(factories.camera(other_agency, "Sheriff cam"), "7ABC123", minutes_ago=60)  # not our data
    req = _honoured(personas, _agency("ACSO"))
    package = package_build(req=req, by=investigator)
    assert package.reads_count == 1 and package.images_count == 2
    archive = zipfile.ZipFile(io.BytesIO(package.file.open("rb").read()))
    manifest = json.loads(archive.read("manifest.json"))
    rows = archive.read("reads.csv").decode().splitlines()
    assert len(rows) == 2 and rows[1].startswith(f"{inside.pk},7ABC123")
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    # Only the processor who made it (or the administrator) downloads it, and each download is logged.
    url = reverse("sharing:package_download", args=[req.pk])
    client.force_login(auditor)
    assert client.get(url).status_code == 404
    client.force_login(investigator)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    from accesslog.models import AccessEvent

    assert AccessEvent.objects.filter(action="sharing.package_download", user=investigator).exists()
    assert AccessEvent.objects.filter(action="sharing.package_build").exists()
    package.expires_at = timezone.now() - timedelta(seconds=1)
    package.save()
    assert client.get(url).status_code == 404


def test_only_honoured_requests_are_fulfilled_once(personas, administrator, officer):
    from sharing.services.packages import package_build

    req = _receive(personas, _agency("ACSO"))
    with pytest.raises(DomainError, match="honoured"):
        package_build(req=req, by=administrator)
    req = _honoured(personas, _agency("ACSO-2"))
    package_build(req=req, by=administrator)
    with pytest.raises(DomainError, match="already"):
        package_build(req=req, by=administrator)
    with pytest.raises(NotPermitted):
        package_build(req=req, by=officer)


def test_the_report_counts_requests_and_refusals(personas, auditor, officer, client):
    _receive(personas, _agency("ICE", "DC", Agency.Kind.FEDERAL))
    _receive(personas, _agency("Reno PD", "NV", Agency.Kind.MUNICIPAL_POLICE))
    _honoured(personas, _agency("ACSO"))
    client.force_login(auditor)
    page = client.get(reverse("sharing:report")).content.decode()
    assert "3 requests" in page and "Federal agency" in page and "Agency outside California" in page
    csv_text = client.get(reverse("sharing:report"), {"csv": 1}).content.decode()
    assert csv_text.count("\n") == 4 and "federal" in csv_text
    client.force_login(officer)
    assert client.get(reverse("sharing:report")).status_code == 404


def test_uploads_of_wrong_file_types_are_refused(administrator, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agency = _agency("ACSO")
    client.force_login(administrator)
    now = timezone.localtime()
    response = client.post(reverse("sharing:request_new"), {
        "agency": agency.pk, "requester_name": "Det. Ray", "requester_contact": "ray@x", "purpose": "Burglary",
        "plates": "7ABC123", "window_from": (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "window_to": now.strftime("%Y-%m-%dT%H:%M"), "case_number": "R-1", "basis": "voluntary",
        "confirmation_document": SimpleUploadedFile("confirm.pdf", b"MZ\x90\x00 an executable"),
        "received_on": now.date().isoformat(), "received_via": "email"})
    assert response.status_code == 400 and "must be a PDF" in response.content.decode()
    assert not SharingRequest.objects.exists()


def test_documents_open_only_for_the_secure_folder(personas, auditor, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    req = _receive(personas, _agency("ACSO"),
                   confirmation_document=SimpleUploadedFile("confirm.pdf", b"%PDF-1.4 signed confirmation"))
    url = reverse("sharing:document", args=[req.pk, "confirmation"])
    for name, expected in [("officer", 404), ("analyst", 404), ("outsider", 404), ("auditor", 200),
                           ("administrator", 200)]:
        client.force_login(personas[name])
        assert client.get(url).status_code == expected, name
    assert client.get(reverse("sharing:document", args=[req.pk, "instrument"])).status_code == 404  # none uploaded
    client.force_login(auditor)
    assert b"%PDF-1.4" in b"".join(client.get(url).streaming_content)


# --- issue 19: the Q-6 screening reads the request's words and who asks -------------------

@pytest.mark.parametrize("overrides,rule", [
    ({"purpose": "request from ice agents: where does the owner park"}, "immigration"),
    ({"purpose": "Woman who terminated a pregnancy; our DA is weighing charges"}, "reproductive_health"),
    ({"purpose": "Identify the protesters at the port"}, "prohibited_use"),
    ({"purpose": "Locate a vehicle", "requester_title": "ICE ERO liaison"}, "immigration"),
])
def test_it_refuses_paraphrased_prohibited_uses_with_the_rule(personas, overrides, rule):
    from accesslog.models import AccessEvent

    req = _receive(personas, _agency("ACSO"), **overrides)
    assert req.status == S.REFUSED and req.refusal_rule == rule
    event = AccessEvent.objects.get(action="screening.refused")
    assert event.data_elements["where"] == "sharing request" and event.object_id == str(req.pk)


def test_it_flags_a_suspicious_request_for_the_auditors_and_lets_it_proceed(personas):
    from accesslog.models import AccessEvent

    req = _receive(personas, _agency("ACSO"), purpose="Vehicle of a journalist")
    assert req.status == S.RECEIVED
    assert req.history.filter(transition="flag").exists()
    event = AccessEvent.objects.get(action="screening.flagged")
    assert event.data_elements["reason_typed"] == "Vehicle of a journalist"
