"""End to end in a real browser: an officer works a live alert; an analyst searches."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accesslog.models import AccessEvent
from alpr.models import Hit, Search
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_sees_a_live_alert_verifies_validates_and_documents_the_stop(  # noqa: F811
        page, personas, home_agency, dispositions):  # noqa: F811
    cam = factories.camera(home_agency)
    factories.entry(factories.hotlist(), "8XYZ412")
    sign_in(page, "officer", PASSWORD)
    page.goto(page.base_url + "/alpr/alerts/")
    assert "No open alerts" in page.content()
    # A camera reads the plate while the officer watches: the alert appears without a reload.
    factories.read(cam, "8XYZ412", minutes_ago=0, images=True)
    page.wait_for_selector(".alert-row >> text=8XYZ412", timeout=15_000)
    page.click(".alert-row")
    assert "An alert alone is never a basis for police action" in page.content()
    assert page.locator("img.frame").count() == 1
    page.check("#id_verify-plate_matches")
    page.check("#id_verify-state_matches")
    page.check("#id_verify-vehicle_matches")
    page.click("button[value=verify]")
    page.wait_for_selector("text=Recorded.")
    page.fill("#id_validate-clets_reference", "CLETS 2211-A")
    page.click("button[value=validate]")
    page.wait_for_selector("#stop-form")
    page.fill("#id_justification", "Occupied stolen vehicle, driver detained")
    page.fill("#id_case_number", "26-004600")
    page.select_option("#id_disposition", label="REC — Stolen vehicle recovered")
    page.fill("#id_next_steps", "Owner notified; case forwarded to DA")
    page.click("#stop-form button")
    page.wait_for_selector("text=Stop documented.")
    hit = Hit.objects.get()
    assert hit.status == Hit.Status.VALIDATED and hit.stop_report.case_number == "26-004600"
    actions = list(AccessEvent.objects.filter(user__username="officer").values_list("action", flat=True))
    assert {"auth.login", "hit.view", "hit.transition", "hit.stop_documented"} <= set(actions)


def test_an_analyst_runs_a_lawful_partial_plate_search_and_opens_a_result(page, personas, home_agency):  # noqa: F811
    cam = factories.camera(home_agency)
    factories.read(cam, "7ABC123", images=True, minutes_ago=120)
    factories.read(cam, "7ABX923", minutes_ago=60)
    factories.read(cam, "8ABC123", minutes_ago=60)
    sign_in(page, "analyst", PASSWORD)
    page.goto(page.base_url + "/alpr/search/")
    # First without a purpose: refused, and says why.
    page.fill("#id_plate", "7AB*23")
    page.click("button.primary")
    assert "Search refused" in page.content()
    page.select_option("#id_purpose", "burglary")
    page.select_option("#id_offence_category", "PC459")
    page.fill("#id_case_number", "26-004512")
    page.fill("#id_justification", "Vehicle seen leaving the burglary at 2100 Broadway")
    page.check("#id_attest")
    page.fill("#id_plate", "7AB*23")
    since = timezone.localtime() - timedelta(days=1)
    page.fill("#id_captured_from", since.strftime("%Y-%m-%dT%H:%M"))
    page.click("button.primary")
    page.wait_for_selector("h1 >> text=2 reads")
    assert page.locator("table.results td.plate").all_inner_texts() == ["7ABX923", "7ABC123"]
    assert page.locator(".leaflet-interactive").count() >= 1  # points on the map
    page.click("table.results tr:has-text('7ABC123') >> text=Open")
    page.wait_for_selector("img.crop")
    search = Search.objects.get(status="run")
    view = AccessEvent.objects.get(action="read.view")
    assert view.case_number == "26-004512" and view.data_elements["search"] == search.pk
    assert AccessEvent.objects.filter(action="search.refused", user__username="analyst").exists()
