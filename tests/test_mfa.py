"""Two-factor sign-in and re-authentication before privileged actions (issue 8, CJIS 5.6.2.2)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accounts.mfa import AUTHENTICATED_RECENTLY_AT
from accounts.models import Designation
from accounts.services import designation_create
from hotlists.models import Hotlist, HotlistEntryRequest
from hotlists.services import entries as hotlist_services
from tests.conftest import PASSWORD
from tests.factories import totp_code

pytestmark = pytest.mark.password_only


def _password_sign_in(client, user, next_url="/"):
    response = client.post(f"/login/?next={next_url}", {"username": user.username, "password": PASSWORD,
                                                        "acknowledge": "on", "next": next_url})
    assert response.status_code == 302, response.content[:500]
    return response


def _events(user, action):
    return AccessEvent.objects.filter(user=user, action=action)


def test_it_sends_a_required_role_to_enrol_before_anything_else(administrator, client):
    admin = administrator
    _password_sign_in(client, admin)
    for url in ("/", "/hotlists/requests/queue/", "/audits/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/mfa/setup/?next="), url
    api = client.get("/api/hotlists/")
    assert api.status_code == 403 and api.json()["error"]["code"] == "second_factor_required"


def test_it_enrols_an_app_with_recovery_codes_and_logs_it(coordinator, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    _password_sign_in(client, coordinator)
    page = client.get("/mfa/setup/?next=/training/")
    assert page.status_code == 200 and b"<svg" in page.content and b"Secret:" in page.content
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert client.get("/mfa/setup/").context["secret"] == page.context["secret"]  # same secret on reload

    wrong = client.post("/mfa/setup/", {"token": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "does not match" in wrong.content.decode()
    assert _events(coordinator, Action.AUTH_MFA_FAILED).count() == 1

    done = client.post("/mfa/setup/", {"token": totp_code(device), "next": "/training/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert StaticDevice.objects.get(user=coordinator).token_set.count() == 10
    assert _events(coordinator, Action.AUTH_MFA_ENROLLED).count() == 1
    assert client.get("/training/").status_code == 200  # this session counts as verified


def test_it_asks_an_enrolled_member_for_the_code_at_sign_in(auditor, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    device = TOTPDevice.objects.create(user=auditor, name="app", confirmed=True)
    _password_sign_in(client, auditor, next_url="/audits/")
    assert client.get("/audits/")["Location"].startswith("/mfa/verify/")
    wrong = client.post("/mfa/verify/", {"token": "12345", "next": "/audits/"})
    assert wrong.status_code == 200 and "not valid" in wrong.content.decode()
    assert client.get("/audits/").status_code == 302
    ok = client.post("/mfa/verify/", {"token": totp_code(device), "next": "/audits/"})
    assert ok.status_code == 302 and ok["Location"] == "/audits/"
    assert client.get("/audits/").status_code == 200
    assert _events(auditor, Action.AUTH_MFA_VERIFIED).count() == 1
    assert _events(auditor, Action.AUTH_MFA_FAILED).count() == 1


def test_it_refuses_a_replayed_code_and_an_offsite_next(auditor, client, django_user_model):
    device = TOTPDevice.objects.create(user=auditor, name="app", confirmed=True)
    code = totp_code(device)
    _password_sign_in(client, auditor)
    ok = client.post("/mfa/verify/", {"token": code, "next": "https://evil.example/"})
    assert ok["Location"] == "/"  # never a redirect off the site
    client.post("/logout/")
    _password_sign_in(client, auditor)
    again = client.post("/mfa/verify/", {"token": code})
    assert again.status_code == 200  # the same code does not work twice


def test_repeated_wrong_codes_are_throttled(auditor, client, settings):
    # A 30-second delay (production: 1 s, doubling) so a slow test machine cannot outlast it.
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    device = TOTPDevice.objects.create(user=auditor, name="app", confirmed=True)
    _password_sign_in(client, auditor)
    client.post("/mfa/verify/", {"token": "000000" if totp_code(device) != "000000" else "111111"})
    # Right after a failure even the right code waits out the delay.
    assert client.post("/mfa/verify/", {"token": totp_code(device)}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttling_failure_timestamp = timezone.now() - timedelta(seconds=31)
    device.save()
    assert client.post("/mfa/verify/", {"token": totp_code(device)}).status_code == 302


def test_a_recovery_code_works_once(auditor, client):
    TOTPDevice.objects.create(user=auditor, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=auditor, name="codes", confirmed=True)
    static.token_set.create(token="abcd2345")
    _password_sign_in(client, auditor)
    assert client.post("/mfa/verify/", {"token": "ABCD 2345"}).status_code == 302
    client.post("/logout/")
    _password_sign_in(client, auditor)
    assert client.post("/mfa/verify/", {"token": "abcd2345"}).status_code == 200
    assert not static.token_set.exists()


def test_an_officer_may_enrol_but_need_not(officer, client, settings):
    _password_sign_in(client, officer)
    assert client.get("/").status_code == 200
    assert b"optional for your role" in client.get("/mfa/").content
    settings.ALPR_MFA_REQUIRED_ROLES = ["all"]  # the CJIS default for every member
    assert client.get("/")["Location"].startswith("/mfa/setup/")


def test_a_current_designee_and_admin_staff_need_it(administrator, analyst, investigator, client):
    today = timezone.localdate()
    designation_create(administrator=administrator, designee=analyst,
                       scope=Designation.Scope.HOTLIST_APPROVAL, written_authority="Memo 26-9",
                       starts_on=today, ends_on=today + timedelta(days=5))
    _password_sign_in(client, analyst)
    assert client.get("/")["Location"].startswith("/mfa/setup/")
    client.post("/logout/")
    investigator.is_staff = True
    investigator.save()
    _password_sign_in(client, investigator)
    assert client.get("/admin/")["Location"].startswith("/mfa/setup/")


def test_an_unknown_role_in_the_setting_fails_the_system_check(settings):
    settings.ALPR_MFA_REQUIRED_ROLES = ["ALPR Administrater"]
    with pytest.raises(SystemCheckError, match="unknown roles"):
        call_command("check")


@pytest.fixture
def pending_request(investigator):
    hotlist = hotlist_services.hotlist_create(name="BOLO", source=Hotlist.Source.CUSTOM_BOLO,
                                              purpose=Hotlist.Purpose.BURGLARY)
    return hotlist_services.request_submit(
        requester=investigator, hotlist=hotlist, plate="6LMN903", case_number="26-1", state="CA",
        vehicle_description="Black Camry", justification="Robbery suspect vehicle")


def _verified_client(client, user):
    from tests.conftest import verify_second_factor

    _password_sign_in(client, user)
    return verify_second_factor(client, user)


def _age_authentication(client, seconds):
    session = client.session
    session[AUTHENTICATED_RECENTLY_AT] = int(time.time()) - seconds
    session.save()


def test_an_approval_needs_an_authentication_from_the_last_15_minutes(administrator, client, pending_request):
    admin = administrator
    device = _verified_client(client, admin)
    _age_authentication(client, 16 * 60)
    detail = f"/hotlists/requests/{pending_request.pk}/"
    refused = client.post(f"{detail}approve/", HTTP_REFERER=f"http://testserver{detail}")
    assert refused.status_code == 302 and refused["Location"].startswith("/reauthenticate/?next=")
    pending_request.refresh_from_db()
    assert pending_request.status == HotlistEntryRequest.Status.SUBMITTED
    assert _events(admin, Action.AUTH_REAUTH_REQUIRED).count() == 1

    bad = client.post("/reauthenticate/", {"password": "wrong", "token": totp_code(device), "next": detail})
    assert bad.status_code == 200 and _events(admin, Action.AUTH_REAUTH_FAILED).count() == 1
    good = client.post("/reauthenticate/", {"password": PASSWORD, "token": totp_code(device), "next": detail})
    assert good.status_code == 302 and good["Location"] == detail
    assert client.post(f"{detail}approve/").status_code == 302
    pending_request.refresh_from_db()
    assert pending_request.status == HotlistEntryRequest.Status.APPROVED


def test_an_api_token_alone_cannot_approve(administrator, pending_request):
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=administrator).key}")
    response = api.post(f"/api/hotlists/requests/{pending_request.pk}/decision/", {"action": "approve"},
                        format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "reauthentication_required"
    pending_request.refresh_from_db()
    assert pending_request.status == HotlistEntryRequest.Status.SUBMITTED


def test_finalising_an_audit_and_placing_a_hold_need_recent_authentication(auditor, investigator, client):
    _verified_client(client, auditor)
    _age_authentication(client, 3600)
    assert client.post("/audits/audits/999/finalise/").status_code == 404  # outsiders' answer first
    client.post("/logout/")
    _verified_client(client, investigator)
    _age_authentication(client, 3600)
    response = client.get("/alpr/holds/new/")
    assert response.status_code == 302 and response["Location"].startswith("/reauthenticate/")


@pytest.fixture
def admin_user(make_user):
    return make_user("root", is_superuser=True, is_staff=True)


def test_an_administrator_resets_a_lost_second_factor(auditor, client, admin_user):
    TOTPDevice.objects.create(user=auditor, name="app", confirmed=True)
    StaticDevice.objects.create(user=auditor, name="codes", confirmed=True)
    _verified_client(client, admin_user)
    response = client.post("/admin/accounts/user/", {"action": "reset_second_factor",
                                                     "_selected_action": [auditor.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    assert not StaticDevice.objects.filter(user=auditor).exists()
    assert AccessEvent.objects.filter(action=Action.AUTH_MFA_RESET, object_id=str(auditor.pk)).count() == 1


def test_nobody_reads_another_members_secret_in_the_admin(personas, client, admin_user):
    _verified_client(client, admin_user)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
