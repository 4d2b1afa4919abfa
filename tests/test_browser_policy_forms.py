"""In a real browser (issue 20): the purpose form for opening a read directly (§1, Q-5 / ID-5),
and an agency's kind or state changed only after re-authentication, its open requests
refused (§2, SH-3)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accesslog.models import AccessEvent
from accounts.models import Agency
from sharing.models import SharingRequest
from sharing.services import requests as sharing
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.factories import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_opening_a_read_directly_asks_the_purpose_case_and_reason(page, officer, home_agency):  # noqa: F811
    read = factories.read(factories.camera(home_agency), "7ABC123", minutes_ago=30)
    sign_in(page, "officer", PASSWORD)
    page.goto(page.base_url + f"/alpr/reads/{read.pk}/")
    assert page.locator("select#id_purpose option").count() == 7  # the blank and the six Q-1 purposes
    # The case: case "26-1", reason "x", no purpose.
    page.fill("#id_case_number", "26-1")
    page.fill("#id_reason", "x")
    page.click("button.primary")
    page.wait_for_selector(".msg.error")
    assert "purposes of Q-1" in page.inner_text(".msg.error")
    assert "7ABC123" not in page.content()
    page.select_option("#id_purpose", "burglary")
    page.fill("#id_case_number", "26-000777")
    page.fill("#id_reason", "x")
    page.click("button.primary")
    page.wait_for_selector(".msg.error")
    assert "at least a sentence" in page.inner_text(".msg.error")
    page.select_option("#id_purpose", "burglary")
    page.fill("#id_case_number", "26-000777")
    page.fill("#id_reason", "Silver sedan seen leaving the Fruitvale burglary at night")
    page.click("button.primary")
    page.wait_for_selector("text=7ABC123")
    event = AccessEvent.objects.get(action="read.view")
    assert (event.purpose, event.case_number) == ("burglary", "26-000777")
    assert AccessEvent.objects.filter(action="access.refused", object_type="read").count() == 2


def test_an_agency_kind_change_needs_re_authentication_and_refuses_open_requests(page, administrator,  # noqa: F811
                                                                                 settings):
    agency = Agency.objects.create(name="Bay Area Vehicle Task Force", state="CA", kind=Agency.Kind.SHERIFF)
    now = timezone.now()
    req = sharing.request_receive(
        logged_by=administrator, agency=agency, requester_name="Det. Kim", requester_contact="kim@task.example",
        purpose="Armed robbery investigation, suspect vehicle movements", plates="7ABC123",
        window_from=now - timedelta(days=5), window_to=now, case_number="SO-26-1234",
        basis=SharingRequest.Basis.VOLUNTARY, received_on=timezone.localdate(),
        received_via=SharingRequest.ReceivedVia.LETTER,
        confirmation_statement="We confirm the data will not be used for immigration enforcement or "
                               "reproductive-health prosecutions.")
    assert req.status == SharingRequest.Status.RECEIVED
    settings.ALPR_REAUTH_SECONDS = 1  # the sign-in below is then already too old
    sign_in(page, "administrator", PASSWORD)
    time.sleep(2)
    page.goto(page.base_url + "/agencies/")
    page.click(f"a[href='/agencies/{agency.pk}/classification/']")
    page.select_option("#id_kind", "federal")
    page.fill("#id_reason", "The state roster shows it is a federal (DHS) task force")
    page.click("button.primary")
    page.wait_for_url("**/reauthenticate/**")
    agency.refresh_from_db()
    assert agency.kind == Agency.Kind.SHERIFF  # nothing changed without the re-authentication
    settings.ALPR_REAUTH_SECONDS = 900
    page.fill("#id_password", PASSWORD)
    page.fill("#id_token", current_code("administrator"))
    page.click("button.primary")
    page.wait_for_url(f"**/agencies/{agency.pk}/classification/")
    page.select_option("#id_kind", "federal")
    page.fill("#id_reason", "The state roster shows it is a federal (DHS) task force")
    page.click("button.primary")
    page.wait_for_selector(f"text=Request #{req.pk} refused")
    agency.refresh_from_db()
    req.refresh_from_db()
    assert agency.kind == Agency.Kind.FEDERAL
    assert (req.status, req.refusal_rule) == (SharingRequest.Status.REFUSED, "federal")
    assert "sheriff/CA to federal/CA" in req.history.last().note
    page.goto(page.base_url + f"/sharing/requests/{req.pk}/")
    assert "Refused by law: Federal agency" in page.content()
