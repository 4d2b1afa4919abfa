"""AU-2 (issue 20): reproducible sampling. The period ends on the last complete day; the
detection-browsing population (the six months before the period's end, at least 10) is
always sampled; each population is stored with its SHA-256 when the audit opens, so the
sample re-derives later and a change shows as a mismatch; unreviewed items block filing."""

from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accesslog.models import AccessEvent
from accesslog.services import record_access
from alpr.models import Search
from audits import sampling
from audits.models import Audit, AuditPopulation
from audits.reproduce import audit_rederive, detection_window, months_before, population_digest
from audits.services import sampling_audits as services
from lib.errors import DomainError

pytestmark = pytest.mark.django_db

def _yesterday():
    return timezone.localdate() - timedelta(days=1)


def _detection_views(user, n, *, day):
    """n detection (read) views logged at noon on `day` (the log stamps its own time)."""
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    with mock.patch("django.utils.timezone.now", return_value=noon):
        return [record_access(action="read.view", user=user, object_type="read", object_id=i,
                              data_elements={"plate": "7ABC123"}, case_number="26-1") for i in range(n)]


def _searches(user, n, *, days_ago=10):
    at = timezone.now() - timedelta(days=days_ago)
    return [Search.objects.create(user=user, organization="OPD", created_at=at, purpose="burglary",
                                  case_number=f"26-77{i}", justification="Burglary series", attested=True,
                                  criteria={"plate": "7ABC123"}, status=Search.Status.RUN, result_count=1)
            for i in range(n)]


def _open(auditor, **extra):
    end = _yesterday()
    kwargs = {"user": auditor, "title": "Annual audit", "period_start": end - timedelta(days=364),
              "period_end": end, "populations": [], "seed": 4242, **extra}
    return services.audit_open(**kwargs)


def test_a_period_that_includes_today_is_refused(auditor, analyst, login, client):
    _detection_views(analyst, 10, day=_yesterday())
    today = timezone.localdate()
    for end in (today, today + timedelta(days=30)):
        with pytest.raises(DomainError, match="last complete day"):
            _open(auditor, period_end=end)
    assert _open(auditor).period_end == _yesterday()  # the last complete day itself is accepted
    # The form says so beside the field and opens nothing.
    login(auditor)
    response = client.post("/audits/audits/new/", {
        "period_start": str(today - timedelta(days=90)), "period_end": str(today), "confidence": "0.95",
        "margin": "0.05"})
    assert response.status_code == 400
    assert f"on or before {_yesterday()}, the last complete day".encode() in response.content
    assert Audit.objects.count() == 1


def test_detection_browsing_needs_ten_from_the_six_months_before_the_period_end(auditor, analyst, caplog):
    end = _yesterday()
    _detection_views(analyst, 9, day=end)
    # Eight months back: inside the 12-month period but not "the preceding six months".
    _detection_views(analyst, 5, day=months_before(end, 8))
    with pytest.raises(DomainError, match=r"at least 10 detection-browsing inquiries .* there are 9"):
        _open(auditor)
    assert not Audit.objects.exists() and not AuditPopulation.objects.exists()
    _detection_views(analyst, 1, day=end - timedelta(days=3))
    audit = _open(auditor)
    record = audit.sampling["detection_views"]
    window = detection_window(audit.period_start, end)
    assert window == (months_before(end, 6) + timedelta(days=1), end)
    assert record["window"] == [window[0].isoformat(), end.isoformat()]
    assert record["population"] == 10 and record["sample"] == 10 and "short" not in record
    assert audit.populations[:2] == ["searches", "detection_views"]  # always sampled


def test_a_short_population_opens_only_with_a_reason_and_the_memo_says_so(auditor, analyst, caplog):
    _detection_views(analyst, 3, day=_yesterday())
    with pytest.raises(DomainError, match="there are 3"):
        _open(auditor)
    with pytest.raises(DomainError, match="there are 3"):
        _open(auditor, shortfall_reason="   ")  # blank is no reason
    audit = _open(auditor, shortfall_reason="Camera network installed in the last month")
    assert audit.sampling["detection_views"]["short"] == {
        "found": 3, "required": 10, "reason": "Camera network installed in the last month"}
    assert "population detection_views short (3 of 10)" in caplog.text
    for item in audit.items.all():
        services.audit_item_review(user=auditor, item=item, finding="compliant", checklist={})
    audit = services.audit_finalise(user=auditor, audit=audit)
    assert "Short: 3 of the 10 required; Camera network installed in the last month" in audit.memo_html


