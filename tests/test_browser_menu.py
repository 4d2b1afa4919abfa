"""Issue 21 §5: every role reaches its work from the menu, which follows roles and
designations and fits on one line at 1280 px; the dashboard counts what waits on them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Designation
from hotlists.models import Hotlist
from hotlists.services import entries as hotlist_services
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD, PERSONAS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _designate(personas, scope, designee="investigator"):
    today = timezone.localdate()
    return account_services.designation_create(
        administrator=personas["administrator"], designee=personas[designee], scope=scope,
        written_authority="Memo 26-21: acts for the Deputy Director while she is away.",
        starts_on=today, ends_on=today + timedelta(days=14))


def _menu_labels(pg):
    # Every link of the main menu, whether on the bar or inside a group.
    return pg.eval_on_selector_all("nav.nav a", "els => els.map(e => e.textContent.trim())")


def test_a_sharing_designee_reaches_sharing_requests_from_the_menu_and_sees_the_designation(  # noqa: F811
        page, personas, home_agency):  # noqa: F811
    _designate(personas, Designation.Scope.SHARING_APPROVAL)
    sign_in(page, "investigator", PASSWORD)
    assert "Sharing request approval for the ALPR Administrator" in page.inner_text("main")
    assert page.is_visible("a.count-tile >> text=Sharing requests to process")
    assert "Sharing requests" in _menu_labels(page)
    page.click("nav.nav >> text=Sharing requests")
    page.wait_for_url("**/sharing/")
    assert page.locator("h1").first.inner_text().strip() != ""
    assert "Page not found" not in page.content()


def test_the_administrator_opens_the_approval_queue_from_the_menu_and_sees_what_waits(  # noqa: F811
        page, investigator, home_agency):  # noqa: F811
    hotlist = hotlist_services.hotlist_create(name="Burglary BOLO", source=Hotlist.Source.CUSTOM_BOLO,
                                              purpose=Hotlist.Purpose.BURGLARY)
    hotlist_services.request_submit(
        requester=investigator, hotlist=hotlist, plate="6LMN903", case_number="26-004512", state="CA",
        vehicle_description="Black Toyota Camry", justification="Suspect vehicle in the armed robbery on 11/20")
    sign_in(page, "administrator", PASSWORD)
    tile = page.locator("a.count-tile", has_text="Hot-list entries awaiting approval")
    assert tile.locator("strong").inner_text() == "1"
    page.click("nav.nav summary >> text=Approvals")
    page.click("nav.nav >> text=Hot-list approvals")
    page.wait_for_url("**/hotlists/requests/queue/")
    assert "6LMN903" in page.content()


@pytest.mark.parametrize("username", list(PERSONAS))
def test_the_menu_stays_on_one_line_at_1280_px(page, personas, home_agency, username):  # noqa: F811
    # The administrator also holds designations' worth of links and is staff: the longest bar.
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, username, PASSWORD)
    geometry = page.evaluate("""() => {
        const bar = document.querySelector('header.topbar');
        const tops = Array.from(document.querySelectorAll('nav.nav > *'))
            .map(e => Math.round(e.getBoundingClientRect().top));
        const last = document.querySelector('nav.nav > :last-child').getBoundingClientRect().right;
        const who = document.querySelector('header .who').getBoundingClientRect().left;
        return {height: bar.getBoundingClientRect().height, tops, scroll: document.documentElement.scrollWidth,
                overlap: last - who};
    }""")
    assert len(set(geometry["tops"])) == 1, geometry
    assert geometry["height"] < 64, geometry
    assert geometry["scroll"] <= 1280, geometry
    assert geometry["overlap"] <= 0, geometry  # the menu never runs under the member's name
