"""Issue 21 §6: oversight pages in human wording: access-log actions and details in words
(not codes and Python dicts), the reason a flagged search was typed with, hit history
without `plate_matches=True`, tables that fit at 1280 px, the raw record one click away."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.criteria import build_criteria
from alpr.services import hits
from alpr.services.search import search_run
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Assault suspect's car; also list the vehicles at the mosque on Friday"


def _flagged_search(personas):
    now = timezone.now()
    return search_run(user=personas["analyst"], purpose="violent_crime", offence_category="PC245",
                      case_number="26-004512", justification=REASON, attested=True,
                      criteria=build_criteria(captured_from=now - timedelta(days=2), captured_to=now, plate="7ABC123"))


def _fits(pg, table_selector):
    return pg.evaluate("""(sel) => {
        const t = document.querySelector(sel);
        const box = t.parentElement.getBoundingClientRect();
        return {table: t.scrollWidth, room: Math.ceil(box.width), page: document.documentElement.scrollWidth};
    }""", table_selector)


def test_the_auditor_reads_the_access_log_in_words_with_the_raw_record_one_click_away(
        page, personas, home_agency):  # noqa: F811
    _flagged_search(personas)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "auditor", PASSWORD)
    page.goto(page.base_url + "/audits/")
    main = page.inner_text("main")
    assert "Ran an investigative search" in main
    assert "Flagged for audit: the reason typed" in main
    # The reason the member typed is on the page, as words, not inside a dict.
    assert "Reason typed" in main and "mosque on Friday" in main
    assert "{'" not in main and "search.run" not in main
    fit = _fits(page, "table.log-table")
    assert fit["table"] <= fit["room"] and fit["page"] <= 1280, fit
    # The stored record, codes and all, one click away.
    row = page.locator("tr", has_text="Ran an investigative search").first
    row.locator("details.raw summary").click()
    raw = row.locator("details.raw pre").inner_text()
    assert '"action": "search.run"' in raw and "26-004512" in raw


def test_the_auditor_sees_why_a_search_was_flagged_and_the_reason_typed(page, personas, home_agency):  # noqa: F811
    _flagged_search(personas)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "auditor", PASSWORD)
    page.goto(page.base_url + "/alpr/searches/?flagged=1")
    row = page.locator("tr.flagged").first
    assert "mosque on Friday" in row.locator("td.reason-typed").inner_text()
    assert "Flagged for audit: " in row.inner_text() and "First Amendment" in row.inner_text()
    assert "Plate\n7ABC123" in row.inner_text() or "Plate\t7ABC123" in row.inner_text()
    assert "captured_from" not in page.inner_text("main")
    fit = _fits(page, "table.log-table")
    assert fit["table"] <= fit["room"] and fit["page"] <= 1280, fit


def test_hit_history_reads_as_the_steps_and_checks_not_codes(page, officer, home_agency):  # noqa: F811
    cam = factories.camera(home_agency)
    factories.entry(factories.hotlist(), "8XYZ412")
    factories.read(cam, "8XYZ412", minutes_ago=1, images=True)
    from alpr.models import Hit

    hit = Hit.objects.get()
    hits.hit_transition(hit=hit, name="verify", by=officer,
                        checks=dict.fromkeys(hits.VERIFY_CHECKS, True))
    sign_in(page, "officer", PASSWORD)
    page.goto(page.base_url + f"/alpr/hits/{hit.pk}/")
    history = page.locator("section.card", has_text="History").inner_text()
    assert "plate_matches" not in history and "=True" not in history
    assert "Visually verified" in history
    assert "Checked: the plate characters match the image" in history
