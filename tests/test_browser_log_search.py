"""In a real browser: the Coordinator searches the access log from the access-log page
for the annual report and downloads the result as CSV (issue 19 part 3)."""

import pytest

from accesslog.models import AccessEvent
from accesslog.services import record_access
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_searches_the_log_and_downloads_the_csv(page, analyst, coordinator):  # noqa: F811
    for detail in ("Reason given: an ICE detainer", "Reason given: CBP request", "Reason given: police burglary"):
        record_access(action="search.run", user=analyst, purpose="burglary", case_number="26-1",
                      detail=detail)
    sign_in(page, "coordinator", PASSWORD)
    page.goto(page.base_url + "/audits/")
    page.click("text=Search every field by words and phrases")
    page.fill("input[name=q]", "ICE OR CBP OR abortion")
    page.fill("input[name=action]", "search.run")
    page.click("#log-search button[type=submit]")
    page.wait_for_selector("text=2 entries match")
    assert "an ICE detainer" in page.content() and "police burglary" not in page.content()
    with page.expect_download() as info:
        page.click("text=Entries as CSV")
    assert info.value.suggested_filename.startswith("access-log-search-entries-")
    assert AccessEvent.objects.filter(action="access_log.search", user=coordinator).exists()
    assert AccessEvent.objects.filter(action="access_log.search_export", user=coordinator).exists()
