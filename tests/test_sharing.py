"""SH-1..SH-7: refusals the law requires, the 3-step protocol, who decides, the secure folder."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, Designation
from accounts.services import designation_create
from lib.errors import DomainError, IllegalTransition, NotPermitted
from sharing import services
from sharing.models import MOU, SharingRequest

S = SharingRequest.Status


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
def test_refusals_the_law_requires_happen_at_once_with_the_rule(personas, agency_args, overrides, rule):
    req = _receive(personas, _agency(*agency_args), **overrides)
    assert req.status == S.REFUSED and req.refusal_rule == rule
    assert req.history.last().by is None  # before any human step
    with pytest.raises(IllegalTransition):
        services.document_right_and_need(req=req, by=personas["administrator"], legal_authority="x",
                                         need_to_know="y")


def test_non_law_enforcement_parties_go_to_records(personas):
    req = _receive(personas, _agency("Oakland Tribune", kind=Agency.Kind.NON_LAW_ENFORCEMENT))
    assert req.status == S.ROUTED_TO_RECORDS
    with pytest.raises(IllegalTransition):
        services.document_right_and_need(req=req, by=personas["administrator"], legal_authority="x",
                                         need_to_know="y")


def test_a_court_order_brings_a_civil_litigant_through_sh1(personas):
    req = _receive(personas, _agency("Smith v. Jones counsel", kind=Agency.Kind.NON_LAW_ENFORCEMENT),
                   basis=SharingRequest.Basis.LEGAL_OBLIGATION, instrument=SharingRequest.Instrument.COURT_ORDER,
                   instrument_number="RG26-100", instrument_court="Alameda Superior Court")
    assert req.status == S.RECEIVED
    with pytest.raises(DomainError, match="instrument"):
        _receive(personas, _agency("ACSO2"), basis=SharingRequest.Basis.LEGAL_OBLIGATION)


def test_the_three_steps_with_a_designee_decision(personas):
    today = timezone.localdate()
    designation = designation_create(administrator=personas["administrator"], designee=personas["investigator"],
                                     scope=Designation.Scope.SHARING_APPROVAL, written_authority="Memo 26-40",
                                     starts_on=today, ends_on=today + timedelta(days=30))
    req = _receive(personas, _agency("ACSO"))
    with pytest.raises(DomainError, match="right to know"):
        services.document_right_and_need(req=req, by=personas["administrator"], legal_authority="sworn status",
                                         need_to_know=" ")
    req = services.document_right_and_need(req=req, by=personas["administrator"], legal_authority="Sworn status",
                                           need_to_know="Direct involvement in the robbery investigation")
    assert req.status == S.RECORDED
    assert [h.transition for h in req.history.all()] == ["receive", "document_right_need", "record"]
    with pytest.raises(NotPermitted, match="logged"):
        services.decide(req=req, by=personas["administrator"], honour=True, reason="ok")
    for name in ("officer", "analyst", "coordinator", "auditor"):
        with pytest.raises(NotPermitted):
            services.decide(req=req, by=personas[name], honour=True, reason="ok")
    req = services.decide(req=req, by=personas["investigator"], honour=True, reason="Right and need shown")
    assert req.status == S.HONOURED and req.designation == designation and req.decided_by == personas["investigator"]
    with pytest.raises(IllegalTransition):
        services.decide(req=req, by=personas["investigator"], honour=False, reason="changed my mind")


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


def test_the_secure_folder(personas, client):
    req = _receive(personas, _agency("ACSO"))
    for name, expected in [("officer", 404), ("analyst", 404), ("coordinator", 404), ("outsider", 404),
                           ("auditor", 200), ("administrator", 200)]:
        client.force_login(personas[name])
        assert client.get(reverse("sharing:request_detail", args=[req.pk])).status_code == expected, name
    client.force_login(personas["officer"])
    assert client.get(reverse("sharing:index")).status_code == 404


def test_logging_a_request_on_the_page(personas, client):
    agency = _agency("Reno PD", "NV", Agency.Kind.MUNICIPAL_POLICE)
    client.force_login(personas["administrator"])
    now = timezone.localtime()
    response = client.post(reverse("sharing:request_new"), {
        "agency": agency.pk, "requester_name": "Det. Ray", "requester_contact": "ray@x", "purpose": "Burglary",
        "plates": "7ABC123", "window_from": (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "window_to": now.strftime("%Y-%m-%dT%H:%M"), "case_number": "R-1", "basis": "voluntary",
        "confirmation_statement": "Confirmed in writing", "received_on": now.date().isoformat(),
        "received_via": "email"})
    req = SharingRequest.objects.get()
    assert response.status_code == 302 and req.refusal_rule == "out_of_state"
