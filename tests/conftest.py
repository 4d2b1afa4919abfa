"""Shared fixtures: personas (one user per role, an outsider, an untrained member).

A test takes the persona it needs by name: the fixtures `officer`, `analyst`, `investigator`,
`administrator`, `coordinator`, `auditor`, `untrained`, `outsider` and `designee`. The
`personas` dict stays for tables that loop over several people by name (and for `pst`).

One naming style: a test's name is a full sentence. `test_it_*` reads as one ("it refuses
..."), and so does `test_the_officer_*`; `test_personas.py` fails on a name of fewer than
three words after `test_` (`test_search2`).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from accounts import roles
from accounts.models import Agency, User
from training.models import REQUIRED_TOPICS, TrainingCourse, TrainingRecord

PASSWORD = "correct-horse-battery-staple"

PERSONAS = {
    "officer": roles.OFFICER,
    "pst": roles.PST,
    "analyst": roles.CRIME_ANALYST,
    "investigator": roles.INVESTIGATOR,
    "administrator": roles.ADMINISTRATOR,
    "coordinator": roles.COORDINATOR,
    "auditor": roles.AUDITOR,
}


def _allow_access_log_truncate_in_flush():
    """Django empties tables between transactional tests with TRUNCATE, which the access
    log's trigger refuses (audits migration 0002). Only the test runner's flush sets the
    maintenance escape, and only inside its own transaction (SET LOCAL)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    if getattr(DatabaseOperations.sql_flush, "_alpr_patched", False):
        return
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL alpr.access_log_maintenance = 'on';", *statements] if statements else statements

    sql_flush._alpr_patched = True
    DatabaseOperations.sql_flush = sql_flush


if connection.vendor == "postgresql":
    _allow_access_log_truncate_in_flush()


@pytest.fixture
def home_agency(db):
    return Agency.objects.create(name="Oakland Police Department", ori="CA0010900", state="CA",
                                 kind=Agency.Kind.MUNICIPAL_POLICE, is_home=True)


@pytest.fixture
def other_agency(db):
    return Agency.objects.create(name="Alameda County Sheriff's Office", ori="CA0010000", state="CA",
                                 kind=Agency.Kind.SHERIFF)


@pytest.fixture
def course(db):
    return TrainingCourse.objects.create(title="ALPR Operator Training", version="2026.1",
                                         topics=sorted(REQUIRED_TOPICS), is_department_approved=True)


@pytest.fixture
def make_user(db, home_agency, course):
    def make(username, role=None, *, agency=None, trained=True, trained_days_ago=10, **extra):
        user = User.objects.create_user(
            username=username, password=PASSWORD, agency=agency or home_agency,
            first_name=username.capitalize(), last_name="Tester", serial_number=f"S-{username}", **extra,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        if trained:
            TrainingRecord.objects.create(
                member=user, course=course, trainer="Training Section",
                completed_on=timezone.localdate() - timedelta(days=trained_days_ago),
            )
        return user

    return make


@pytest.fixture
def personas(make_user, other_agency):
    """One user per role, plus `outsider` (another agency's officer) and `untrained`."""
    people = {name: make_user(name, role) for name, role in PERSONAS.items()}
    people["administrator"].is_staff = True
    people["administrator"].save()
    people["outsider"] = make_user("outsider", roles.OFFICER, agency=other_agency)
    people["untrained"] = make_user("untrained", roles.OFFICER, trained_days_ago=400)
    return people


# One fixture per persona (issue 17 §4), each the same user as `personas[name]`, so a test
# names the people it needs: `def test_it_...(officer, outsider)`.

@pytest.fixture
def officer(personas):
    return personas["officer"]


@pytest.fixture
def analyst(personas):
    return personas["analyst"]


@pytest.fixture
def investigator(personas):
    return personas["investigator"]


@pytest.fixture
def administrator(personas):
    return personas["administrator"]


@pytest.fixture
def coordinator(personas):
    return personas["coordinator"]


@pytest.fixture
def auditor(personas):
    return personas["auditor"]


@pytest.fixture
def untrained(personas):
    """An officer whose training lapsed (400 days ago): the gate refuses them (ID-4)."""
    return personas["untrained"]


@pytest.fixture
def outsider(personas):
    """Another agency's officer: sees none of the department's records (404)."""
    return personas["outsider"]


@pytest.fixture
def designee(personas, make_user):
    """A lieutenant (officer role) whom the ALPR Administrator designated in writing to
    approve hot-list entries and sharing requests (ID-3), as the demo's `designee`. Not in
    `personas`, so tests that count members are not changed by it."""
    from accounts.models import Designation
    from accounts.services import designation_create

    user = make_user("designee", roles.OFFICER, rank="Lieutenant")
    today = timezone.localdate()
    for scope in (Designation.Scope.HOTLIST_APPROVAL, Designation.Scope.SHARING_APPROVAL):
        designation_create(administrator=personas["administrator"], designee=user, scope=scope,
                           written_authority="Memo BOS-26-031: Lt. Designee acts for the Deputy Director",
                           starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=90))
    return user


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


def verify_second_factor(client, user):
    """Give the signed-in test client's session the second factor, as the two-factor page
    would after a correct code (django-otp keeps the device's id in the session)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.mfa import AUTHENTICATED_RECENTLY_AT
    from tests.factories import authenticator

    device = authenticator(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[AUTHENTICATED_RECENTLY_AT] = int(timezone.now().timestamp())
    session.save()
    return device


@pytest.fixture(autouse=True)
def _sign_in_with_second_factor(request, monkeypatch):
    """Tests about other features sign in fully: `client.force_login` also gives the second
    factor. Tests of two-factor sign-in itself mark themselves `password_only` and get
    Django's plain force_login."""
    if request.node.get_closest_marker("password_only"):
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _fresh_matcher():
    """Each test's database is rolled back, version numbers included, so no process-wide
    matcher index may survive from one test to the next."""
    from hotlists.matching import reset_index

    reset_index()
    yield
    reset_index()


@pytest.fixture
def dispositions(db):
    """Migration data is gone after a transactional test's flush; put it back."""
    from alpr.dispositions import ensure_default_codes

    ensure_default_codes()


def session_api_client(user):
    """An API client signed in by session, as a browser page's script would call the
    API: CSRF enforced (issue 18: Django's test clients skip it unless told), with the
    CSRF cookie a page sets and the header that carries it."""
    from rest_framework.test import APIClient

    api = APIClient(enforce_csrf_checks=True)
    api.force_login(user)
    api.get("/")  # a page with a form sets the CSRF cookie
    api.credentials(HTTP_X_CSRFTOKEN=api.cookies["csrftoken"].value)
    return api
