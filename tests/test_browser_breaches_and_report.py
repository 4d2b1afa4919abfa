"""In a real browser (BR-1, AU-6): the Coordinator takes a breach from report to follow-up,
the Attorney General's notice owed above 500 residents and the overdue flag shown; and
enters the annual report's O.M.C. 9.64 sections, refused finalisation while one is empty."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.models import AnnualReportContents, BreachRecord
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_moves_a_breach_through_its_workflow(page, coordinator, settings):  # noqa: F811
    settings.ALPR_BREACH_NOTICE_DAYS = 30
    today = timezone.localdate()
    sign_in(page, "coordinator", PASSWORD)
    page.click("nav summary >> text=Oversight")
    page.click("nav >> text=Breaches")
    page.click("text=Report a breach")
    page.fill("#id_summary", "Stolen laptop with an export of reads")
    page.fill("#id_occurred_on", str(today - timedelta(days=41)))
    page.fill("#id_discovered_on", str(today - timedelta(days=40)))
    page.fill("#id_records_affected", "9000")
    page.fill("#id_california_residents_affected", "650")
    page.click("text=Report the breach")
    page.wait_for_selector("text=notification deadlines run from")
    breach = BreachRecord.objects.get()
    assert page.inner_text("#breach-status") == "Discovered"
    # Due 30 days after discovery, ten days ago: both notices flagged overdue.
    deadlines = page.inner_text("#deadlines")
    assert str(today - timedelta(days=10)) in deadlines and deadlines.count("OVERDUE") == 2
    assert "Attorney General" in deadlines
    page.fill("#contain-text", "Laptop remotely wiped; the export link revoked")
    page.click("text=Record containment")
    page.wait_for_selector("#breach-status:text('Contained')")
    page.click("text=Begin notifications")
    page.wait_for_selector("#breach-status:text('Notifications under way')")
    page.click("text=Notifications complete: go to follow-up")  # refused: notices still owed
    page.wait_for_selector("text=Notifications still owed")
    page.fill("#people-on", str(today))
    page.fill("#people-method", "Letters by first-class mail")
    page.click("text=Record notice to affected people")
    page.wait_for_selector("text=Recorded.")
    page.fill("#ag-on", str(today))
    page.click("text=Record notice to the Attorney General")
    page.wait_for_selector("text=Recorded.")
    assert "OVERDUE" not in page.inner_text("#deadlines") and page.inner_text("#deadlines").count("late") == 2
    page.click("text=Notifications complete: go to follow-up")
    page.wait_for_selector("#breach-status:text('Follow-up')")
    page.fill("#close-text", "Contractor access reviewed; encryption of exports enforced")
    page.click("text=Close the breach")
    page.wait_for_selector("#breach-status:text('Closed')")
    history = page.inner_text("#history")
    for step in ("report", "contain", "begin_notification", "notify_people", "notify_attorney_general",
                 "notifications_complete", "close"):
        assert step in history
    breach.refresh_from_db()
    assert breach.status == "closed" and breach.attorney_general_notified_on == today


def test_the_coordinator_enters_the_report_sections(page, coordinator):  # noqa: F811
    year = timezone.localdate().year
    sign_in(page, "coordinator", PASSWORD)
    page.click("nav summary >> text=Oversight")  # the menu's oversight group
    page.click("nav >> text=Annual report sections")
    page.select_option("#year", str(year))
    page.click("text=Open the year's sections")
    page.wait_for_selector(f"h1:text('Annual report sections {year}')")
    assert "Narrative" in page.inner_text("#missing")
    assert page.input_value("#id_hits") == "0"  # pre-filled from the (empty) year's data
    page.fill("#id_race_waiver_granted_on", str(timezone.localdate() - timedelta(days=5)))
    page.fill("#id_race_waiver_findings", "Burden outweighs probative value (PAC findings).")
    page.fill("#id_cost_initial_purchase", "0")
    page.fill("#id_cost_personnel", "120000")
    page.fill("#id_cost_ongoing", "900000")
    page.fill("#id_funding_sources", "State funds")
    page.click("text=Save the sections")
    page.wait_for_selector("text=Sections saved.")
    # Race (by the waiver), fiscal costs, and the pre-filled counts are in: only the narrative is missing.
    assert page.locator("#missing li").all_inner_texts() == ["Narrative"]
    page.click("text=Finalise for publication")
    page.wait_for_selector("text=required sections are empty")
    assert AnnualReportContents.objects.get().status == "draft"
    page.fill("#id_narrative", "The program's first year under the new contract.")
    page.click("text=Save the sections")
    page.wait_for_selector("text=Sections saved.")
    assert page.locator("#missing").count() == 0
    page.click("text=Finalise for publication")
    page.wait_for_selector("#contents-status:text('Finalised for publication')")
    contents = AnnualReportContents.objects.get()
    assert contents.status == "finalised" and contents.cost_personnel == 120000
    assert "PAC waiver granted on" in page.inner_text("#entered")
