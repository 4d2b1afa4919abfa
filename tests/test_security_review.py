"""Issue 18: the defects a security review found, each with the test that failed before
its fix. The attacks are a hostile insider's: a member's own token, cookie and session."""

import time

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accounts.mfa import AUTHENTICATED_RECENTLY_AT


def _token(user) -> str:
    return f"Token {Token.objects.get_or_create(user=user)[0].key}"


# --- Defect 1: a staff member's API token opened the admin and every web page ----------

@pytest.mark.parametrize(("persona", "url"), [
    ("administrator", "/admin/accesslog/accessevent/"),
    ("administrator", "/admin/accounts/user/"),
    ("administrator", "/designations/"),
    ("administrator", "/sharing/"),
    ("auditor", "/audits/log.csv"),
    ("analyst", "/alpr/search/"),
])
def test_it_opens_no_web_or_admin_page_to_an_api_token(personas, persona, url):
    response = Client(enforce_csrf_checks=True).get(url, HTTP_AUTHORIZATION=_token(personas[persona]))
    assert response.status_code in (302, 404), response.status_code
    if response.status_code == 302:
        assert "login" in response["Location"]


def test_it_refuses_the_admins_second_factor_reset_to_a_token(officer, administrator):
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=_token(administrator))
    client.get("/admin/accounts/user/")
    csrf = client.cookies.get("csrftoken")
    client.post("/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [officer.pk],
                                          "csrfmiddlewaretoken": csrf.value if csrf else ""})
    assert TOTPDevice.objects.filter(user=officer).exists()
    assert not AccessEvent.objects.filter(action=Action.AUTH_MFA_RESET).exists()


def test_it_asks_a_fresh_sign_in_before_resetting_a_second_factor(officer, client, admin_user):
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.force_login(admin_user)
    session = client.session
    session[AUTHENTICATED_RECENTLY_AT] = int(time.time()) - 16 * 60
    session.save()
    refused = client.post("/admin/accounts/user/", {"action": "reset_second_factor",
                                                    "_selected_action": [officer.pk]})
    assert refused.status_code == 302 and refused["Location"].startswith("/reauthenticate/")
    assert TOTPDevice.objects.filter(user=officer).exists()


def test_a_token_beside_a_recent_session_is_no_reauthentication(investigator, coordinator, administrator, client):
    """A token holder who also carries their own freshly re-authenticated session cookie
    must not lend that freshness to the token's owner."""
    from hotlists.models import Hotlist
    from hotlists.services import entries as hotlist_services

    hotlist = hotlist_services.hotlist_create(name="BOLO", source=Hotlist.Source.CUSTOM_BOLO,
                                              purpose=Hotlist.Purpose.BURGLARY)
    pending = hotlist_services.request_submit(
        requester=investigator, hotlist=hotlist, plate="6LMN903", case_number="26-1", state="CA",
        vehicle_description="Black Camry", justification="Robbery suspect vehicle")
    client.force_login(coordinator)  # fresh session of someone else
    response = client.post(f"/api/hotlists/requests/{pending.pk}/decision/", {"action": "approve"},
                           content_type="application/json", HTTP_AUTHORIZATION=_token(administrator))
    assert response.status_code == 403 and response.json()["error"]["code"] == "reauthentication_required"


# --- Defect 2: every API write made with a token failed CSRF ---------------------------

def test_it_accepts_token_writes_without_csrf_and_refuses_cookie_writes_without_it(officer):
    from hotlists.models import Hotlist
    from hotlists.services import entries as hotlist_services

    bolo = hotlist_services.hotlist_create(name="BOLO", source=Hotlist.Source.CUSTOM_BOLO,
                                           purpose=Hotlist.Purpose.BURGLARY)
    body = {"hotlist": bolo.pk, "plate": "6LMN903", "state": "CA", "case_number": "26-004411",
            "vehicle_description": "Black Camry", "justification": "Burglary suspect vehicle seen leaving"}
    by_token = Client(enforce_csrf_checks=True).post("/api/hotlists/requests/", body, content_type="application/json",
                                                     HTTP_AUTHORIZATION=_token(officer))
    assert by_token.status_code == 201, by_token.content
    cookie = Client(enforce_csrf_checks=True)
    cookie.force_login(officer)
    refused = cookie.post("/api/hotlists/requests/", body, content_type="application/json")
    assert refused.status_code == 403


