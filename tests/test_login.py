import pytest
from django.urls import reverse

from accesslog.actions import Action
from accesslog.models import AccessEvent
from tests.conftest import PASSWORD


def _post_login(client, username, password, acknowledge=True):
    data = {"username": username, "password": password}
    if acknowledge:
        data["acknowledge"] = "on"
    return client.post(reverse("accounts:login"), data)


def test_it_shows_the_banner(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "restricted law-enforcement information system" in response.content.decode()


def test_it_requires_the_banner_acknowledgement(client, personas):
    response = _post_login(client, "officer", PASSWORD, acknowledge=False)
    assert response.status_code == 200
    assert "acknowledge the notice" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_signs_in_and_records_the_event(client, officer):
    response = _post_login(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    event = AccessEvent.objects.get(action=Action.AUTH_LOGIN)
    assert event.user == officer
    assert event.agency_name == "Oakland Police Department"
    assert event.client_address == "127.0.0.1"


def test_it_reissues_the_session_at_login(client, personas):
    client.get(reverse("accounts:login"))
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    _post_login(client, "officer", PASSWORD)
    assert client.cookies["sessionid"].value != "attacker-chosen-session-id"


def test_it_records_failures(client, personas):
    _post_login(client, "officer", "wrong-password-123")
    event = AccessEvent.objects.get(action=Action.AUTH_LOGIN_FAILED)
    assert event.username == "officer"
    assert event.outcome == AccessEvent.Outcome.DENIED


def test_it_locks_after_five_failures_until_released(client, personas):
    from axes.utils import reset

    for _ in range(5):
        _post_login(client, "officer", "wrong-password-123")
    # The right password no longer works: the account is locked.
    response = _post_login(client, "officer", PASSWORD)
    assert response.status_code in (403, 429)
    assert "Account locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessEvent.objects.filter(action=Action.AUTH_LOCKOUT, username="officer").exists()
    # Other accounts are unaffected.
    assert _post_login(client, "analyst", PASSWORD).status_code == 302
    client.logout()
    # An administrator releases the lock.
    reset(username="officer")
    assert _post_login(client, "officer", PASSWORD).status_code == 302


def test_it_records_logout(client, officer):
    _post_login(client, "officer", PASSWORD)
    client.post(reverse("accounts:logout"))
    assert AccessEvent.objects.filter(action=Action.AUTH_LOGOUT, user=officer).exists()


def test_it_rejects_short_passwords(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Sh0rt-pass!")
    validate_password("a-long-enough-passphrase")


def test_sessions_expire_after_thirty_idle_minutes(client, officer):
    # Issue 17: this asserted the setting; now the behaviour. A member's request sets the
    # session to end 30 minutes later, and a session past that asks for a new sign-in.
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(officer)
    asked = timezone.now()
    assert client.get(reverse("alpr:alerts")).status_code == 200
    assert timedelta(minutes=30) <= _expiry(client) - asked < timedelta(minutes=30, seconds=30)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))  # 30 idle minutes later
    response = client.get(reverse("alpr:alerts"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def _expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_members_request_extends_the_session_but_a_background_poll_does_not(client, officer):
    import time

    client.force_login(officer)
    client.get(reverse("accounts:dashboard"))
    first = _expiry(client)
    time.sleep(1.1)
    client.get(reverse("alpr:alerts_feed"), HTTP_HX_REQUEST="true")
    assert _expiry(client) == first  # the page refreshing itself is not activity
    client.get(reverse("alpr:alerts"))
    assert _expiry(client) > first
