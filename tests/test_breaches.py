"""BR-1 (DGO I-12 §J, policy 000; 001; California Civil Code 1798.82): the breach workflow
discovered -> contained -> notifying -> follow-up -> closed, its history, who may act, the
notification deadlines the agency's configuration sets, overdue flags on the page and the
dashboard, and the annual report's breach section built from it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accesslog.models import AccessEvent
from accounts.dashboard import action_counts
from audits import breach_deadlines
from audits.models import BreachRecord
from audits.report import annual_figures
from audits.services import breaches as service
from lib.errors import DomainError, IllegalTransition, NotPermitted

pytestmark = pytest.mark.django_db
B = BreachRecord.Status


def _report(by, *, days_ago=3, residents=10, **extra):
    today = timezone.localdate()
    return service.breach_report(by=by, occurred_on=today - timedelta(days=days_ago + 1),
                                 discovered_on=today - timedelta(days=days_ago), summary="Export left on a share drive",
                                 records_affected=1200, california_residents_affected=residents, **extra)


def _to_notifying(breach, by, residents=None):
    service.breach_contain(breach=breach, by=by, containment="Share removed, access revoked")
    return service.breach_begin_notification(breach=breach, by=by, california_residents_affected=residents)


def _counts(user):
    return {c.label: c.count for c in action_counts(user)}


def test_the_whole_workflow_in_order_with_its_history(coordinator):
    breach = _report(coordinator)
    assert breach.status == B.DISCOVERED
    _to_notifying(breach, coordinator)
    service.breach_record_notice(breach=breach, by=coordinator, recipient="people", given_on=timezone.localdate(),
                                 method="Written notice by mail")
    service.breach_notifications_complete(breach=breach, by=coordinator)
    service.breach_close(breach=breach, by=coordinator, actions_taken="Share permissions audited; staff retrained")
    breach.refresh_from_db()
    assert breach.status == B.CLOSED and breach.closed_at and breach.contained_at
    steps = list(breach.history.values_list("transition", "from_status", "to_status"))
    assert steps == [("report", "", "discovered"), ("contain", "discovered", "contained"),
                     ("begin_notification", "contained", "notifying"), ("notify_people", "notifying", "notifying"),
                     ("notifications_complete", "notifying", "follow_up"), ("close", "follow_up", "closed")]
    assert set(breach.history.values_list("by", flat=True)) == {coordinator.pk}
    assert AccessEvent.objects.filter(action="breach.step", object_id=str(breach.pk)).count() == 5
    assert AccessEvent.objects.filter(action="breach.report", object_id=str(breach.pk)).count() == 1


def test_steps_out_of_order_are_refused(coordinator):
    breach = _report(coordinator)
    for step in (lambda: service.breach_begin_notification(breach=breach, by=coordinator),
                 lambda: service.breach_close(breach=breach, by=coordinator, actions_taken="x"),
                 lambda: service.breach_notifications_complete(breach=breach, by=coordinator)):
        with pytest.raises(IllegalTransition):
            step()
    with pytest.raises(DomainError, match="under way"):  # notices only while notifying
        service.breach_record_notice(breach=breach, by=coordinator, recipient="people",
                                     given_on=timezone.localdate(), method="Mail")
    service.breach_contain(breach=breach, by=coordinator, containment="Done")
    with pytest.raises(IllegalTransition):
        service.breach_contain(breach=breach, by=coordinator, containment="Again")
    breach.refresh_from_db()
    assert breach.status == B.CONTAINED and breach.history.count() == 2


def test_each_step_needs_what_it_records(coordinator):
    with pytest.raises(DomainError, match="summary"):
        service.breach_report(by=coordinator, occurred_on=timezone.localdate(), discovered_on=timezone.localdate(),
                              summary="  ")
    with pytest.raises(DomainError, match="before it occurred"):
        service.breach_report(by=coordinator, occurred_on=timezone.localdate(),
                              discovered_on=timezone.localdate() - timedelta(days=1), summary="x")
    with pytest.raises(DomainError, match="future"):
        _report(coordinator, days_ago=-2)
    breach = _report(coordinator)
    with pytest.raises(DomainError, match="contained"):
        service.breach_contain(breach=breach, by=coordinator, containment=" ")
    _to_notifying(breach, coordinator)
    with pytest.raises(DomainError, match="before"):  # a notice before the breach was found
        service.breach_record_notice(breach=breach, by=coordinator, recipient="people",
                                     given_on=breach.discovered_on - timedelta(days=1), method="Mail")
    with pytest.raises(DomainError, match="How notice"):
        service.breach_record_notice(breach=breach, by=coordinator, recipient="people",
                                     given_on=timezone.localdate(), method="")
    service.breach_no_notice_due(breach=breach, by=coordinator, reason="Encrypted; the key was not acquired")
    service.breach_notifications_complete(breach=breach, by=coordinator)
    with pytest.raises(DomainError, match="post-breach"):
        service.breach_close(breach=breach, by=coordinator, actions_taken="")
    breach.refresh_from_db()
    assert breach.status == B.FOLLOW_UP


@pytest.mark.parametrize("name", ["officer", "analyst", "investigator", "auditor", "outsider", "designee"])
def test_only_the_coordinator_and_the_administrator_act(personas, designee, coordinator, name):
    member = {**personas, "designee": designee}[name]
    with pytest.raises(NotPermitted):
        _report(member)
    breach = _report(coordinator)
    with pytest.raises(NotPermitted):
        service.breach_contain(breach=breach, by=member, containment="x")
    assert BreachRecord.objects.get().status == B.DISCOVERED


def test_the_administrator_acts_too(administrator):
    breach = _report(administrator)
    service.breach_contain(breach=breach, by=administrator, containment="Done")
    assert breach.history.last().by == administrator


def test_deadlines_follow_the_configuration(coordinator, settings):
    settings.ALPR_BREACH_NOTICE_DAYS = 15
    settings.ALPR_BREACH_AG_NOTICE_DAYS = 20
    breach = _report(coordinator, days_ago=3, residents=501)
    people, ag = breach_deadlines.deadlines(breach)
    assert people.due_on == breach.discovered_on + timedelta(days=15)
    assert ag.due_on == breach.discovered_on + timedelta(days=20) and "Attorney General" in ag.recipient
    settings.ALPR_BREACH_NOTICE_DAYS = 45
    assert breach_deadlines.deadlines(breach)[0].due_on == breach.discovered_on + timedelta(days=45)


def test_the_attorney_general_only_above_500_california_residents(coordinator):
    # 1798.82(f): "more than 500 California residents".
    at_500 = _report(coordinator, residents=500)
    assert [d.recipient for d in breach_deadlines.deadlines(at_500)] == ["Affected people (Civil Code 1798.82(a))"]
    _to_notifying(at_500, coordinator)
    with pytest.raises(DomainError, match="Attorney General"):
        service.breach_record_notice(breach=at_500, by=coordinator, recipient="attorney_general",
                                     given_on=timezone.localdate())
    # The count corrected at the start of notifications decides it.
    above = _report(coordinator, residents=10)
    _to_notifying(above, coordinator, residents=501)
    assert breach_deadlines.attorney_general_required(above)
    service.breach_record_notice(breach=above, by=coordinator, recipient="people", given_on=timezone.localdate(),
                                 method="Email")
    with pytest.raises(DomainError, match="Attorney General"):  # still owed: cannot move on
        service.breach_notifications_complete(breach=above, by=coordinator)
    service.breach_record_notice(breach=above, by=coordinator, recipient="attorney_general",
                                 given_on=timezone.localdate())
    service.breach_notifications_complete(breach=above, by=coordinator)
    above.refresh_from_db()
    assert above.status == B.FOLLOW_UP and above.attorney_general_notified_on == timezone.localdate()


def test_overdue_notifications_are_flagged_until_given(coordinator, administrator, auditor, settings):
    settings.ALPR_BREACH_NOTICE_DAYS = 30
    due_today = _report(coordinator, days_ago=30)  # due today: not yet overdue
    late = _report(coordinator, days_ago=31, residents=600)  # both notices a day late
    today = timezone.localdate()
    assert breach_deadlines.overdue(due_today, today) == []
    assert len(breach_deadlines.overdue(late, today)) == 2
    assert _counts(coordinator)["Breaches open"] == 2
    assert _counts(coordinator)["Breach notifications overdue"] == 1
    assert _counts(administrator)["Breach notifications overdue"] == 1
    assert "Breaches open" not in _counts(auditor)  # the auditor reads, does not act
    _to_notifying(late, coordinator)
    service.breach_record_notice(breach=late, by=coordinator, recipient="people", given_on=today, method="Mail")
    late.refresh_from_db()
    assert [d.recipient for d in breach_deadlines.overdue(late, today)] == ["Attorney General (Civil Code 1798.82(f))"]
    service.breach_record_notice(breach=late, by=coordinator, recipient="attorney_general", given_on=today)
    late.refresh_from_db()
    assert breach_deadlines.overdue(late, today) == []
    assert _counts(coordinator)["Breach notifications overdue"] == 0
    assert all(d.late() for d in breach_deadlines.deadlines(late))


def test_the_annual_report_breach_section_comes_from_the_workflow(coordinator, settings):
    settings.ALPR_BREACH_NOTICE_DAYS = 30
    today = timezone.localdate()
    if (today - timedelta(days=40)).year != today.year:
        pytest.skip("the late breach would fall in last year")
    closed = _report(coordinator, days_ago=40)
    _to_notifying(closed, coordinator)
    service.breach_record_notice(breach=closed, by=coordinator, recipient="people", given_on=today, method="Mail")
    service.breach_notifications_complete(breach=closed, by=coordinator)
    service.breach_close(breach=closed, by=coordinator, actions_taken="Retrained staff")
    pending = _report(coordinator, days_ago=2, residents=900)
    figures = annual_figures(today.year)
    summary = dict(figures["summary"])
    assert summary["Data breaches recorded"] == 2 and summary["Breaches still open"] == 1
    assert summary["Breach notifications given late"] == 1 and summary["Breach notifications overdue"] == 0
    rows = {t["name"]: t for t in figures["tables"]}["breaches"]["rows"]
    assert [r[5] for r in rows] == ["Closed", "Discovered"]
    assert "given" in rows[0][6] and "(late)" in rows[0][6] and rows[0][7] == "Retrained staff"
    due = pending.discovered_on + timedelta(days=30)
    assert rows[1][6] == (f"Affected people (Civil Code 1798.82(a)): due {due}, pending; "
                          f"Attorney General (Civil Code 1798.82(f)): due {due}, pending")
    assert rows[1][4] == 900


# --- The pages --------------------------------------------------------------------------------

def test_the_pages_report_and_move_a_breach(client, coordinator):
    client.force_login(coordinator)
    today = timezone.localdate()
    bad = client.post("/audits/breaches/new/", {"summary": "<b>x</b>", "occurred_on": "not a date",
                                                "discovered_on": str(today), "records_affected": "-1",
                                                "california_residents_affected": "0"})
    assert bad.status_code == 400 and not BreachRecord.objects.exists()
    response = client.post("/audits/breaches/new/", {
        "summary": "<b>Stolen laptop</b>", "occurred_on": str(today - timedelta(days=2)),
        "discovered_on": str(today - timedelta(days=1)), "records_affected": "10",
        "california_residents_affected": "700"})
    breach = BreachRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/audits/breaches/{breach.pk}/"
    page = client.get(f"/audits/breaches/{breach.pk}/")
    assert b"&lt;b&gt;Stolen laptop&lt;/b&gt;" in page.content and b"Attorney General" in page.content
    client.post(f"/audits/breaches/{breach.pk}/step/", {"step": "close", "text": "too early"})
    breach.refresh_from_db()
    assert breach.status == B.DISCOVERED
    client.post(f"/audits/breaches/{breach.pk}/step/", {"step": "contain", "text": "Remote wipe"})
    client.post(f"/audits/breaches/{breach.pk}/step/", {"step": "begin_notification",
                                                         "california_residents_affected": "700"})
    client.post(f"/audits/breaches/{breach.pk}/step/", {"step": "notify_people", "given_on": str(today),
                                                         "method": "Letters"})
    breach.refresh_from_db()
    assert breach.status == B.NOTIFYING and breach.notified_on == today
    listing = client.get("/audits/breaches/")
    assert listing.status_code == 200 and b"due" in listing.content


def test_it_checks_who_may_see_breaches(client, personas, designee, coordinator):
    breach = _report(coordinator)
    for member in (personas["officer"], personas["analyst"], personas["investigator"], personas["outsider"],
                   designee):
        client.force_login(member)
        assert client.get("/audits/breaches/").status_code == 404
        assert client.get(f"/audits/breaches/{breach.pk}/").status_code == 404
        assert client.post(f"/audits/breaches/{breach.pk}/step/", {"step": "contain", "text": "x"}).status_code == 404
    client.force_login(personas["auditor"])
    assert client.get(f"/audits/breaches/{breach.pk}/").status_code == 200
    assert client.post(f"/audits/breaches/{breach.pk}/step/", {"step": "contain", "text": "x"}).status_code == 404
    assert client.get("/audits/breaches/new/").status_code == 404
    breach.refresh_from_db()
    assert breach.status == B.DISCOVERED