# --- Defect 9: the enrolment page never said two-factor was required ---------------------

@pytest.mark.password_only
def test_it_tells_a_member_whose_role_requires_it_that_two_factor_is_required(auditor, officer, client):
    client.force_login(auditor)
    page = client.get("/mfa/setup/")
    assert b"Your role requires two-factor sign-in" in page.content
    client.force_login(officer)
    assert b"Your role requires two-factor sign-in" not in client.get("/mfa/setup/").content


# --- Defect 4: no throttle on /reauthenticate/ ------------------------------------------

@pytest.mark.password_only
def test_it_locks_the_account_and_ends_the_session_after_too_many_wrong_reauthentications(
        officer, client, settings):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    from tests.conftest import PASSWORD

    client.force_login(officer)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page = client.post("/reauthenticate/", {"password": "not-the-password", "next": "/"})
        assert page.status_code == 200 and b"not accepted" in page.content
    last = client.post("/reauthenticate/", {"password": "not-the-password", "next": "/"})
    assert last.status_code in (302, 429)  # 429: the lockout page
    # The session is over, and the right password is no longer accepted anywhere.
    assert client.get("/").status_code == 302
    assert AccessEvent.objects.filter(action=Action.AUTH_LOCKOUT, user=officer).exists()
    assert not authenticate(RequestFactory().post("/login/"), username=officer.username, password=PASSWORD)
    assert AccessEvent.objects.filter(action=Action.AUTH_REAUTH_FAILED, user=officer).count() >= 5


# --- Defect 6: another agency's officer saw the department's hot-list names and sizes ---

def test_it_shows_another_agencys_member_none_of_the_departments_lists(outsider, officer, client):
    from hotlists.models import Hotlist
    from hotlists.services import entries as hotlist_services

    hotlist_services.hotlist_create(name="Burglary series BOLO", source=Hotlist.Source.CUSTOM_BOLO,
                                    purpose=Hotlist.Purpose.BURGLARY)
    client.force_login(outsider)
    assert client.get("/hotlists/").status_code == 404
    assert client.get("/hotlists/requests/new/").status_code == 404
    listed = Client(enforce_csrf_checks=True).get("/api/hotlists/", HTTP_AUTHORIZATION=_token(outsider))
    assert listed.status_code == 200 and listed.json() == []
    client.force_login(officer)
    assert b"Burglary series BOLO" in client.get("/hotlists/").content


# --- Defect 7: no Cache-Control: no-store on what carries ALPR data ---------------------

@pytest.mark.parametrize("url", ["/", "/alpr/alerts/", "/audits/log.csv", "/api/hits/", "/nowhere/", "image"])
def test_it_forbids_caches_to_store_any_answer(administrator, client, url, home_agency):
    client.force_login(administrator)
    if url == "image":  # a read's image: the view's own "private, max-age" is not enough
        from alpr.images import image_url
        from tests import factories

        read = factories.read(factories.camera(home_agency), "7ABC123", images=True)
        url = image_url(read=read, kind="crop", user=administrator)
    response = client.get(url)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- Identity and access gaps (ID-1, ID-2, ID-4) ----------------------------------------

def test_it_refuses_professional_staff_without_a_recorded_designation(make_user, administrator, client):
    from datetime import date

    from accounts import roles

    staffer = make_user("staffer", roles.CRIME_ANALYST, member_kind="staff")
    client.force_login(staffer)
    refused = client.get("/alpr/search/")
    assert refused.status_code == 403 and b"designation" in refused.content
    api = Client(enforce_csrf_checks=True).get("/api/hits/", HTTP_AUTHORIZATION=_token(staffer))
    assert api.status_code == 403
    assert AccessEvent.objects.filter(action=Action.TRAINING_GATE_REFUSED, user=staffer,
                                      detail__contains="designation").exists()
    staffer.alpr_designated_by, staffer.alpr_designated_on = administrator, date(2026, 1, 5)
    staffer.save()
    assert client.get("/alpr/search/").status_code == 200


