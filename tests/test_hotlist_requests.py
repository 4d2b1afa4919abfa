"""HL-3..HL-6, ID-3: entry requests, approval, expiry, removal, renewal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Designation
from accounts.services import designation_create
from alpr.models import Hit
from hotlists.models import Hotlist, HotlistEntry, HotlistEntryRequest
from hotlists.services import entries as services
from lib.errors import DomainError, IllegalTransition, NotPermitted
from tests import factories

R = HotlistEntryRequest.Status


@pytest.fixture
def lists(db):
    return {
        "alert": services.hotlist_create(name="Burglary BOLO", source=Hotlist.Source.CUSTOM_BOLO,
                                         purpose=Hotlist.Purpose.BURGLARY),
        "covert": services.hotlist_create(name="Robbery covert", source=Hotlist.Source.CUSTOM_BOLO,
                                          kind=Hotlist.Kind.COVERT, purpose=Hotlist.Purpose.VIOLENT_CRIME),
    }


def _submit(user, hotlist, plate="6LMN903", **extra):
    fields = {"case_number": "26-004512", "state": "CA", "vehicle_description": "Black Toyota Camry",
              "justification": "Suspect vehicle in the armed robbery on 11/20"}
    fields.update(extra)
    return services.request_submit(requester=user, hotlist=hotlist, plate=plate, **fields)


def test_hl1_only_permitted_lists_can_be_created(db):
    with pytest.raises(DomainError):
        services.hotlist_create(name="Protest watch", source="protest_watch")
    with pytest.raises(DomainError):
        services.hotlist_create(name="Immigration", source=Hotlist.Source.CUSTOM_BOLO, purpose="immigration")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.hotlist_create(name="Unspecified BOLO", source=Hotlist.Source.CUSTOM_BOLO)


def test_a_request_records_every_hl3_field(investigator, lists):
    req = _submit(investigator, lists["alert"])
    assert (req.case_number, req.plate, req.state, req.vehicle_description) == (
        "26-004512", "6LMN903", "CA", "Black Toyota Camry")
    assert req.requester_name.endswith("Tester") and req.requester_serial == "S-investigator"
    assert req.entered_at is not None and req.status == R.SUBMITTED and req.entry is None
    for missing in ("case_number", "state", "vehicle_description", "justification"):
        with pytest.raises(DomainError, match="Required"):
            _submit(investigator, lists["alert"], **{missing: " "})


def test_partial_plates_need_a_major_crime(investigator, lists):
    with pytest.raises(DomainError, match="major crime"):
        _submit(investigator, lists["alert"], plate="", pattern="6LM*3")
    req = _submit(investigator, lists["alert"], plate="", pattern="6lm*3", major_crime="Homicide 26-1")
    assert req.pattern == "6LM*3"


def test_only_investigators_request_covert_entries(officer, auditor, lists):
    with pytest.raises(NotPermitted):
        _submit(officer, lists["covert"])
    with pytest.raises(NotPermitted):
        _submit(auditor, lists["alert"])


def test_approval_makes_an_active_entry_for_thirty_days(investigator, administrator, lists, settings):
    req = _submit(investigator, lists["alert"])
    req = services.request_approve(req=req, by=administrator)
    assert req.status == R.APPROVED and req.designation is None and req.decided_by == administrator
    entry = req.entry
    assert entry.status == HotlistEntry.Status.ACTIVE and entry.responsible == investigator
    assert abs((entry.expires_at - entry.active_from) - timedelta(days=settings.ALPR_HOTLIST_MAX_DAYS)) < \
        timedelta(seconds=1)
    assert [h.transition for h in req.history.all()] == ["submit", "approve"]


def test_nobody_approves_their_own_request(administrator, lists):
    req = _submit(administrator, lists["alert"])
    with pytest.raises(NotPermitted, match="own request"):
        services.request_approve(req=req, by=administrator)


def test_only_approvers_decide(personas, officer, lists):
    req = _submit(officer, lists["alert"])
    for name in ("investigator", "analyst", "coordinator", "auditor"):
        with pytest.raises(NotPermitted):
            services.request_approve(req=req, by=personas[name])


def test_a_designee_approval_records_the_designation(administrator, analyst, investigator, lists):
    today = timezone.localdate()
    designation = designation_create(administrator=administrator, designee=analyst,
                                     scope=Designation.Scope.HOTLIST_APPROVAL, written_authority="Memo 26-9",
                                     starts_on=today, ends_on=today + timedelta(days=5))
    req = services.request_approve(req=_submit(investigator, lists["covert"]), by=analyst)
    assert req.designation == designation
    assert f"designation #{designation.pk}" in req.history.get(transition="approve").note


def test_disapproved_requests_stay_on_file_with_the_reason(officer, administrator, lists):
    req = _submit(officer, lists["alert"])
    with pytest.raises(DomainError, match="reason"):
        services.request_disapprove(req=req, by=administrator, reason="")
    req = services.request_disapprove(req=req, by=administrator, reason="No link to a listed crime")
    assert req.status == R.DISAPPROVED and req.decision_reason == "No link to a listed crime" and req.entry is None
    assert HotlistEntryRequest.objects.filter(pk=req.pk).exists()
    with pytest.raises(IllegalTransition):
        services.request_approve(req=req, by=administrator)


def test_expiry_at_exactly_the_deadline(investigator, administrator, lists, home_agency):
    req = services.request_approve(req=_submit(investigator, lists["alert"]), by=administrator)
    deadline = req.expires_at
    assert services.expire_due(now=deadline - timedelta(seconds=1)) == []
    assert services.expire_due(now=deadline) == [req.pk]
    assert services.expire_due(now=deadline) == []  # idempotent
    req.refresh_from_db()
    assert req.status == R.EXPIRED and req.entry.status == HotlistEntry.Status.EXPIRED
    assert req.history.last().by is None and "automatically" in req.history.last().note


def test_an_entry_never_matches_past_its_expiry_even_if_the_task_is_late(
    investigator, administrator, lists, home_agency,
):
    from hotlists.matching import build_index

    req = services.request_approve(req=_submit(investigator, lists["alert"]), by=administrator)
    index = build_index("internal")
    assert [m.entry_id for m in index.match("6LMN903", "CA")] == [req.entry_id]
    just_after = req.expires_at.timestamp() + 0.001
    assert index.match("6LMN903", "CA", now=just_after) == []
    # And in the database path: an entry whose deadline passed is not loaded at all.
    HotlistEntry.objects.filter(pk=req.entry_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    from hotlists.matching import bump_version

    bump_version()
    factories.read(factories.camera(home_agency), "6LMN903")
    assert Hit.objects.count() == 0


def test_early_removal_asked_by_the_requester_and_confirmed(investigator, administrator, officer, lists):
    req = services.request_approve(req=_submit(investigator, lists["alert"]), by=administrator)
    with pytest.raises(NotPermitted):
        services.request_ask_removal(req=req, by=officer, reason="not mine")
    req = services.request_ask_removal(req=req, by=investigator, reason="Suspect arrested")
    assert req.status == R.REMOVAL_REQUESTED and req.entry.status == HotlistEntry.Status.ACTIVE
    with pytest.raises(NotPermitted):
        services.request_confirm_removal(req=req, by=investigator)
    req = services.request_confirm_removal(req=req, by=administrator)
    req.entry.refresh_from_db()
    assert req.status == R.REMOVED and req.entry.status == HotlistEntry.Status.REMOVED


def test_renewal_is_a_new_request_for_another_period(investigator, administrator, lists):
    old = services.request_approve(req=_submit(investigator, lists["alert"]), by=administrator)
    renewal = _submit(investigator, lists["alert"], renews=old)
    old.refresh_from_db()
    assert old.status == R.APPROVED  # still active until the renewal is approved
    renewal = services.request_approve(req=renewal, by=administrator)
    old.refresh_from_db()
    assert old.status == R.RENEWED and old.entry.status == HotlistEntry.Status.EXPIRED
    assert renewal.entry.status == HotlistEntry.Status.ACTIVE and renewal.expires_at > old.expires_at
    with pytest.raises(DomainError, match="same plate"):
        _submit(investigator, lists["alert"], plate="1AAA111", renews=renewal)


def test_request_pages_and_the_queue(personas, officer, administrator, lists, client):
    client.force_login(officer)
    response = client.post(reverse("hotlists:request_new"), {
        "hotlist": lists["alert"].pk, "case_number": "26-1", "plate": "2ghj-345", "state": "ca",
        "vehicle_description": "Grey Nissan", "justification": "Burglary on 45th St"})
    assert response.status_code == 302
    req = HotlistEntryRequest.objects.get()
    assert req.plate == "2GHJ345" and req.state == "CA"
    # The covert list is not offered to an officer.
    form = client.get(reverse("hotlists:request_new")).content.decode()
    assert "Robbery covert" not in form
    assert client.get(reverse("hotlists:queue")).status_code == 404
    client.force_login(administrator)
    queue = client.get(reverse("hotlists:queue")).content.decode()
    assert "2GHJ345" in queue and "1 waiting" in queue
    client.post(reverse("hotlists:request_action", args=[req.pk, "approve"]), {"note": "ok"})
    req.refresh_from_db()
    assert req.status == R.APPROVED
    # Other members do not see someone else's request.
    client.force_login(personas["pst"])
    assert client.get(reverse("hotlists:request_detail", args=[req.pk])).status_code == 404


# --- issue 19: Q-6 screening of hot-list requests (HL-1) -----------------------------------

def test_it_refuses_a_request_whose_words_name_a_prohibited_use_and_records_it(investigator, lists):
    from accesslog.models import AccessEvent

    with pytest.raises(services.ProhibitedUse, match="First Amendment"):
        _submit(investigator, lists["alert"], justification="Alert us when mosque attendees drive by")
    assert not HotlistEntryRequest.objects.exists()
    event = AccessEvent.objects.get(action="screening.refused")
    assert event.outcome == "denied" and event.data_elements["where"] == "hot-list request"
    # The vehicle description is read as well (the structured fields of the request).
    with pytest.raises(services.ProhibitedUse):
        _submit(investigator, lists["alert"], justification="Wanted for questioning",
                vehicle_description="Car of an undocumented family")


def test_it_flags_a_suspicious_request_in_its_history(investigator, lists):
    req = _submit(investigator, lists["alert"],
                  justification="Burglary at the church; list the congregants' cars")
    assert req.status == R.SUBMITTED
    assert "First Amendment" in req.history.get(transition="flag").note
