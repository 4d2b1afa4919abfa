"""In a real browser: a California agency's written request from receipt to delivery."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Agency, Designation
from accounts.services import designation_create
from sharing.models import SharingRequest
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_request_from_receipt_to_delivery(page, administrator, investigator, home_agency):  # noqa: F811
    factories.read(factories.camera(home_agency), "7ABC123", minutes_ago=60, images=True)
    sheriff = Agency.objects.create(name="Alameda County Sheriff", state="CA", kind=Agency.Kind.SHERIFF)
    today = timezone.localdate()
    designation_create(administrator=administrator, designee=investigator,
                       scope=Designation.Scope.SHARING_APPROVAL, written_authority="Memo 26-42",
                       starts_on=today, ends_on=today + timedelta(days=30))
    now = timezone.localtime()
    sign_in(page, "administrator", PASSWORD)
    page.goto(page.base_url + "/sharing/requests/new/")
    page.select_option("#id_agency", str(sheriff.pk))
    page.fill("#id_requester_name", "Det. A. Kim")
    page.fill("#id_requester_contact", "akim@acso.example")
    page.fill("#id_purpose", "Carjacking investigation")
    page.fill("#id_plates", "7ABC123")
    page.fill("#id_window_from", (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_window_to", now.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_case_number", "SO-26-1234")
    page.select_option("#id_basis", "voluntary")
    page.fill("#id_confirmation_statement", "We confirm no immigration or reproductive-health use.")
    page.fill("#id_received_on", now.strftime("%Y-%m-%d"))
    page.select_option("#id_received_via", "email")
    page.click("form.form button.primary")
    page.wait_for_selector("text=logged")
    page.fill("#id_legal_authority", "Sworn deputy, Alameda County Sheriff, badge 4411 (Penal Code 830.1)")
    page.fill("#id_need_to_know", "Det. Kim leads SO-26-1234, the carjacking; the reads place the suspect car")
    page.click("text=Record step 1")
    page.wait_for_selector("text=Step 2: requester and justification recorded")
    req = SharingRequest.objects.get()
    page.click("button.link")
    sign_in(page, "investigator", PASSWORD)
    page.goto(page.base_url + f"/sharing/requests/{req.pk}/")
    # Issue 21 §10: one reason box for the decision, whether honoured or denied.
    assert page.locator("textarea[name=reason]").count() == 1
    page.fill("textarea[name=reason]", "Right and need to know shown")
    page.click("button:text('Honour')")
    page.wait_for_selector("text=Step 3: honoured")
    page.click("text=Extract exactly the approved scope")
    page.wait_for_selector("text=1 reads")
    with page.expect_download() as info:
        page.click("text=Download")
    assert info.value.suggested_filename == f"alpr-sharing-{req.pk}.zip"
    req.refresh_from_db()
    assert req.status == "honoured" and req.designation is not None and req.package.downloads == 1
    assert req.decision_reason == "Right and need to know shown"
    page.click("button.link")
    sign_in(page, "auditor", PASSWORD)  # the report is the oversight roles' (a designee has no access)
    page.goto(page.base_url + "/sharing/report/")
    assert "1 packages delivered" in page.content()