def test_it_opens_the_gate_only_for_department_approved_courses(make_user, client):
    from datetime import timedelta

    from django.utils import timezone

    from accounts import roles
    from training.models import REQUIRED_TOPICS, TrainingCourse, TrainingRecord

    member = make_user("newhire", roles.OFFICER, trained=False)
    vendor = TrainingCourse.objects.create(title="Vendor webinar", version="1", topics=sorted(REQUIRED_TOPICS),
                                           is_department_approved=False)
    TrainingRecord.objects.create(member=member, course=vendor, trainer="Vendor",
                                  completed_on=timezone.localdate() - timedelta(days=3))
    client.force_login(member)
    assert client.get("/alpr/alerts/").status_code == 403


def test_it_refuses_an_untrained_member_in_the_services_too(untrained):
    """The training gate is not only web middleware: the services refuse too (API,
    commands and tasks acting for a member reach them without the middleware)."""
    from hotlists.models import Hotlist
    from hotlists.services import entries as hotlist_services
    from lib.errors import NotPermitted

    bolo = hotlist_services.hotlist_create(name="BOLO", source=Hotlist.Source.CUSTOM_BOLO,
                                           purpose=Hotlist.Purpose.BURGLARY)
    with pytest.raises(NotPermitted, match="Training expired"):
        hotlist_services.request_submit(requester=untrained, hotlist=bolo, plate="6LMN903",
                                        case_number="26-1", state="CA", vehicle_description="Black Camry",
                                        justification="Burglary suspect vehicle")
    from django.utils import timezone

    from alpr.criteria import build_criteria
    from alpr.services.search import search_run

    now = timezone.now()
    criteria = build_criteria(captured_from=now - timezone.timedelta(days=1), captured_to=now, plate="6LMN903")
    with pytest.raises(NotPermitted):
        search_run(user=untrained, purpose="burglary", case_number="26-000123",
                   justification="Burglary suspect vehicle", attested=True, criteria=criteria,
                   offence_category="PC459")


@pytest.mark.parametrize("fields", [
    {"first_name": "", "last_name": "", "serial_number": None},
    {"first_name": "Patrol", "last_name": "Car", "serial_number": ""},
    {"first_name": "", "last_name": "Seven", "serial_number": "S-7"},
])
def test_it_refuses_a_generic_account_that_names_no_person(home_agency, fields):
    from django.core.exceptions import ValidationError

    from accounts.models import User

    account = User(username="patrolcar7", agency=home_agency, **fields)
    account.set_password("a-long-enough-password")
    with pytest.raises(ValidationError):
        account.full_clean()


def test_it_asks_the_admin_for_the_person_when_creating_an_account(admin_user, client, home_agency):
    from accounts.models import User

    client.force_login(admin_user)
    body = {"username": "patrolcar7", "usable_password": "true", "password1": "a-long-enough-password-1",
            "password2": "a-long-enough-password-1", "agency": home_agency.pk, "member_kind": "sworn"}
    refused = client.post("/admin/accounts/user/add/", body)
    assert refused.status_code == 200 and not User.objects.filter(username="patrolcar7").exists()
    created = client.post("/admin/accounts/user/add/", {**body, "username": "jdoe", "first_name": "Jane",
                                                        "last_name": "Doe", "serial_number": "8812"})
    assert created.status_code == 302 and User.objects.get(username="jdoe").serial_number == "8812"
    duplicate = client.post("/admin/accounts/user/add/", {**body, "username": "jdoe2", "first_name": "John",
                                                          "last_name": "Doe", "serial_number": "8812"})
    assert duplicate.status_code == 200 and not User.objects.filter(username="jdoe2").exists()
