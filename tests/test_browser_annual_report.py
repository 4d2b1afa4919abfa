"""Issue 21 §9: the annual report reads like a report a city publishes: a cover, contents,
charts titled with what, when and their unit, tables that fit the page; the HTML and the
PDF carry the same sections and figures."""

import io

import pypdf
import pytest
from django.utils import timezone

from alpr.models import Search
from audits.services.reports import annual_report_request
from tests import factories
from tests.browser import page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = timezone.localdate().year


def test_the_report_has_a_cover_contents_titled_charts_and_tables_that_fit(  # noqa: F811
    page, analyst, coordinator, home_agency,  # noqa: F811
):
    cam = factories.camera(home_agency)
    factories.read(cam, "7ABC123", minutes_ago=30)
    for i in range(3):
        Search.objects.create(user=analyst, organization="Oakland Police Department", purpose="burglary",
                              case_number=f"26-{i}", justification="Burglary series on Grand Avenue " * 4,
                              attested=True, criteria={"plate": f"7AB*{i}", "camera_ids": list(range(40))},
                              status=Search.Status.RUN)
    report = annual_report_request(user=coordinator, year=YEAR)
    report.refresh_from_db()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_content(report.html)
    cover = page.inner_text("header.cover")
    assert f"ALPR annual report {YEAR}" in cover and "Oakland Police Department" in cover.title()
    contents = page.locator("nav.contents li a")
    titles = contents.all_inner_texts()
    assert titles[:2] == ["Key figures", "Charts"] and "Appendix: every investigative query (Q-2)" in titles
    for link in contents.all():  # every contents line leads to its section
        assert page.locator(link.get_attribute("href")).count() == 1
    charts = page.eval_on_selector_all("figure svg", "els => els.map(e => e.textContent)")
    assert [c[c.index("Figure"):][:8] for c in charts] == ["Figure 1", "Figure 2", "Figure 3"]
    assert all(str(YEAR) in c for c in charts)
    assert "Reads" in charts[0] and "Count" in charts[1] and "Queries" in charts[2]  # units on the value axis
    # Tables fit: nothing runs off the side of the page.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    pages = [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(bytes(report.pdf))).pages]
    assert f"ALPR annual report {YEAR}" in pages[0] and "Oakland Police Department" in pages[0]
    assert pages[1].startswith("Contents")
    for n, title in enumerate(titles, start=1):  # the same sections, in the same order
        assert f"{n}. {title}" in pages[1]
    text = " ".join(pages)
    assert all(f"Figure {n}." in text for n in (1, 2, 3))
