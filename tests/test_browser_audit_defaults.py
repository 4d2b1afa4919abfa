"""Issue 21 §9: a new sampling audit's default period takes in today's use (the demo's data
is today's), and an audit that sampled nothing cannot be finalised."""

from datetime import date

import pytest
from django.utils import timezone

from alpr.models import Search
from audits import services
from audits.models import Audit
from lib.errors import DomainError
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_default_period_samples_today_s_searches(page, personas):  # noqa: F811
    Search.objects.create(user=personas["analyst"], organization="OPD", purpose="burglary", case_number="26-101",
                          justification="Burglary series", attested=True, criteria={"plate": "7ABC123"},
                          status=Search.Status.RUN, created_at=timezone.now())
    sign_in(page, "auditor", PASSWORD)
    page.goto(page.base_url + "/audits/audits/new/")
    assert page.input_value("#id_period_end") == timezone.localdate().isoformat()
    page.click("text=Open the audit and draw the sample")
    page.wait_for_selector("text=1 item(s) to review")


def test_an_audit_that_sampled_nothing_cannot_be_finalised(page, personas):  # noqa: F811
    audit = services.audit_open(user=personas["auditor"], title="Quiet year", period_start=date(2020, 1, 1),
                                period_end=date(2020, 12, 31), populations=[])
    assert audit.items.count() == 0
    sign_in(page, "auditor", PASSWORD)
    page.goto(page.base_url + f"/audits/audits/{audit.pk}/")
    assert "This audit sampled nothing" in page.inner_text(".empty-audit")
    assert page.is_disabled("button:text('Finalise and file the memo')")
    with pytest.raises(DomainError, match="sampled nothing"):
        services.audit_finalise(user=personas["auditor"], audit=audit)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.OPEN
