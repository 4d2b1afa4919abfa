"""Issue 21 §10: production 404 and 500 pages of the project's own (DEBUG is off in the
live server, as in production)."""

import pytest
from django.template.loader import render_to_string

from tests.browser import page, sign_in  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_missing_page_is_the_project_s_own_with_the_menu(page, personas):  # noqa: F811
    sign_in(page, "officer", PASSWORD)
    response = page.goto(page.base_url + "/alpr/hits/999999/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator("nav.nav a", has_text="Dashboard").count() == 1  # still inside the product
    assert "Not Found" not in page.inner_text("body")  # not Django's bare page


def test_the_server_error_page_renders_without_a_request():
    # Django renders 500.html with no context and no request: it must stand alone.
    html = render_to_string("500.html")
    assert "Something went wrong" in html and "/static/css/app.css" in html
