"""Issue 23 item 2: live alerts for hundreds of officers. A poll that finds nothing new is
answered 304 with no body (no rendering, two small queries); a new hit, a status change
or another officer's view give 200 with the new content (HT-1, HT-4)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alpr.models import Hit
from alpr.selectors.hits import alerts_feed_version
from tests import factories

pytestmark = pytest.mark.django_db

FEED = "/alpr/alerts/feed/"


@pytest.fixture
def cam(home_agency):
    return factories.camera(home_agency, "Broadway & 14th")


@pytest.fixture
def listed():
    lst = factories.hotlist()
    factories.entry(lst, "AAA1111")
    factories.entry(lst, "BBB2222")
    return lst


def _poll(client, etag=None):
    headers = {"HTTP_HX_REQUEST": "true"}
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = etag
    return client.get(FEED, **headers)


def test_the_url_is_the_feed():
    assert reverse("alpr:alerts_feed") == FEED


def test_nothing_new_is_304_and_a_new_hit_is_200_with_the_hit(officer, cam, listed, client,
                                                               django_assert_max_num_queries):
    factories.read(cam, "AAA1111", minutes_ago=3)
    client.force_login(officer)
    first = _poll(client)
    assert first.status_code == 200 and "AAA1111" in first.content.decode()
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    # Nothing new: 304, no body, and far fewer queries than rendering the feed.
    with django_assert_max_num_queries(8):
        again = _poll(client, etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    # Never stored by the browser all the same (ID-6, NoStoreMiddleware).
    assert "no-store" in again["Cache-Control"]
    factories.read(cam, "BBB2222", minutes_ago=0)
    new = _poll(client, etag)
    body = new.content.decode()
    assert new.status_code == 200 and "BBB2222" in body and "AAA1111" in body and new["ETag"] != etag


def test_a_status_change_or_a_hit_leaving_the_feed_changes_the_answer(officer, cam, listed, client):
    factories.read(cam, "AAA1111", minutes_ago=3)
    client.force_login(officer)
    etag = _poll(client)["ETag"]
    hit = Hit.objects.get(plate="AAA1111")
    Hit.objects.filter(pk=hit.pk).update(status=Hit.Status.REJECTED, status_changed_at=timezone.now())
    after = _poll(client, etag)
    assert after.status_code == 200 and "AAA1111" not in after.content.decode()


def test_the_fingerprint_is_per_user_and_refreshes_each_minute(officer, outsider, cam, listed):
    factories.read(cam, "AAA1111", minutes_ago=3)
    now = timezone.now().replace(second=10)
    mine = alerts_feed_version(user=officer, now=now)
    assert alerts_feed_version(user=officer, now=now + timedelta(seconds=30)) == mine
    # "3 minutes ago" must not stay on screen for an hour.
    assert alerts_feed_version(user=officer, now=now + timedelta(minutes=1)) != mine
    # Another agency's officer sees another feed: a tag from one never fits the other.
    assert alerts_feed_version(user=outsider, now=now) != mine


def test_a_tag_from_another_user_gets_the_full_feed(officer, outsider, cam, listed, client):
    factories.read(cam, "AAA1111", minutes_ago=3)
    client.force_login(outsider)
    theirs = _poll(client)["ETag"]
    client.force_login(officer)
    response = _poll(client, theirs)
    assert response.status_code == 200 and "AAA1111" in response.content.decode()


def test_a_member_without_an_alert_role_is_refused_before_any_tag(analyst, client):
    client.force_login(analyst)
    response = _poll(client, '"anything"')
    assert response.status_code == 404 and "ETag" not in response
