"""Playwright + Debian Chromium (Playwright's own browser download cannot work here)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.factories import current_code

CHROMIUM = os.environ.get("ALPR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page(live_server):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set ALPR_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(10_000)
        pg.base_url = live_server.url
        yield pg
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def sign_in(page, username: str, password: str) -> None:
    current_code(username)  # enrols an authenticator for the member if they have none
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.check("#id_acknowledge")
    page.click("button.primary")
    page.wait_for_load_state()
    if "/mfa/verify/" in page.url:
        page.fill("#id_token", current_code(username))
        page.click("button.primary")
    page.wait_for_url(page.base_url + "/")
