"""In a real browser (issue 19): the ALPR Administrator sees a configuration alarm on the
dashboard, opens the configuration history from the menu, and sees the feed screen's
dropped rows on the import page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import designation_create
from hotlists.models import Hotlist
from hotlists.services import entries as services
from hotlists.services import feeds
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_sees_an_alarm_and_the_dropped_rows(page, administrator, investigator):  # noqa: F811
    today = timezone.localdate()
    designation_create(administrator=administrator, designee=investigator,
                       scope="hotlist_approval", written_authority="Memo 26-7", starts_on=today,
                       ends_on=today + timedelta(days=30))
    svs = services.hotlist_create(name="SVS", source=Hotlist.Source.SVS, feed_name="svs")
    imported = feeds.import_feed(hotlist=svs, data=b"plate,state,ncic file\nAAA1111,CA,Vehicle File\n"
                                                  b"BBB2222,CA,Immigration Violator\n", file_name="svs.csv")
    sign_in(page, "administrator", PASSWORD)
    assert "Configuration alarm (Roles and designations): Designation of Investigator Tester" in page.content()
    page.click("nav summary >> text=Oversight")  # issue 21 §5: oversight pages are grouped
    page.click("nav >> text=Configuration history")
    page.wait_for_selector("h1:text('Configuration history')")
    page.check("input[name=weakens]")
    page.click("button:text('Filter')")
    page.wait_for_selector("tr.alarm >> text=Designation of Investigator Tester")
    assert "Memo 26-7" in page.content()
    page.goto(page.base_url + f"/hotlists/imports/{imported.pk}/")
    page.wait_for_selector("text=Dropped: categories the policy prohibits")
    assert "Immigration Violator" in page.locator("table").last.inner_text()
