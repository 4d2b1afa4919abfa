"""AU-5 (issue 20) in the browser: the auditor signs in to a late scheduled audit's reminder
and the dashboard's counts, follows the tile to the schedules, and opens the audit for that
schedule, after which it is no longer late."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.models import Audit, AuditSchedule
from audits.reproduce import months_after
from audits.services.schedules import audit_reminders_send
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_late_audit_is_on_the_auditor_s_dashboard_and_goes_once_opened(page, auditor):  # noqa: F811
    today = timezone.localdate()
    schedule = AuditSchedule.objects.create(name="San Leandro quarterly audit", policy="003 §418.6.1",
                                            cadence_months=3, starts_on=months_after(today, -4))
    assert audit_reminders_send() == 1
    sign_in(page, "auditor", PASSWORD)
    assert "Audit late: San Leandro quarterly audit (003 §418.6.1) was due on" in page.inner_text("body")
    tile = page.locator("a.count-tile", has_text="Audits late")
    assert tile.locator("strong").inner_text() == "1"
    tile.click()
    row = page.locator("table.schedules tr.schedule-late")
    assert "San Leandro quarterly audit" in row.inner_text() and "Late" in row.inner_text()

    page.click("text=Open an audit")
    page.select_option("#id_schedule", label="San Leandro quarterly audit")
    page.fill("#id_period_start", str(today - timedelta(days=91)))
    page.fill("#id_shortfall_reason", "Test: no detection browsing in the quarter")
    page.click("text=Open the audit and draw the sample")
    page.wait_for_selector("text=item(s) to review")
    assert Audit.objects.get().schedule == schedule
    page.goto(page.base_url + "/")
    assert page.locator("a.count-tile", has_text="Audits late").locator("strong").inner_text() == "0"
