"""`make screenshots`: each role's main pages at 1280 px, into a folder outside the repo
(ALPR_SCREENSHOTS_DIR), so anyone can see the product without signing in (issue 21 checks).

Not collected by a plain `pytest` (the name does not start with test_); run through make.
It uses the test database and the browser harness, with a little data of every kind.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from alpr.criteria import build_criteria
from alpr.services.search import search_run
from tests import factories
from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = os.environ.get("ALPR_SCREENSHOTS_DIR", "")

TOUR = {
    "officer": ["/", "/alpr/alerts/", "/alpr/search/", "/hotlists/"],
    "pst": ["/", "/alpr/alerts/", "/ingest/"],
    "analyst": ["/", "/alpr/search/", "/ingest/"],
    "investigator": ["/", "/alpr/search/", "/alpr/retention/"],
    "administrator": ["/", "/hotlists/requests/queue/", "/sharing/", "/accounts/designations/", "/audits/"],
    "coordinator": ["/", "/training/", "/audits/audits/", "/audits/configuration/"],
    "auditor": ["/", "/audits/", "/alpr/searches/", "/audits/audits/"],
}


@pytest.mark.skipif(not OUT, reason="set ALPR_SCREENSHOTS_DIR (make screenshots)")
def test_screenshots_of_every_role_s_main_pages(page, personas, home_agency, dispositions):  # noqa: F811
    out = Path(OUT)
    out.mkdir(parents=True, exist_ok=True)
    cam = factories.camera(home_agency)
    factories.entry(factories.hotlist(name="Stolen vehicles"), "8XYZ412", vehicle_description="Silver Honda Civic")
    for n, plate in enumerate(["8XYZ412", "7ABC123", "6LMN903"]):
        factories.read(cam, plate, minutes_ago=5 + n * 20, images=True)
    now = timezone.now()
    search_run(user=personas["analyst"], purpose="burglary", offence_category="PC459", case_number="26-004512",
               justification="Vehicle seen leaving the burglary at 2100 Broadway", attested=True,
               criteria=build_criteria(captured_from=now - timedelta(days=1), captured_to=now, plate="7ABC123"))
    page.set_viewport_size({"width": 1280, "height": 900})
    for username, paths in TOUR.items():
        page.context.clear_cookies()
        sign_in(page, username, PASSWORD)
        for path in paths:
            page.goto(page.base_url + path)
            page.wait_for_load_state("networkidle")
            name = f"{username}{path.rstrip('/').replace('/', '_') or '_dashboard'}.png"
            page.screenshot(path=str(out / name), full_page=True)
    assert len(list(out.glob("*.png"))) >= sum(len(p) for p in TOUR.values())
