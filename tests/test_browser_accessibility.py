"""Issue 21 checks: axe-core (the npm package, installed locally: `make axe-install`) on
each role's main pages finds no serious or critical violations."""

import os
from pathlib import Path

import pytest

from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(os.environ.get("ALPR_AXE_JS") or Path(__file__).resolve().parents[1] / "node_modules/axe-core/axe.min.js")

MAIN_PAGES = {
    "officer": ["/", "/alpr/alerts/", "/alpr/search/", "/hotlists/"],
    "analyst": ["/", "/alpr/search/", "/ingest/"],
    "administrator": ["/", "/hotlists/requests/queue/", "/sharing/", "/accounts/designations/"],
    "auditor": ["/", "/audits/", "/alpr/searches/", "/audits/audits/"],
    "coordinator": ["/", "/training/", "/audits/configuration/"],
}


def _serious(pg):
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make axe-install)")
@pytest.mark.parametrize("username", list(MAIN_PAGES))
def test_main_pages_have_no_serious_accessibility_violations(page, personas, home_agency, username):  # noqa: F811
    # axe is injected as a script, which the application's CSP (rightly) refuses: this
    # context alone, in the test, bypasses it.
    context = page.context.browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.base_url = page.base_url
    sign_in(pg, username, PASSWORD)
    found = {}
    for path in MAIN_PAGES[username]:
        pg.goto(pg.base_url + path)
        violations = _serious(pg)
        if violations:
            found[path] = violations
    context.close()
    assert not found, found
