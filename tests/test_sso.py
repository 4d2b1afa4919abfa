"""Single sign-on without a provider (issue 22 part 3): claim handling, account matching,
the off-by-default state, SSO-only accounts. The whole flow against a real provider is
tests/test_sso_e2e.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accounts import mfa, roles, sso
from accounts.models import User
from tests.conftest import PASSWORD

ISSUER = "https://idp.oaklandca.gov"


@pytest.fixture
def sso_settings(settings):
    settings.ALPR_OIDC_ISSUER = ISSUER
    settings.ALPR_OIDC_CLIENT_ID = "alpr"
    settings.ALPR_OIDC_CLIENT_SECRET = "secret"
    return settings


@pytest.mark.parametrize(("claims", "expected"), [
    ({"amr": ["pwd", "mfa"]}, "amr mfa"),
    ({"amr": ["pwd", "OTP"]}, "amr OTP"),
    ({"amr": ["hwk"]}, "amr hwk"),
    ({"amr": "swk"}, "amr swk"),
    ({"amr": ["pwd"]}, None),
    ({"amr": ["pwd", "kba"]}, None),
    ({}, None),
    ({"amr": [1, None]}, None),
    ({"acr": "urn:agency:loa:2fa"}, None),  # no acr configured by default
])
def test_it_reads_the_second_factor_from_amr(settings, claims, expected):
    assert sso.second_factor_from_claims(claims) == expected


def test_it_accepts_a_configured_acr(settings):
    settings.ALPR_OIDC_MFA_ACR = ["urn:agency:loa:2fa"]
    assert sso.second_factor_from_claims({"acr": "urn:agency:loa:2fa", "amr": ["pwd"]}) == "acr urn:agency:loa:2fa"
    assert sso.second_factor_from_claims({"acr": "urn:agency:loa:1"}) is None


def test_it_matches_by_issuer_and_subject_only(sso_settings, make_user):
    member = make_user("officer", roles.OFFICER, email="a@oaklandca.gov")
    member.oidc_issuer, member.oidc_subject = ISSUER, "emp-1"
    member.save()
    assert sso.account_for_claims(claims={"sub": "emp-1"}) == member
    # The same sub at another provider is somebody else.
    sso_settings.ALPR_OIDC_ISSUER = "https://other-idp.example"
    assert sso.account_for_claims(claims={"sub": "emp-1"}) is None


def test_an_unknown_subject_is_refused_logged_and_nothing_created(sso_settings, make_user):
    make_user("officer", roles.OFFICER, email="a@oaklandca.gov")
    before = User.objects.count()
    request = RequestFactory().get("/sso/callback/")
    assert sso.account_for_claims(claims={"sub": "emp-9", "email": "a@oaklandca.gov", "email_verified": True},
                                  request=request) is None
    assert User.objects.count() == before
    event = AccessEvent.objects.get(action=Action.AUTH_SSO_REFUSED)
    assert event.outcome == AccessEvent.Outcome.DENIED and "emp-9" in event.detail and event.username == "sso:emp-9"


def test_email_links_only_when_verified_and_allowed(sso_settings, make_user):
    member = make_user("officer", roles.OFFICER, email="a@oaklandca.gov")
    claims = {"sub": "emp-2", "email": "a@oaklandca.gov", "email_verified": True}
    assert sso.account_for_claims(claims=claims) is None  # off by default
    sso_settings.ALPR_OIDC_LINK_BY_VERIFIED_EMAIL = True
    assert sso.account_for_claims(claims={**claims, "email_verified": False}) is None
    assert sso.account_for_claims(claims={**claims, "email_verified": "true"}) is None  # a string is not a yes
    assert sso.account_for_claims(claims=claims) == member
    member.refresh_from_db()
    assert (member.oidc_issuer, member.oidc_subject, member.sso_only) == (ISSUER, "emp-2", True)


def test_email_never_links_an_ambiguous_or_already_linked_account(sso_settings, make_user):
    sso_settings.ALPR_OIDC_LINK_BY_VERIFIED_EMAIL = True
    make_user("one", roles.OFFICER, email="same@oaklandca.gov")
    make_user("two", roles.OFFICER, email="same@oaklandca.gov")
    assert sso.account_for_claims(claims={"sub": "x", "email": "same@oaklandca.gov", "email_verified": True}) is None
    linked = make_user("three", roles.OFFICER, email="c@oaklandca.gov", oidc_issuer=ISSUER, oidc_subject="emp-3")
    assert sso.account_for_claims(claims={"sub": "y", "email": "c@oaklandca.gov", "email_verified": True}) is None
    linked.refresh_from_db()
    assert linked.oidc_subject == "emp-3"


def test_sso_is_off_unless_configured(client, settings):
    settings.ALPR_OIDC_ISSUER = ""
    assert not sso.configured()
    assert b"Sign in with" not in client.get("/login/").content
    assert client.get("/sso/login/?acknowledge=1").status_code == 404
    assert client.get("/sso/callback/?code=x&state=y").status_code == 404


def test_the_button_shows_when_configured(client, sso_settings):
    sso_settings.ALPR_OIDC_PROVIDER_NAME = "Oakland PD sign-in"
    assert b"Sign in with Oakland PD sign-in" in client.get("/login/").content


def test_the_notice_must_be_acknowledged_before_going_to_the_provider(client, sso_settings):
    answer = client.get("/sso/login/")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_an_unreachable_provider_is_a_clear_page(client, db, sso_settings):
    sso_settings.ALPR_OIDC_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
    sso._discovery_cache.clear()
    answer = client.get("/sso/login/?acknowledge=1")
    assert answer.status_code == 503 and b"cannot be reached" in answer.content
    assert AccessEvent.objects.filter(action=Action.AUTH_SSO_FAILED).exists()


def test_a_partial_configuration_is_refused_at_start_up():
    import subprocess
    import sys

    env = {"ALPR_OIDC_ISSUER": ISSUER, "DJANGO_ENV": "test", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", "import config.settings"], env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=60)
    assert done.returncode != 0 and "ALPR_OIDC_CLIENT_ID" in done.stderr


def test_the_sign_in_and_sign_out_forms_may_go_on_to_the_provider():
    """Browsers check CSP form-action on the redirects after a form: the provider's origin
    is allowed there when SSO is configured, and only then."""
    import subprocess
    import sys

    code = "import config.settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    base = {"DJANGO_ENV": "test", "PATH": "/usr/bin:/bin"}
    on = dict(base, ALPR_OIDC_ISSUER=ISSUER + "/realms/opd", ALPR_OIDC_CLIENT_ID="alpr", ALPR_OIDC_CLIENT_SECRET="x")
    results = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,  # noqa: S603
                              timeout=60, check=True).stdout.strip() for env in (base, on)]
    assert results == ["[\"'self'\"]", f"[\"'self'\", '{ISSUER}']"]


def test_an_sso_only_account_refuses_the_local_password(client, make_user, settings):
    settings.ALPR_OIDC_ISSUER = ISSUER
    member = make_user("officer", roles.OFFICER, oidc_subject="emp-5", sso_only=True)
    answer = client.post("/login/", {"username": "officer", "password": PASSWORD, "acknowledge": "on"})
    assert answer.status_code == 200 and not answer.wsgi_request.user.is_authenticated
    member.sso_only = False
    member.save()
    answer = client.post("/login/", {"username": "officer", "password": PASSWORD, "acknowledge": "on"})
    assert answer.status_code == 302


def test_flagging_an_account_sso_only_ends_its_password_sessions(client, make_user, settings):
    settings.ALPR_OIDC_ISSUER = ISSUER
    member = make_user("officer", roles.OFFICER, oidc_subject="emp-8")
    client.post("/login/", {"username": "officer", "password": PASSWORD, "acknowledge": "on"})
    assert client.get("/").status_code == 200
    member.sso_only = True
    member.save()
    assert client.get("/").status_code == 302


def test_sso_only_needs_a_linked_subject(make_user, settings):
    settings.ALPR_OIDC_ISSUER = ISSUER
    member = make_user("officer", roles.OFFICER)
    member.sso_only = True
    with pytest.raises(ValidationError):
        member.full_clean()
    member.oidc_subject = " emp-6 "
    member.full_clean()
    assert (member.oidc_issuer, member.oidc_subject) == (ISSUER, "emp-6")


@pytest.mark.password_only
def test_the_providers_second_factor_opens_the_two_factor_gate_for_that_member_only(client, make_user, settings):
    settings.ALPR_OIDC_ISSUER = ISSUER
    coordinator = make_user("coord", roles.COORDINATOR)
    client.force_login(coordinator)
    assert client.get("/").status_code == 302  # must enrol or give a code
    session = client.session
    session[mfa.SSO_SECOND_FACTOR] = coordinator.pk + 1000  # another account's flag counts for nothing
    session.save()
    assert client.get("/").status_code == 302
    session[mfa.SSO_SECOND_FACTOR] = coordinator.pk
    session.save()
    assert client.get("/").status_code == 200


def test_an_sso_only_member_re_authenticates_at_the_provider(client, make_user, sso_settings):
    member = make_user("analyst", roles.CRIME_ANALYST, oidc_subject="emp-7", sso_only=True)
    # (A password session of an SSO-only account does not survive: LocalPasswordBackend.)
    client.force_login(member, backend="accounts.sso.AgencyOIDCBackend")
    page = client.get("/reauthenticate/?next=/alpr/search/")
    assert page.status_code == 200
    assert b"/sso/login/?next=%2Falpr%2Fsearch%2F&amp;reauth=1" in page.content
    # And the password path refuses them even with the right password.
    request = RequestFactory().post("/reauthenticate/")
    request.user, request.session = member, client.session
    assert not mfa.reauthenticate(request=request, password=PASSWORD, token="")


def test_an_administrator_links_a_subject_in_the_admin(client, make_user, sso_settings):
    admin = make_user("root", is_staff=True, is_superuser=True)
    member = make_user("officer", roles.OFFICER)
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{member.pk}/change/")
    assert page.status_code == 200
    for field in ("oidc_issuer", "oidc_subject", "sso_only"):
        assert f'name="{field}"'.encode() in page.content
    # The pair is unique: a subject already linked cannot be given to a second account.
    member.oidc_subject = "emp-10"
    member.full_clean()
    member.save()
    other = make_user("pst", roles.PST)
    other.oidc_subject = "emp-10"
    with pytest.raises(ValidationError):
        other.full_clean()
