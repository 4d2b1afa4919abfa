"""In a real browser: a hold for another agency's investigation is refused without its
legal obligation on file, and placed with its instrument (RT-2); the public page posts the
usage and privacy policy with the retention schedule in force, to anyone (PUB-1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.models import DataSource, LegalHold, RetentionRule
from alpr.services import retention
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_other_agency_hold_is_refused_in_the_form_until_its_instrument_is_given(  # noqa: F811
        page, personas, home_agency):  # noqa: F811
    cam = factories.camera(home_agency)
    factories.read(cam, "5HLD555", minutes_ago=30)
    sign_in(page, "investigator", PASSWORD)
    page.goto(page.base_url + "/alpr/holds/new/")
    page.fill("#id_case_number", "26-004700")
    page.select_option("#id_reason", "other_agency")
    page.fill("#id_justification", "Alameda County DA: carjacking investigation")
    page.fill("#id_review_on", (timezone.localdate() + timedelta(days=60)).isoformat())
    page.fill("#id_plate", "5HLD555")
    page.fill("#id_since", (timezone.localdate() - timedelta(days=1)).isoformat())
    page.fill("#id_until", timezone.localdate().isoformat())
    page.click("button.primary")
    error = page.locator(".msg.error")
    error.wait_for()
    assert "needs the legal obligation to retain on file" in error.inner_text()
    assert "its kind (subpoena, court order, warrant)" in error.inner_text()
    assert not LegalHold.objects.exists()
    # The form kept what was typed; the instrument completes it.
    assert page.input_value("#id_case_number") == "26-004700"
    page.select_option("#id_instrument_kind", "warrant")
    page.fill("#id_instrument_number", "SW-2026-0311")
    page.fill("#id_instrument_issued_by", "Superior Court of California, County of Alameda")
    page.fill("#id_instrument_date", (timezone.localdate() - timedelta(days=1)).isoformat())
    page.set_input_files("#id_instrument_file", files=[{"name": "warrant.pdf", "mimeType": "application/pdf",
                                                         "buffer": b"%PDF-1.4\n% test warrant\n"}])
    page.click("button.primary")
    page.wait_for_selector("text=Warrant SW-2026-0311")
    hold = LegalHold.objects.get()
    assert hold.status == LegalHold.Status.ACTIVE and hold.instrument_kind == "warrant"
    assert hold.instrument_file.name.startswith("private/holds/instruments/")
    assert "(copy on file)" in page.content()


def test_the_public_page_posts_the_policy_and_the_retention_schedule_without_sign_in(  # noqa: F811
        page, personas, home_agency):  # noqa: F811
    from django.core.cache import cache

    source = DataSource.objects.create(name="NCRIC (regional)")
    retention.retention_rule_set(by=personas["administrator"], data_class=RetentionRule.DataClass.READS,
                                 source=source, days=21)
    cache.clear()
    page.goto(page.base_url + "/transparency/")
    assert "/login/" not in page.url
    assert page.locator("#custodian").inner_text() == "ALPR Coordinator"
    rows = page.locator("#retention-periods tbody tr").all_inner_texts()
    assert any("Plate reads" in r and "All sources" in r and "30 days" in r for r in rows), rows
    assert any("Plate reads" in r and "NCRIC (regional)" in r and "21 days" in r for r in rows), rows
    assert any("Hits without a stop report" in r and "365 days" in r for r in rows), rows
    sharing = page.locator("#sharing").locator("xpath=following-sibling::ul[1]").inner_text()
    assert "never shared with federal or out-of-state agencies" in sharing
    purposes = page.locator("#purposes").locator("xpath=following-sibling::ul[1]").inner_text()
    assert "Missing or at-risk person" in purposes
