"""In a real browser: an auditor's sampling audit from opening to the filed memo, and the
Coordinator's annual report from the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.models import Search
from audits.models import AnnualReport, Audit
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_audit_from_opening_to_memo(page, analyst):  # noqa: F811
    for i in range(3):
        Search.objects.create(user=analyst, organization="OPD", purpose="burglary",
                              case_number=f"26-10{i}", justification="Burglary series", attested=True,
                              criteria={"plate": "7ABC123"}, status=Search.Status.RUN,
                              created_at=timezone.now() - timedelta(days=5))
    sign_in(page, "auditor", PASSWORD)
    page.goto(page.base_url + "/audits/audits/")
    page.click("text=Open an audit")
    page.fill("#id_title", "Browser audit")
    page.fill("#id_seed", "4242")
    page.click("text=Open the audit and draw the sample")
    # AU-2 (issue 20): no detection browsing in the six months before the period's end: the
    # audit is refused until the auditor says why, then opens with the shortfall shown.
    page.wait_for_selector("text=there are 0")
    page.fill("#id_shortfall_reason", "No detection browsing in the period")
    page.click("text=Open the audit and draw the sample")
    page.wait_for_selector("text=3 item(s) to review")
    assert "Short: 0 of the 10 the policy requires." in page.inner_text(".population-short")
    audit = Audit.objects.get()
    assert audit.seed == 4242
    page.wait_for_selector("text=n0 = z²")
    for n in range(3):
        form = page.locator("form.review-form").first
        form.locator("select[name=purpose_permitted]").select_option("yes")
        form.locator("select[name=finding]").select_option("non_compliant" if n == 0 else "compliant")
        form.locator("textarea[name=notes]").fill("Case number unrelated to burglary" if n == 0 else "")
        form.locator("button:text('Save review')").click()
        page.wait_for_selector(f"text=reviewed: {'Non-compliant' if n == 0 else 'Compliant'}")
        page.goto(page.base_url + f"/audits/audits/{audit.pk}/?pending=1")
    page.fill("textarea[name=recommendations]", "Remind the unit of the purpose list.")
    page.click("text=Finalise and file the memo")
    page.wait_for_selector("text=the memo is filed")
    with page.expect_download() as info:
        page.evaluate("""(href) => { const a = document.createElement('a'); a.href = href;
                                     a.download = 'memo.pdf'; document.body.appendChild(a); a.click(); }""",
                      f"/audits/audits/{audit.pk}/memo.pdf")
    assert info.value.suggested_filename == f"audit-{audit.pk}-memo.pdf"
    page.goto(page.base_url + f"/audits/audits/{audit.pk}/memo.html")
    assert "66.7% (2 of 3)" in page.content()
    assert "Case number unrelated to burglary" in page.content()


def test_the_coordinator_generates_the_annual_report_from_the_admin(page, coordinator, analyst):  # noqa: F811
    coordinator.is_staff = True
    coordinator.save()
    Search.objects.create(user=analyst, organization="OPD", purpose="burglary", case_number="26-1",
                          justification="x", attested=True, criteria={"plate": "7ABC123"}, status=Search.Status.RUN)
    sign_in(page, "coordinator", PASSWORD)
    page.goto(page.base_url + "/admin/")
    page.click("text=Annual reports")
    page.select_option("#id_year", str(timezone.localdate().year))
    page.click("input[value='Generate report']")
    page.wait_for_selector("text=Ready")
    report = AnnualReport.objects.get()
    assert report.status == "done"
    with page.expect_download() as info:
        page.click("text=CSV (ZIP)")
    assert info.value.suggested_filename == f"alpr-annual-report-{report.year}-csv.zip"
    page.click("text=HTML")
    page.wait_for_selector("text=Appendix: every investigative query")
    assert "Investigative queries" in page.content()