def test_unreviewed_items_block_finalising(auditor, analyst, login, client):
    _searches(analyst, 4)
    audit = _open(auditor, shortfall_reason="Test: no detection views")
    items = list(audit.items.order_by("position"))
    for item in items[:-1]:
        services.audit_item_review(user=auditor, item=item, finding="compliant", checklist={})
    with pytest.raises(DomainError, match=r"1 sampled item\(s\) are not reviewed yet"):
        services.audit_finalise(user=auditor, audit=audit)
    login(auditor)
    client.post(f"/audits/audits/{audit.pk}/finalise/", {"recommendations": "x"})
    audit.refresh_from_db()
    assert audit.status == Audit.Status.OPEN and audit.memo_sha256 == ""
    services.audit_item_review(user=auditor, item=items[-1], finding="compliant", checklist={})
    assert services.audit_finalise(user=auditor, audit=audit).status == Audit.Status.FINALISED


def test_the_stored_population_re_derives_and_a_change_shows_as_a_mismatch(auditor, analyst, personas, login,
                                                                            client):
    searches = _searches(analyst, 30)
    _detection_views(analyst, 12, day=_yesterday())
    audit = _open(auditor)
    stored = audit.stored_populations.get(population="searches")
    ids = sorted(s.pk for s in searches)
    assert stored.ids == ids and stored.size == 30
    assert stored.sha256 == population_digest("searches", audit.period_start, audit.period_end, ids)
    assert audit.sampling["searches"]["population_sha256"] == stored.sha256
    assert audit.sampling["searches"]["ids"] == sampling.draw(ids, audit.sampling["searches"]["sample"], 4242)
    result = audit_rederive(audit)
    assert result.ok and [c.population for c in result.checks] == ["searches", "detection_views"]

    # A search back-dated into the period after the audit opened: the population changed.
    late = _searches(analyst, 1, days_ago=20)[0]
    gone_pk = searches[0].pk
    searches[0].delete()
    check = audit_rederive(audit).checks[0]
    assert not check.population_matches and check.stored_intact and check.sample_matches
    assert check.added == [late.pk] and check.removed == [gone_pk] and check.current_size == 30
    assert not audit_rederive(audit).ok

    login(auditor)
    page = client.get(f"/audits/audits/{audit.pk}/rederive/")
    assert page.status_code == 200 and b"MISMATCH" in page.content
    logged = AccessEvent.objects.filter(action="audit.rederive", object_id=str(audit.pk)).latest("sequence")
    assert logged.username == "auditor" and logged.detail == "MISMATCH"
    assert logged.data_elements == {"mismatched": ["searches"]}

    # The stored row edited: its ids no longer hash to the stored digest, and the sample
    # is not claimed to re-derive from them.
    AuditPopulation.objects.filter(pk=stored.pk).update(ids=ids[1:] + [999999])
    check = audit_rederive(audit).checks[0]
    assert not check.stored_intact and not check.sample_matches

    for name in ("officer", "analyst", "administrator", "outsider"):
        login(personas[name])
        assert client.get(f"/audits/audits/{audit.pk}/rederive/").status_code == 404


def test_an_unchanged_audit_re_derives_on_its_page(auditor, analyst, login, client):
    _searches(analyst, 5)
    _detection_views(analyst, 11, day=_yesterday())
    audit = _open(auditor)
    login(auditor)
    page = client.get(f"/audits/audits/{audit.pk}/rederive/")
    assert b"Re-derived: every population and sample matches" in page.content
    assert b"MISMATCH" not in page.content
    assert AccessEvent.objects.filter(action="audit.rederive", detail="matches").count() == 1
