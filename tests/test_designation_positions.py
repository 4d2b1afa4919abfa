"""ID-3 (issue 20 §4): a designation may name a departmental position; it acts for whoever
holds the position now and stops for someone the moment they leave it, in every check that
reads designations (approval_authority, designations_current's users: the menu, the
second-factor rule, the dashboard, the sharing and hot-list approvals)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessEvent
from accounts import roles, services
from accounts.menu import current_designation_scopes, designation_summaries
from accounts.mfa import second_factor_required
from accounts.models import Agency, Designation, Position
from accounts.selectors import approval_authority, authority_holders, designations_held_by
from lib.errors import DomainError, NotPermitted
from sharing.models import SharingRequest
from sharing.services import requests as sharing

SHARING = Designation.Scope.SHARING_APPROVAL
RIGHT = "Sworn deputy, Alameda County Sheriff, badge 4411 (Penal Code 830.1)"
NEED = "Det. Kim leads case SO-26-1234, an armed robbery; the reads place the suspect car near the scene"


@pytest.fixture
def position(db):
    return Position.objects.create(name="Records Unit Supervisor", description="Supervises the Records Unit")


def _designate(administrator, position, scope=SHARING, **overrides):
    today = timezone.localdate()
    kwargs = {"administrator": administrator, "position": position, "scope": scope,
              "written_authority": "Memo BOS-26-050: the Records Unit Supervisor approves sharing requests.",
              "starts_on": today, "ends_on": today + timedelta(days=60)}
    kwargs.update(overrides)
    return services.designation_create(**kwargs)


def test_a_position_designation_acts_for_its_holder_and_stops_when_they_leave(administrator, analyst,
                                                                            investigator, position):
    designation = _designate(administrator, position)
    assert approval_authority(user=analyst, scope=SHARING) is None
    position.holders.add(analyst)
    authority = approval_authority(user=analyst, scope=SHARING)
    assert authority is not None and authority.designation == designation
    assert "as Records Unit Supervisor" in authority.description
    assert approval_authority(user=investigator, scope=SHARING) is None  # not a holder
    # The analyst leaves the position; the investigator takes it over.
    position.holders.remove(analyst)
    position.holders.add(investigator)
    assert approval_authority(user=analyst, scope=SHARING) is None
    assert approval_authority(user=investigator, scope=SHARING).designation == designation
    assert designation.named == "position: Records Unit Supervisor (whoever holds it)"


def test_every_check_that_reads_designations_honours_a_position(administrator, analyst, position):
    _designate(administrator, position)
    assert not designations_held_by(analyst).exists()
    assert SHARING not in current_designation_scopes(analyst)
    position.holders.add(analyst)
    assert list(designations_held_by(analyst).values_list("scope", flat=True)) == [SHARING]
    assert SHARING in current_designation_scopes(analyst)  # the menu
    assert designation_summaries(analyst)  # the dashboard line
    assert second_factor_required(analyst)  # a designee acts with the Administrator's authority
    holders = authority_holders(scope=SHARING)
    assert [a.user for a in holders] == [administrator, analyst]


def test_a_revoked_or_expired_position_designation_gives_no_authority(administrator, analyst, position):
    position.holders.add(analyst)
    designation = _designate(administrator, position)
    today = timezone.localdate()
    assert approval_authority(user=analyst, scope=SHARING, on_date=today + timedelta(days=61)) is None
    services.designation_revoke(designation=designation, by=administrator, reason="Reorganisation")
    assert approval_authority(user=analyst, scope=SHARING) is None
    assert not designations_held_by(analyst).exists()


def test_the_holder_decides_a_sharing_request_under_the_position(administrator, analyst, position):
    position.holders.add(analyst)
    designation = _designate(administrator, position)
    agency = Agency.objects.create(name="ACSO", state="CA", kind=Agency.Kind.SHERIFF)
    now = timezone.now()
    req = sharing.request_receive(
        logged_by=administrator, agency=agency, requester_name="Det. Kim", requester_contact="kim@acso.example",
        purpose="Armed robbery investigation, suspect vehicle movements", plates="7ABC123",
        window_from=now - timedelta(days=5), window_to=now, case_number="SO-26-1234",
        basis=SharingRequest.Basis.VOLUNTARY, received_on=timezone.localdate(),
        received_via=SharingRequest.ReceivedVia.LETTER,
        confirmation_statement="We confirm the data will not be used for immigration enforcement or "
                               "reproductive-health prosecutions.")
    req = sharing.document_right_and_need(req=req, by=analyst, legal_authority=RIGHT, need_to_know=NEED)
    req = sharing.decide(req=req, by=analyst, honour=True, reason="Right and need documented")
    assert req.designation == designation and req.decided_by == analyst
    position.holders.remove(analyst)
    with pytest.raises(NotPermitted):
        sharing.decide(req=req, by=analyst, honour=False, reason="no longer holds it")


def test_a_designation_names_a_person_or_a_position_never_both_nor_neither(administrator, analyst, position):
    with pytest.raises(DomainError, match="person or a position"):
        _designate(administrator, None)
    with pytest.raises(DomainError, match="person or a position"):
        _designate(administrator, position, designee=analyst)
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(designated_by=administrator, scope=SHARING, written_authority="Memo",
                                   starts_on=today, ends_on=today)


def test_the_administrator_cannot_designate_a_position_they_hold(administrator, position):
    position.holders.add(administrator)
    with pytest.raises(DomainError, match="hold themselves"):
        _designate(administrator, position)


def test_the_designations_page_designates_a_position(administrator, analyst, position, client):
    client.force_login(administrator)
    today = timezone.localdate()
    response = client.post(reverse("accounts:designations"), {
        "position": position.pk, "scope": SHARING, "written_authority": "Memo BOS-26-051",
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    designation = Designation.objects.get()
    assert designation.position == position and designation.designee is None
    assert AccessEvent.objects.get(action="designation.create").data_elements["position"] == position.name
    body = client.get(reverse("accounts:designations")).content.decode()
    assert "Records Unit Supervisor (whoever holds it)" in body
    both = client.post(reverse("accounts:designations"), {
        "position": position.pk, "designee": analyst.pk, "scope": SHARING, "written_authority": "Memo",
        "starts_on": today.isoformat(), "ends_on": today.isoformat()})
    assert both.status_code == 200 and "either a person or a position" in both.content.decode()
    assert Designation.objects.count() == 1


def test_records_staff_is_a_role_with_no_extra_permissions():
    assert roles.RECORDS_STAFF in roles.ALL_ROLES and roles.ROLE_PERMISSIONS[roles.RECORDS_STAFF] == []


def test_a_new_holder_set_in_the_admin_is_a_recorded_widening(administrator, analyst, position, client):
    from accesslog.models import ConfigurationChange

    _designate(administrator, position)
    client.force_login(administrator)
    response = client.post(reverse("admin:accounts_position_change", args=[position.pk]),
                           {"name": position.name, "description": position.description, "holders": [analyst.pk]})
    assert response.status_code == 302
    assert approval_authority(user=analyst, scope=SHARING) is not None
    change = ConfigurationChange.objects.filter(object_type="position").latest("id")
    assert change.weakens and change.after == {"holders": ["analyst"]} and change.before == {"holders": []}
