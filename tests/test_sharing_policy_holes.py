"""Issue 20 §2, §3, §5: the SH-2 / SH-3 holes (documentation without substance, immigration
units under other wordings, an agency's kind or state edited quietly), the sharing dead end
(records staff log, somebody else decides, the page says who), and the protected
characteristics Q-6 lacked (gender, political affiliation, disability)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessEvent, ConfigurationChange
from accounts import roles
from accounts.mfa import AUTHENTICATED_RECENTLY_AT
from accounts.models import Agency
from accounts.services import agency_reclassify
from lib.documentation import confirmation_problem, need_to_know_problem, right_to_know_problem
from lib.errors import DomainError, NotPermitted
from lib.screening import PROTECTED, federal_name, immigration_unit, screen
from sharing.models import SharingRequest
from sharing.services import requests as services

S = SharingRequest.Status
RIGHT = "Sworn deputy, Alameda County Sheriff, badge 4411 (Penal Code 830.1)"
NEED = "Det. Kim leads case SO-26-1234, an armed robbery; the reads place the suspect car near the scene"
CONFIRMATION = ("We confirm the data will not be used for immigration enforcement or reproductive-health "
                "prosecutions.")


def _agency(name, state="CA", kind=Agency.Kind.SHERIFF):
    return Agency.objects.create(name=name, state=state, kind=kind)


def _receive(by, agency, **overrides):
    now = timezone.now()
    fields = {
        "agency": agency, "requester_name": "Det. Kim", "requester_title": "Detective",
        "requester_contact": "kim@acso.example", "purpose": "Armed robbery investigation, suspect vehicle movements",
        "plates": "7ABC123", "window_from": now - timedelta(days=5), "window_to": now, "case_number": "SO-26-1234",
        "basis": SharingRequest.Basis.VOLUNTARY, "confirmation_statement": CONFIRMATION,
        "received_on": timezone.localdate(), "received_via": SharingRequest.ReceivedVia.LETTER,
    }
    fields.update(overrides)
    return services.request_receive(logged_by=by, **fields)


# --- §2: federal immigration units, under any wording --------------------------------------

IMMIGRATION_AGENCY_NAMES = [
    "Alameda County Sheriff with Customs and Border Protection",
    "U.S. Immigration and Customs Enforcement",
    "I.C.E. San Francisco Field Office",
    "ice - enforcement & removal ops",
    "E.R.O. San Francisco",
    "Homeland Security Investigations",
    "H S I Oakland",
    "Customs & Border Protection",
    "CustomsAndBorderProtection",
    "US Border-Patrol, El Centro Sector",
    "U.S.C.I.S. Field Office",
    "Dept. of Homeland Security task force",
]


@pytest.mark.parametrize("name", IMMIGRATION_AGENCY_NAMES)
def test_an_agency_recorded_as_california_but_named_for_an_immigration_unit_is_refused(administrator, name):
    req = _receive(administrator, _agency(name))
    assert (req.status, req.refusal_rule) == (S.REFUSED, "immigration"), name


@pytest.mark.parametrize("field,value", [
    ("requester_title", "Task force officer, CBP"),
    ("requester_title", "Special Agent (H.S.I.)"),
    ("requester_contact", "b.lane@ice.dhs.gov"),
])
def test_who_asks_is_screened_in_the_title_and_contact_too(administrator, field, value):
    req = _receive(administrator, _agency("ACSO"), **{field: value})
    assert (req.status, req.refusal_rule) == (S.REFUSED, "immigration")


IMMIGRATION_PURPOSES = [
    "Homeland Security removal case",
    "Support the I.C.E. operation on 5th Street",
    "Locate a vehicle for E R O",
    "Assist ice agents with a fugitive",
    "Pending removal proceedings of the registered owner",
    "Deportation case: locate the car",
    "Immigration enforcement follow-up",
    "Vehicle of a subject wanted by Border Patrol for smuggling; armed robbery suspect",
    "Help Customs & Border Protection find a vehicle",
    "Locate a vehicle in support of the 287(g) program",
]


@pytest.mark.parametrize("purpose", IMMIGRATION_PURPOSES)
def test_an_immigration_purpose_is_refused_under_any_wording_even_beside_a_crime(administrator, purpose):
    req = _receive(administrator, _agency("ACSO"), purpose=purpose)
    assert (req.status, req.refusal_rule) == (S.REFUSED, "immigration"), purpose
    assert req.history.last().note.startswith("Federal immigration enforcement")


@pytest.mark.parametrize("name,purpose", [
    ("Alameda County Sheriff", "Armed robbery investigation, suspect vehicle movements"),
    ("Berkeley Police Department", "Carjacking: the suspect car's movements after the removal of the victim's bag"),
    ("California Highway Patrol", "Hit and run on I-880; the data will not be used for immigration enforcement"),
    ("Hayward Police Department", "Robbery of an immigrant shopkeeper; suspect vehicle sought"),
    ("San Leandro Police", "Armed robbery in the Customs House district, getaway car"),
])
def test_lawful_requests_from_california_agencies_are_received(administrator, name, purpose):
    req = _receive(administrator, _agency(name, kind=Agency.Kind.MUNICIPAL_POLICE), purpose=purpose)
    assert (req.status, req.refusal_rule) == (S.RECEIVED, ""), (name, purpose)


@pytest.mark.parametrize("name", ["U.S. Marshals Service, Oakland", "F.B.I. San Francisco",
                                  "Federal Task Force on Auto Theft", "Drug Enforcement Administration"])
def test_a_federal_name_on_a_california_record_is_a_federal_agency(administrator, name):
    assert federal_name(name)
    req = _receive(administrator, _agency(name, kind=Agency.Kind.STATE))
    assert (req.status, req.refusal_rule) == (S.REFUSED, "federal")


def test_the_normaliser_reads_spellings_not_a_list_of_sentences():
    # Acronyms with dots, spaces, case, a "US" prefix, punctuation between names.
    for who in ("i.c.e.", "I C E", "USICE", "ICE/ERO", "U.S.C.B.P.", "c b p", "usbp", "uscis"):
        assert immigration_unit(who, who=True), who
    # In a purpose, words that are also ordinary words count only as the unit.
    for innocent in ("black ice on the road", "ice cream truck robbery", "three break-ins on 5th",
                     "removal of the graffiti", "not for immigration enforcement"):
        assert immigration_unit(innocent) == "", innocent
    for text in ("for ICE", "Home land Security", "BorderPatrol", "la migra", "deported"):
        assert immigration_unit(text), text


# --- §2: documentation with substance --------------------------------------------------------

@pytest.mark.parametrize("legal_authority", ["sworn", "x", "Sworn status", "sworn peace officer", "Court order",
                                             "Statute", "case law", "Penal Code", "12345"])
def test_a_token_is_no_right_to_know(legal_authority):
    assert right_to_know_problem(legal_authority)


@pytest.mark.parametrize("legal_authority", [
    RIGHT,
    "Search warrant 26-SW-118 signed by Judge Ramos, Alameda Superior Court",
    "Penal Code 11105(b)(3): records to peace officers of a California agency",
    "People v. Smith (2019) 32 Cal.App.5th 1, for a sworn deputy's access",
    "Sworn detective of the Fremont Police Department, serial number 2231",
])
def test_a_named_and_identified_authority_is_a_right_to_know(legal_authority):
    assert right_to_know_problem(legal_authority) == ""


@pytest.mark.parametrize("need", ["x", "investigation", "Case SO-26-1234", "need to know",
                                  "Direct involvement in the carjacking investigation"])
def test_a_need_to_know_without_a_case_or_words_is_refused(need):
    assert need_to_know_problem(need, case_number="SO-26-1234")


def test_step_one_refuses_tokens_and_accepts_substance(personas, administrator, designee):
    req = _receive(administrator, _agency("ACSO"))
    for right, need in (("sworn", NEED), ("x", NEED), (RIGHT, "x"), (RIGHT, "Robbery investigation")):
        with pytest.raises(DomainError):
            services.document_right_and_need(req=req, by=designee, legal_authority=right, need_to_know=need)
    req.refresh_from_db()
    assert req.status == S.RECEIVED and req.legal_authority == ""
    req = services.document_right_and_need(req=req, by=designee, legal_authority=RIGHT, need_to_know=NEED)
    assert req.status == S.RECORDED


def test_step_one_on_the_page_says_what_is_missing(administrator, designee, client):
    req = _receive(administrator, _agency("ACSO"))
    client.force_login(designee)
    url = reverse("sharing:request_action", args=[req.pk, "step1"])
    response = client.post(url, {"legal_authority": "sworn", "need_to_know": "x"}, follow=True)
    assert "Identify the authority" in response.content.decode()
    req.refresh_from_db()
    assert req.status == S.RECEIVED


def test_an_immigration_unit_behind_the_need_to_know_refuses_the_request(administrator, designee):
    req = _receive(administrator, _agency("ACSO"))
    req = services.document_right_and_need(
        req=req, by=designee, legal_authority=RIGHT,
        need_to_know="Case SO-26-1234: the deputy works it with HSI for a removal of the owner")
    assert (req.status, req.refusal_rule) == (S.REFUSED, "immigration")
    assert req.history.last().by == designee


@pytest.mark.parametrize("statement", ["x", "ok", "Confirmed in writing", "yes we confirm",
                                       "The data will be used for immigration enforcement and reproductive "
                                       "health prosecutions as needed"])
def test_a_confirmation_without_substance_is_refused(administrator, statement):
    assert confirmation_problem(statement)
    req = _receive(administrator, _agency("ACSO"), confirmation_statement=statement)
    assert (req.status, req.refusal_rule) == (S.REFUSED, "no_confirmation")


def test_a_full_confirmation_or_a_signed_document_is_accepted(administrator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert _receive(administrator, _agency("ACSO")).status == S.RECEIVED
    document = SimpleUploadedFile("confirmation.pdf", b"%PDF-1.4 signed confirmation", content_type="application/pdf")
    req = _receive(administrator, _agency("ACSO2"), confirmation_statement="", confirmation_document=document)
    assert req.status == S.RECEIVED


# --- §2: an agency's kind and state -------------------------------------------------------------

def _recent(client, seconds_ago=0):
    session = client.session
    session[AUTHENTICATED_RECENTLY_AT] = int(timezone.now().timestamp()) - seconds_ago
    session.save()


def test_changing_an_agencys_kind_needs_a_recent_sign_in_and_refuses_its_open_requests(administrator, designee,
                                                                                       client):
    agency = _agency("Alameda County Task Force")
    received = _receive(administrator, agency)
    recorded = services.document_right_and_need(req=_receive(administrator, agency), by=designee,
                                                legal_authority=RIGHT, need_to_know=NEED)
    other = _receive(administrator, _agency("ACSO"))
    client.force_login(administrator)
    url = reverse("accounts:agency_classification", args=[agency.pk])
    _recent(client, seconds_ago=3600)
    stale = client.post(url, {"kind": "federal", "state": "CA", "reason": "The roster lists it as a DHS unit"})
    assert stale.status_code == 302 and stale["Location"].startswith("/reauthenticate/")
    agency.refresh_from_db()
    assert agency.kind == Agency.Kind.SHERIFF
    _recent(client)
    response = client.post(url, {"kind": "federal", "state": "CA", "reason": "The roster lists it as a DHS unit"})
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.kind == Agency.Kind.FEDERAL
    for req in (received, recorded):
        req.refresh_from_db()
        assert (req.status, req.refusal_rule) == (S.REFUSED, "federal")
        last = req.history.last()
        assert last.transition == "refuse" and "sheriff/CA to federal/CA" in last.note
    other.refresh_from_db()
    assert other.status == S.RECEIVED
    event = AccessEvent.objects.get(action="agency.reclassify")
    assert event.user == administrator and "DHS unit" in event.detail
    assert ConfigurationChange.objects.filter(object_type="agency", object_id=str(agency.pk)).exists()


def test_an_out_of_state_move_refuses_open_requests_too(administrator):
    agency = _agency("Washoe County Sheriff (mis-filed)")
    req = _receive(administrator, agency)
    done = agency_reclassify(agency=agency, by=administrator, kind=Agency.Kind.SHERIFF, state="nv",
                             reason="The ORI is a Nevada one")
    req.refresh_from_db()
    assert (req.status, req.refusal_rule) == (S.REFUSED, "out_of_state") and done


def test_only_the_administrator_changes_kind_or_state_and_gives_a_reason(personas, administrator, designee, client):
    agency = _agency("ACSO")
    for name in ("officer", "coordinator", "auditor"):
        with pytest.raises(NotPermitted):
            agency_reclassify(agency=agency, by=personas[name], kind="federal", state="CA", reason="x y z")
    with pytest.raises(NotPermitted):
        agency_reclassify(agency=agency, by=designee, kind="federal", state="CA", reason="x y z")
    with pytest.raises(DomainError, match="reason"):
        agency_reclassify(agency=agency, by=administrator, kind="federal", state="CA", reason=" ")
    for name in ("officer", "auditor", "outsider"):
        client.force_login(personas[name])
        assert client.get(reverse("accounts:agency_classification", args=[agency.pk])).status_code == 404
        assert client.get(reverse("accounts:agencies")).status_code == 404


def test_the_admin_form_cannot_edit_kind_or_state(administrator, client):
    agency = _agency("ACSO")
    client.force_login(administrator)
    url = reverse("admin:accounts_agency_change", args=[agency.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="kind"' not in page.content.decode()
    client.post(url, {"name": "ACSO", "ori": "", "kind": "municipal_police", "state": "NV"})
    agency.refresh_from_db()
    assert (agency.kind, agency.state) == (Agency.Kind.SHERIFF, "CA")


# --- §3: the sharing dead end -------------------------------------------------------------------

@pytest.fixture
def records_clerk(make_user):
    return make_user("records", roles.RECORDS_STAFF, member_kind="staff")


@pytest.fixture
def records_clerk_designated(records_clerk, administrator):
    records_clerk.alpr_designated_by = administrator
    records_clerk.alpr_designated_on = timezone.localdate()
    records_clerk.save()
    return records_clerk


def test_records_staff_log_and_the_only_administrator_decides(administrator, records_clerk_designated, client):
    assert Group.objects.filter(name=roles.RECORDS_STAFF).exists()
    req = _receive(records_clerk_designated, _agency("ACSO"))
    assert req.status == S.RECEIVED and req.logged_by == records_clerk_designated
    # Records staff log; they do not process or decide.
    with pytest.raises(NotPermitted):
        services.document_right_and_need(req=req, by=records_clerk_designated, legal_authority=RIGHT,
                                         need_to_know=NEED)
    # One administrator, no designee: the administrator did not log it, so they decide it.
    req = services.document_right_and_need(req=req, by=administrator, legal_authority=RIGHT, need_to_know=NEED)
    with pytest.raises(NotPermitted):
        services.decide(req=req, by=records_clerk_designated, honour=True, reason="Right and need shown")
    req = services.decide(req=req, by=administrator, honour=True, reason="Right and need shown")
    assert req.status == S.HONOURED and req.decided_by == administrator and req.designation is None


def test_records_staff_use_the_log_page_and_see_only_their_own(administrator, records_clerk_designated, client):
    theirs = _receive(records_clerk_designated, _agency("ACSO"))
    not_theirs = _receive(administrator, _agency("ACSO2"))
    client.force_login(records_clerk_designated)
    assert client.get(reverse("sharing:request_new")).status_code == 200
    index = client.get(reverse("sharing:index")).content.decode()
    assert f"/sharing/requests/{theirs.pk}/" in index and f"/sharing/requests/{not_theirs.pk}/" not in index
    assert client.get(reverse("sharing:request_detail", args=[not_theirs.pk])).status_code == 404


def test_the_request_page_says_who_decides_and_why(administrator, records_clerk_designated, designee, client):
    req = _receive(records_clerk_designated, _agency("ACSO"))
    client.force_login(administrator)
    body = client.get(reverse("sharing:request_detail", args=[req.pk])).content.decode()
    assert "Who decides" in body and "never the member who logged it" in body
    assert "Administrator Tester, ALPR Administrator" in body
    assert "Lieutenant Designee Tester, designee of" in body


def test_the_page_warns_when_nobody_can_decide(administrator, client):
    req = _receive(administrator, _agency("ACSO"))  # the only administrator logged it, no designee
    client.force_login(administrator)
    body = client.get(reverse("sharing:request_detail", args=[req.pk])).content.decode()
    assert "Nobody can decide this request now" in body


def test_others_still_cannot_log(personas):
    for name in ("officer", "analyst", "investigator", "coordinator", "auditor"):
        with pytest.raises(NotPermitted):
            _receive(personas[name], _agency(f"ACSO {name}"))


# --- §5: gender, political affiliation, disability ---------------------------------------------

PROTECTED_WORDINGS = [
    "Run all the female drivers near the plaza",
    "Check cars because the driver is a woman",
    "Vehicles with Green Party bumper stickers",
    "Which cars belong to registered Democrats",
    "Track people by their political views",
    "Plates of drivers who voted for the recall",
    "List vehicles of people with disabilities",
    "Track the handicapped drivers at the center",
    "Find out which wheelchair users park here",
    "Sort the drivers by gender",
]


@pytest.mark.parametrize("text", PROTECTED_WORDINGS)
def test_the_screening_refuses_use_based_on_gender_politics_or_disability(text):
    result = screen(text)
    assert result.refused and result.category == PROTECTED, text


@pytest.mark.parametrize("text", [
    "Female victim robbed at gunpoint, suspect vehicle fled north",
    "Disabled veteran robbed; the getaway car was a gray sedan",
    "Burglary at the party headquarters on Broadway",
    "Identify the woman who cashed the forged checks",
    "Stolen car insured by Progressive, seen on camera 4",
])
def test_those_words_in_the_facts_of_a_crime_are_allowed(text):
    assert not screen(text).refused, text


@pytest.mark.parametrize("purpose", ["Locate cars of registered Republicans in Oakland",
                                     "List the disabled drivers who park at the clinic lot",
                                     "Track female drivers leaving the bar district"])
def test_a_sharing_purpose_based_on_a_protected_characteristic_is_refused(administrator, purpose):
    req = _receive(administrator, _agency("ACSO"), purpose=purpose)
    assert (req.status, req.refusal_rule) == (S.REFUSED, "prohibited_use")


def test_the_public_page_names_the_characteristics_in_the_policys_words():
    from audits.public import PROHIBITED

    line = next(p for p in PROHIBITED if p.startswith("Use based on"))
    for word in ("race", "gender", "religion", "political affiliation", "nationality", "ethnicity",
                 "sexual orientation", "disability"):
        assert word in line


@pytest.mark.parametrize("name", ["Fremont PD CIS", "Dept. of Ins. Fraud Division", "Rice Street Task Force",
                                  "Police Service Unit"])
def test_agency_names_that_only_look_like_acronyms_are_not_immigration_units(name):
    assert immigration_unit(name, who=True) == "", name
