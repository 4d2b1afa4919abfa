"""In a real browser: an officer requests an entry, the administrator approves it, a read
of that plate raises a live alert."""

import pytest

from alpr.models import Hit
from hotlists.models import Hotlist, HotlistEntryRequest
from hotlists.services import entries as services
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_approval_and_a_read_that_hits(page, administrator, home_agency):  # noqa: F811
    bolo = services.hotlist_create(name="Burglary BOLO", source=Hotlist.Source.CUSTOM_BOLO,
                                   purpose=Hotlist.Purpose.BURGLARY)
    sign_in(page, "officer", PASSWORD)
    page.goto(page.base_url + "/hotlists/requests/new/")
    page.select_option("#id_hotlist", str(bolo.pk))
    page.fill("#id_case_number", "26-004777")
    page.fill("#id_plate", "2ghj-345")
    page.fill("#id_state", "CA")
    page.fill("#id_vehicle_description", "Grey Nissan Altima")
    page.fill("#id_justification", "Vehicle used in a residential burglary on 45th St")
    page.click("button.primary")
    page.wait_for_selector("text=submitted for approval")
    req = HotlistEntryRequest.objects.get()
    page.click("button.link")  # sign out
    sign_in(page, "administrator", PASSWORD)
    page.goto(page.base_url + "/hotlists/requests/queue/")
    page.click(f"a[href='/hotlists/requests/{req.pk}/']")
    # Issue 21 §10: one note box for the decision, not one per button.
    assert page.locator("textarea[name=note]").count() == 1
    assert page.locator("button[name=do]").count() >= 2
    page.fill("textarea[name=note]", "Burglary series, case confirmed")
    page.click("button[value=approve]")
    page.wait_for_selector("text=Approved (active)")
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == administrator
    assert req.decision_reason == "Burglary series, case confirmed"
    page.click("button.link")
    sign_in(page, "officer", PASSWORD)
    page.goto(page.base_url + "/alpr/alerts/")
    factories.read(factories.camera(home_agency), "2GHJ345", minutes_ago=0, images=True)
    page.wait_for_selector(".alert-row >> text=2GHJ345", timeout=15_000)
    assert Hit.objects.get().entry == req.entry
