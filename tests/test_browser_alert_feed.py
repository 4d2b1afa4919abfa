"""Issue 21 §8: the live alert feed shows a thumbnail, the date, the vehicle and how long
ago; a hit leaves the officer's feed once its stop is documented or it is rejected."""

import pytest
from django.utils import timezone

from alpr.models import DispositionCode, Hit
from alpr.services import hits
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_feed_shows_picture_vehicle_date_and_age_and_drops_worked_hits(
        page, officer, home_agency, dispositions):  # noqa: F811
    cam = factories.camera(home_agency)
    lst = factories.hotlist()
    factories.entry(lst, "8XYZ412", vehicle_description="Silver Honda Civic")
    factories.entry(lst, "6LMN903", vehicle_description="Black Toyota Camry")
    factories.read(cam, "8XYZ412", minutes_ago=3, images=True, vehicle_color="grey/silver")
    factories.read(cam, "6LMN903", minutes_ago=1, images=True)
    sign_in(page, "officer", PASSWORD)
    page.goto(page.base_url + "/alpr/alerts/")
    row = page.locator(".alert-row", has_text="8XYZ412")
    text = row.inner_text()
    assert "Listed vehicle: Silver Honda Civic" in text and "Seen: grey/silver" in text
    assert timezone.localdate().strftime("%Y-%m-%d") in text
    assert "3\xa0minutes ago" in text  # Django's timesince joins with a no-break space
    # The thumbnail is the read's own crop, and it loads.
    row.locator(".thumb img").wait_for()
    assert page.evaluate("() => document.querySelector('.alert-row .thumb img').naturalWidth") > 0

    # The officer works both alerts: one stop documented, one rejected as a misread.
    documented = Hit.objects.get(plate="8XYZ412")
    hits.hit_transition(hit=documented, name="verify", by=officer, checks=dict.fromkeys(hits.VERIFY_CHECKS, True))
    hits.hit_transition(hit=documented, name="validate", by=officer, clets_reference="CLETS 1")
    hits.stop_report_create(hit=documented, by=officer, responding_member=officer,
                            justification="Occupied stolen vehicle", case_number="26-004600",
                            disposition=DispositionCode.objects.first(), responded_at=timezone.now(),
                            next_steps="Owner notified")
    hits.hit_transition(hit=Hit.objects.get(plate="6LMN903"), name="reject", by=officer, reject_reason="misread")
    # The feed refreshes itself every few seconds: both leave it without a reload.
    page.wait_for_selector(".alert-row >> text=8XYZ412", state="detached", timeout=15_000)
    page.wait_for_selector(".alert-row >> text=6LMN903", state="detached", timeout=15_000)
    assert "No open alerts" in page.inner_text("#alert-feed")


def test_polls_that_find_nothing_new_get_304_and_a_new_hit_shows_within_5_s(page, officer, home_agency):  # noqa: F811
    """Issue 23 item 2: the page sends back the feed's ETag; nothing new is answered 304
    and the alerts stay on screen; a new hit appears within 5 s without a reload."""
    import time

    cam = factories.camera(home_agency)
    lst = factories.hotlist()
    factories.entry(lst, "8XYZ412")
    factories.entry(lst, "7NEW001")
    factories.read(cam, "8XYZ412", minutes_ago=1)
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if "/alpr/alerts/feed/" in r.url else None)
    sign_in(page, "officer", PASSWORD)
    page.goto(page.base_url + "/alpr/alerts/")
    page.wait_for_timeout(7_000)  # two or more polls
    assert 304 in statuses and 500 not in statuses
    assert page.locator(".alert-row", has_text="8XYZ412").count() == 1  # kept on a 304
    factories.read(cam, "7NEW001", minutes_ago=0)
    made = time.monotonic()
    page.wait_for_selector(".alert-row >> text=7NEW001", timeout=10_000)
    assert time.monotonic() - made <= 5.0
