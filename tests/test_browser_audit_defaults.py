"""Issue 21 §9 with AU-2 (issue 20): a new sampling audit's default period ends on the last
complete day in the agency's time zone (yesterday), so its population never grows after it is
opened; the demo has searches on earlier days, so that default still gives items; an audit
that sampled nothing cannot be finalised."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from alpr.models import Search
from audits.models import Audit
from audits.services import sampling_audits as services
from lib.errors import DomainError
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _search(user, case, created_at):
    return Search.objects.create(user=user, organization="OPD", purpose="burglary", case_number=case,
                                 justification="Burglary series", attested=True, criteria={"plate": "7ABC123"},
                                 status=Search.Status.RUN, created_at=created_at)


def test_the_default_period_ends_on_the_last_complete_day(page, analyst):  # noqa: F811
    yesterday = timezone.localdate() - timedelta(days=1)
    # Late yesterday in the agency's zone (23:30 local is the next day in UTC): in the period.
    late_yesterday = timezone.make_aware(datetime.combine(yesterday, time(23, 30)))
    in_period = _search(analyst, "26-101", late_yesterday)
    _search(analyst, "26-102", timezone.now())  # today's: still growing, not sampled
    sign_in(page, "auditor", PASSWORD)
    page.goto(page.base_url + "/audits/audits/new/")
    assert page.input_value("#id_period_end") == yesterday.isoformat()
    assert page.input_value("#id_period_start") == (yesterday - timedelta(days=364)).isoformat()
    # AU-2 (issue 20): no detection views precede the period's end here, so the auditor says why.
    page.fill("#id_shortfall_reason", "Test: no detection browsing in the period")
    page.click("text=Open the audit and draw the sample")
    page.wait_for_selector("text=1 item(s) to review")
    audit = Audit.objects.get()
    assert audit.period_end == yesterday
    assert [item.object_id for item in audit.items.all()] == [str(in_period.pk)]


def test_the_demo_s_audit_over_the_default_period_has_items(db, personas):
    from accounts.demo import DemoContext
    from audits import demo

    ctx = DemoContext(password="demo-password-2026", today=timezone.localdate(), users=personas)
    demo.load(ctx)
    demo.after_frames(ctx)
    audit = Audit.objects.get()
    assert audit.period_end == timezone.localdate() - timedelta(days=1)
    assert audit.items.filter(population=Audit.Population.SEARCHES).count() >= 3


def test_an_audit_that_sampled_nothing_cannot_be_finalised(page, auditor):  # noqa: F811
    audit = services.audit_open(user=auditor, title="Quiet year", period_start=date(2020, 1, 1),
                                period_end=date(2020, 12, 31), populations=[],
                                shortfall_reason="Test: a year with no use at all")
    assert audit.items.count() == 0
    sign_in(page, "auditor", PASSWORD)
    page.goto(page.base_url + f"/audits/audits/{audit.pk}/")
    assert "This audit sampled nothing" in page.inner_text(".empty-audit")
    assert page.is_disabled("button:text('Finalise and file the memo')")
    with pytest.raises(DomainError, match="sampled nothing"):
        services.audit_finalise(user=auditor, audit=audit)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.OPEN
