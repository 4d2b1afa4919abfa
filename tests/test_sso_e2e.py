"""Single sign-on end to end (issue 22 part 3) against a real OpenID Connect provider.

The provider is the `oidc-provider` npm package (tests/oidc_provider/, version pinned in
its package.json and package-lock.json), started on a free 127.0.0.1 port; Django answers
from pytest-django's live server. The browser is a `requests` session that follows every
redirect: Django -> provider /auth -> its interaction (signs in the account the test
chose) -> Django's callback -> the landed the member lands on.

Skipped, with the reason, where Node.js or npm is missing or the package cannot be
installed (`npm ci` runs once when node_modules is absent)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accounts import roles, sso
from tests.browser import page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True)]

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "alpr-case-management"
CLIENT_SECRET = "test-client-secret-not-for-production"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider_installed():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("Node.js and npm are needed for the OpenID provider (tests/oidc_provider)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, capture_output=True,  # noqa: S603
                              text=True, timeout=300)
        if done.returncode != 0:
            pytest.skip(f"npm ci failed in tests/oidc_provider: {done.stderr[-500:]}")
    return node


@pytest.fixture(scope="module")
def provider(provider_installed, live_server):
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PORT=str(port), CLIENT_ID=CLIENT_ID, CLIENT_SECRET=CLIENT_SECRET,
               REDIRECT_URI=f"{live_server.url}/sso/callback/",
               POST_LOGOUT_REDIRECT_URI=f"{live_server.url}/login/")
    process = subprocess.Popen([provider_installed, "provider.mjs"], cwd=PROVIDER_DIR, env=env,  # noqa: S603
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the OpenID provider did not start: {process.stdout.read() if process.stdout else ''}")
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso_on(provider, settings):
    settings.ALPR_OIDC_ISSUER = provider
    settings.ALPR_OIDC_CLIENT_ID = CLIENT_ID
    settings.ALPR_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.ALPR_OIDC_PROVIDER_NAME = "Oakland PD sign-in"
    sso._discovery_cache.clear()
    return provider


def _sign_in(live_server, issuer, *, sub, amr, acr=None, email=None):
    """The member clicks "Sign in with ..." (notice acknowledged); the provider signs in `sub`."""
    requests.post(f"{issuer}/test/next-login", json={"sub": sub, "amr": amr, "acr": acr, "email": email},
                  timeout=5).raise_for_status()
    browser = requests.Session()
    landed = browser.get(f"{live_server.url}/sso/login/", params={"acknowledge": "1"}, timeout=30)
    return browser, landed


def _linked(make_user, username, role, *, sub, **extra):
    user = make_user(username, role, **extra)
    user.oidc_issuer = sso.settings.ALPR_OIDC_ISSUER
    user.oidc_subject = sub
    user.sso_only = True
    user.save()
    return user


def test_it_shows_the_button_only_when_configured(live_server, settings, sso_on):
    assert "Sign in with Oakland PD sign-in" in requests.get(f"{live_server.url}/login/", timeout=10).text
    settings.ALPR_OIDC_ISSUER = ""
    assert "Sign in with" not in requests.get(f"{live_server.url}/login/", timeout=10).text


def test_it_signs_in_a_linked_member_with_the_providers_second_factor(live_server, sso_on, make_user):
    # The Coordinator's role requires two-factor sign-in; the provider's `amr` gives it.
    member = _linked(make_user, "coord", roles.COORDINATOR, sub="emp-4471")
    browser, landed = _sign_in(live_server, sso_on, sub="emp-4471", amr=["pwd", "mfa"])
    sso_login = AccessEvent.objects.get(action=Action.AUTH_SSO_LOGIN, user=member)
    assert "amr mfa" in sso_login.detail
    assert landed.status_code == 200
    assert urlsplit(landed.url).path == "/"
    assert AccessEvent.objects.filter(action=Action.AUTH_LOGIN, user=member).exists()
    # The training landed, a gated area, opens as for any trained coordinator.
    assert browser.get(f"{live_server.url}/training/", timeout=10).status_code == 200


def test_without_the_providers_second_factor_the_local_one_is_asked(live_server, sso_on, make_user):
    _linked(make_user, "coord2", roles.COORDINATOR, sub="emp-4472")
    browser, landed = _sign_in(live_server, sso_on, sub="emp-4472", amr=["pwd"])
    # The role requires two-factor: with no app enrolled yet the member is sent to enrol one.
    assert urlsplit(landed.url).path == "/mfa/setup/"
    assert urlsplit(browser.get(f"{live_server.url}/training/", timeout=10).url).path == "/mfa/setup/"


def test_an_acr_at_the_configured_level_counts_as_the_second_factor(live_server, sso_on, make_user, settings):
    settings.ALPR_OIDC_MFA_ACR = ["urn:agency:loa:2fa"]
    _linked(make_user, "audit2", roles.AUDITOR, sub="emp-4473")
    _, landed = _sign_in(live_server, sso_on, sub="emp-4473", amr=["pwd"], acr="urn:agency:loa:2fa")
    assert urlsplit(landed.url).path == "/"


def test_the_training_gate_still_applies(live_server, sso_on, make_user):
    _linked(make_user, "lapsed", roles.OFFICER, sub="emp-4474", trained_days_ago=400)
    browser, landed = _sign_in(live_server, sso_on, sub="emp-4474", amr=["pwd", "otp"])
    assert landed.status_code == 403  # the dashboard is ALPR: training lapsed (ID-4)
    assert browser.get(f"{live_server.url}/alpr/alerts/", timeout=10).status_code == 403


def test_an_unknown_subject_is_refused_and_no_account_is_created(live_server, sso_on, make_user):
    from accounts.models import User

    make_user("officer", roles.OFFICER, email="stranger@oaklandca.gov")
    before = User.objects.count()
    browser, landed = _sign_in(live_server, sso_on, sub="emp-9999", amr=["pwd", "mfa"], email="stranger@oaklandca.gov")
    assert landed.status_code == 403
    assert "no account here is linked" in landed.text
    assert User.objects.count() == before
    refused = AccessEvent.objects.get(action=Action.AUTH_SSO_REFUSED)
    assert refused.outcome == AccessEvent.Outcome.DENIED and "emp-9999" in refused.detail
    # Not signed in: the dashboard sends the browser to the sign-in landed.
    assert urlsplit(browser.get(f"{live_server.url}/", timeout=10).url).path == "/login/"


def test_a_verified_email_links_only_when_the_setting_allows(live_server, sso_on, make_user, settings):
    member = make_user("officer", roles.OFFICER, email="k.ng@oaklandca.gov")
    settings.ALPR_OIDC_LINK_BY_VERIFIED_EMAIL = True
    _, landed = _sign_in(live_server, sso_on, sub="emp-5001", amr=["pwd", "mfa"], email="K.Ng@oaklandca.gov")
    assert urlsplit(landed.url).path == "/"
    member.refresh_from_db()
    assert (member.oidc_issuer, member.oidc_subject, member.sso_only) == (sso_on, "emp-5001", True)
    assert AccessEvent.objects.filter(action=Action.AUTH_SSO_LINKED, user=member).exists()


def test_an_sso_only_member_cannot_use_a_local_password(live_server, sso_on, make_user):
    _linked(make_user, "officer", roles.OFFICER, sub="emp-4475")
    browser = requests.Session()
    browser.get(f"{live_server.url}/login/", timeout=10)
    landed = browser.post(f"{live_server.url}/login/", timeout=10, data={
        "username": "officer", "password": PASSWORD, "acknowledge": "on",
        "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    assert urlsplit(landed.url).path == "/login/" and "Please enter a correct username" in landed.text


def test_sign_out_ends_both_sessions(live_server, sso_on, make_user):
    member = _linked(make_user, "officer", roles.OFFICER, sub="emp-4476")
    browser, landed = _sign_in(live_server, sso_on, sub="emp-4476", amr=["pwd", "hwk"])
    assert urlsplit(landed.url).path == "/"
    csrf = browser.cookies.get("csrftoken", domain="localhost.local") or browser.cookies["csrftoken"]
    answer = browser.post(f"{live_server.url}/logout/", data={"csrfmiddlewaretoken": csrf},
                          headers={"Referer": f"{live_server.url}/"}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    target = urlsplit(answer.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{sso_on}/session/end"
    query = parse_qs(target.query)
    assert query["id_token_hint"][0].count(".") == 2  # the ID token of this sign-in
    assert query["post_logout_redirect_uri"] == [f"{live_server.url}/login/"]
    assert AccessEvent.objects.filter(action=Action.AUTH_LOGOUT, user=member).exists()
    # Django's session is over ...
    assert urlsplit(browser.get(f"{live_server.url}/", timeout=10).url).path == "/login/"
    # ... and the provider accepts the hint and asks to confirm ending its own session.
    confirm = browser.get(answer.headers["Location"], timeout=10)
    assert confirm.status_code == 200 and "logout" in confirm.text.lower()


def _reauthenticate(browser, live_server, issuer, *, sub, amr, next_url):
    requests.post(f"{issuer}/test/next-login", json={"sub": sub, "amr": amr}, timeout=5).raise_for_status()
    return browser.get(f"{live_server.url}/sso/login/", params={"reauth": "1", "next": next_url}, timeout=30)


def test_an_sso_only_member_re_authenticates_at_the_provider(live_server, sso_on, make_user):
    member = _linked(make_user, "analyst", roles.CRIME_ANALYST, sub="emp-4477")
    browser, landed = _sign_in(live_server, sso_on, sub="emp-4477", amr=["pwd", "mfa"])
    assert urlsplit(landed.url).path == "/"
    # The re-authentication landed offers the provider, not a password.
    confirm = browser.get(f"{live_server.url}/reauthenticate/", params={"next": "/alpr/search/"}, timeout=10)
    assert "Confirm with Oakland PD sign-in" in confirm.text and 'name="password"' not in confirm.text
    landed = _reauthenticate(browser, live_server, sso_on, sub="emp-4477", amr=["pwd", "mfa"], next_url="/alpr/search/")
    assert urlsplit(landed.url).path == "/alpr/search/" and landed.status_code == 200
    authorize = next(r for r in landed.history if r.url.startswith(f"{sso_on}/auth?"))
    assert parse_qs(urlsplit(authorize.url).query)["prompt"] == ["login"]  # the provider asks again
    assert AccessEvent.objects.filter(action=Action.AUTH_SSO_LOGIN, user=member).count() == 2


def test_re_authenticating_without_the_providers_second_factor_asks_the_local_code(live_server, sso_on, make_user):
    from tests.factories import authenticator

    member = _linked(make_user, "analyst", roles.CRIME_ANALYST, sub="emp-4478")
    authenticator(member)
    browser, landed = _sign_in(live_server, sso_on, sub="emp-4478", amr=["pwd", "mfa"])
    assert urlsplit(landed.url).path == "/"
    landed = _reauthenticate(browser, live_server, sso_on, sub="emp-4478", amr=["pwd"], next_url="/alpr/search/")
    assert urlsplit(landed.url).path == "/mfa/verify/"


@pytest.mark.browser
def test_in_a_real_browser_sign_in_and_sign_out_go_through_the_provider(page, sso_on, make_user, settings):  # noqa: F811
    """Chromium applies the CSP (form-action is checked on the redirects after a form), the
    cookies and the redirects as a member's browser would."""
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**policy["DIRECTIVES"], "form-action": ["'self'", sso_on]}}
    _linked(make_user, "officer", roles.OFFICER, sub="emp-4479")
    requests.post(f"{sso_on}/test/next-login", json={"sub": "emp-4479", "amr": ["pwd", "mfa"]}, timeout=5)
    page.goto(page.base_url + "/login/")
    page.check("form.sso input[name=acknowledge]")
    page.click("form.sso button")
    page.wait_for_url(page.base_url + "/")
    assert "Sign out" in page.content()
    page.click("text=Sign out")
    page.wait_for_url(f"{sso_on}/session/end**")
    # The provider asks to confirm ending its session; confirming returns to our sign-in page.
    page.click("button[autofocus], button[type=submit]")
    page.wait_for_url(page.base_url + "/login/**")
