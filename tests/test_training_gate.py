"""ID-4: no URL that shows or changes ALPR data escapes the training gate."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accounts.authentication import EXEMPT_DEVICE_URL_NAMES
from training.gate import EXEMPT_ADMIN_APPS, EXEMPT_URL_NAMES


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if p.namespace and namespace:
                ns = f"{namespace}:{p.namespace}"
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def _concrete(route):
    """Turn a route (path converters or regex) into a URL with plausible ids."""
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000001", route)
    route = re.sub(r"<path:[^>]+>", "x/y", route)
    route = re.sub(r"<(str:|slug:)?[^>]+>", "x", route)
    # Admin regexes: ^(?P<app_label>accounts|auth)/$ and friends.
    route = re.sub(r"\(\?P<app_label>([a-z_]+)[^)]*\)", r"\1", route)
    route = re.sub(r"\(\?P<[a-z_]+>[^)]*\)", "1", route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + route


def all_routes():
    return sorted(set(_walk(get_resolver().url_patterns)))


def _is_exempt(url, name):
    if name in EXEMPT_URL_NAMES or name in EXEMPT_DEVICE_URL_NAMES:
        return True
    parts = url.split("/")
    return url.startswith("/admin/") and len(parts) > 2 and parts[2] in EXEMPT_ADMIN_APPS


def test_the_url_map_is_not_empty():
    names = {name for _, name in all_routes()}
    assert "accounts:dashboard" in names and "audits:index" in names


@pytest.mark.django_db
def test_no_gated_url_serves_an_untrained_member(client, untrained):
    untrained.is_staff = True
    untrained.save()
    client.force_login(untrained)
    checked = 0
    for route, name in all_routes():
        url = _concrete(route)
        if _is_exempt(url, name):
            continue
        response = client.get(url)
        assert response.status_code == 403, f"{name} ({url}) answered {response.status_code} to an untrained member"
        checked += 1
    assert checked > 10


@pytest.mark.django_db
def test_no_gated_url_serves_anonymous(client, db):
    for route, name in all_routes():
        url = _concrete(route)
        if _is_exempt(url, name):
            continue
        response = client.get(url)
        expected = (401,) if url.startswith("/api/") else (302,)
        assert response.status_code in expected, f"{name} ({url}) answered {response.status_code} to anonymous"


def test_the_refusal_explains_and_is_logged(client, untrained):
    client.force_login(untrained)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "training is not current" in body and "ALPR Coordinator" in body
    event = AccessEvent.objects.get(action=Action.TRAINING_GATE_REFUSED)
    assert event.user == untrained and event.outcome == "denied"


def test_api_token_callers_are_gated_too(client, untrained, analyst):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=untrained)
    response = client.get(reverse("api-schema"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "training_required"
    good = Token.objects.create(user=analyst)
    assert client.get(reverse("api-schema"), HTTP_AUTHORIZATION=f"Token {good.key}").status_code == 200


def test_a_current_member_passes(client, officer):
    client.force_login(officer)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_training_lapses_after_the_validity_period(officer, untrained, settings):
    from training.selectors import training_status

    assert training_status(user=officer).state == "current"
    assert training_status(user=untrained).state == "expired"
    settings.ALPR_TRAINING_VALID_DAYS = 5
    assert training_status(user=officer).state == "expired"


def test_a_course_missing_topics_does_not_count(make_user, db):
    from django.utils import timezone

    from training.models import TrainingCourse, TrainingRecord
    from training.selectors import training_status

    partial = TrainingCourse.objects.create(title="Equipment only", version="1", topics=["equipment"])
    user = make_user("partial", trained=False)
    TrainingRecord.objects.create(member=user, course=partial, completed_on=timezone.localdate(), trainer="x")
    assert training_status(user=user).state == "never"
