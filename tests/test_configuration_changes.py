"""Issue 19 §6: configuration alarms. Changes that weaken oversight or widen access are
recorded with before and after, alert the ALPR Administrator and the auditors, appear on
the configuration-history page; environment settings are compared between starts."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from accesslog.configuration import environment_check
from accesslog.models import AccessEvent, ConfigurationChange, EnvironmentFingerprint
from accounts import roles
from accounts.models import Agency, Notification
from accounts.services import designation_create, designation_revoke
from alpr.models import Camera
from hotlists.models import Hotlist
from hotlists.services import entries as hotlist_services

pytestmark = pytest.mark.django_db


def _alerted(personas, change):
    key = f"configuration-change-{change.pk}"
    return {name for name, user in personas.items() if Notification.objects.filter(user=user, key=key).exists()}


def _superuser(personas):
    admin = personas["administrator"]
    admin.is_superuser = True
    admin.save()
    return admin


def test_it_records_environment_changes_between_starts(personas, settings):
    first = environment_check()
    assert [c.summary for c in first] == ["Start-up settings first recorded (baseline)"]
    assert not first[0].weakens and EnvironmentFingerprint.objects.count() == 1
    assert environment_check() == []  # same settings, next start: nothing

    settings.ALPR_RETENTION_DAYS = 60
    settings.ALPR_MFA_REQUIRED_ROLES = ["ALPR Administrator"]
    changes = {c.object_id: c for c in environment_check()}
    assert set(changes) == {"ALPR_RETENTION_DAYS", "ALPR_MFA_REQUIRED_ROLES"}
    retention = changes["ALPR_RETENTION_DAYS"]
    assert (retention.before, retention.after) == ({"ALPR_RETENTION_DAYS": 30}, {"ALPR_RETENTION_DAYS": 60})
    assert retention.weakens and retention.kind == ConfigurationChange.Kind.RETENTION
    assert retention.source == ConfigurationChange.Source.ENV and retention.changed_by is None
    assert changes["ALPR_MFA_REQUIRED_ROLES"].weakens and changes["ALPR_MFA_REQUIRED_ROLES"].kind == "mfa"
    assert _alerted(personas, retention) == {"administrator", "auditor"}

    # Shorter retention does not widen access: recorded, not alarmed.
    settings.ALPR_RETENTION_DAYS = 20
    (shorter,) = environment_check()
    assert not shorter.weakens and _alerted(personas, shorter) == set()
    assert EnvironmentFingerprint.objects.count() == 1


def test_it_alarms_when_the_prohibited_use_lexicon_loses_a_rule(personas):
    from lib import screening

    environment_check()
    fewer = {category: {kind: entries[1:] for kind, entries in kinds.items()}
             for category, kinds in screening.LEXICON.items()}
    with mock.patch.object(screening, "LEXICON", fewer):
        (change,) = environment_check()
    assert change.kind == ConfigurationChange.Kind.LEXICON and change.weakens


def test_it_records_a_change_once_when_two_processes_start_together(personas, settings):
    environment_check()
    settings.ALPR_RETENTION_DAYS = 90
    stale = EnvironmentFingerprint.objects.get()
    # The other process swapped the fingerprint between this one's read and its update.
    EnvironmentFingerprint.objects.update(digest="other")
    with mock.patch.object(EnvironmentFingerprint.objects, "order_by") as order_by:
        order_by.return_value.first.return_value = stale
        assert environment_check() == []
    assert not ConfigurationChange.objects.filter(object_id="ALPR_RETENTION_DAYS").exists()


def test_it_tolerates_a_database_not_yet_migrated(db):
    with mock.patch.object(EnvironmentFingerprint.objects, "order_by", side_effect=OperationalError("no table")):
        assert environment_check() == []


def test_the_history_page_checks_ownership_and_is_logged(personas, client, settings):
    environment_check()
    settings.ALPR_MATCH_REQUIRE_STATE = False
    url = reverse("audits:configuration_history")
    for name in ("administrator", "coordinator", "auditor"):
        client.force_login(personas[name])
        page = client.get(url)
        assert page.status_code == 200, name
        body = page.content.decode()
        # The page checks the environment itself: the change is there on the first load.
        assert "ALPR_MATCH_REQUIRE_STATE changed between two starts" in body and "alarm" in body
        assert 'href="/audits/configuration/"' in body  # in their menu
        assert AccessEvent.objects.filter(user=personas[name], action="configuration.history_view").exists()
    assert ConfigurationChange.objects.filter(object_id="ALPR_MATCH_REQUIRE_STATE").count() == 1
    for name in ("officer", "investigator", "analyst", "pst", "outsider"):
        client.force_login(personas[name])
        assert client.get(url).status_code == 404, name
        assert 'href="/audits/configuration/"' not in client.get(reverse("accounts:dashboard")).content.decode()


def test_a_designation_is_an_alarm_and_its_revocation_is_recorded(personas, administrator, investigator):
    today = timezone.localdate()
    designation = designation_create(administrator=administrator, designee=investigator,
                                     scope="hotlist_approval", written_authority="Memo 26-1", starts_on=today,
                                     ends_on=today + timedelta(days=30))
    created = ConfigurationChange.objects.get(object_type="designation", object_id=str(designation.pk))
    assert created.weakens and created.kind == ConfigurationChange.Kind.ROLES and created.before == {}
    assert created.changed_by == administrator and "Memo 26-1" in str(created.after)
    assert _alerted(personas, created) == {"administrator", "auditor"}
    designation_revoke(designation=designation, by=administrator, reason="Back from leave")
    revoked = ConfigurationChange.objects.exclude(pk=created.pk).get(object_type="designation")
    assert not revoked.weakens and revoked.before["revoked_at"] is None and revoked.after["revoked_at"]


def test_hot_list_subscriptions_enabled_are_alarms_disabled_are_not(administrator):
    ncic = hotlist_services.hotlist_create(name="NCIC", source=Hotlist.Source.NCIC, feed_name="ncic", active=False)
    added = ConfigurationChange.objects.get(object_type="hotlist")
    assert not added.weakens  # recorded disabled: nothing matches yet
    hotlist_services.hotlist_set_active(hotlist=ncic, active=True, by=administrator)
    enabled = ConfigurationChange.objects.filter(object_type="hotlist").latest("id")
    assert enabled.weakens and enabled.differences() == [("active", False, True)]
    hotlist_services.hotlist_set_active(hotlist=ncic, active=False, by=administrator)
    assert not ConfigurationChange.objects.filter(object_type="hotlist").latest("id").weakens


def test_a_role_given_in_the_admin_is_recorded_with_before_and_after(personas, rf):
    from django.contrib import admin

    from accounts.models import User

    officer, admin_user = personas["officer"], _superuser(personas)
    request = rf.post("/admin/accounts/user/")
    request.user = admin_user
    model_admin = admin.site._registry[User]

    class Form:  # what the admin's change form does after save_model: the groups (m2m)
        instance = officer

        def save_m2m(self):
            officer.groups.add(Group.objects.get(name=roles.INVESTIGATOR))

    model_admin.save_model(request, officer, Form(), True)
    model_admin.save_related(request, Form(), [], True)
    change = ConfigurationChange.objects.get(object_type="user")
    assert change.source == ConfigurationChange.Source.ADMIN and change.weakens
    assert change.before["roles"] == [roles.OFFICER]
    assert change.after["roles"] == sorted([roles.OFFICER, roles.INVESTIGATOR])
    assert _alerted(personas, change) == {"administrator", "auditor"}


def test_cameras_and_agencies_changed_in_the_admin_are_recorded(personas, client, home_agency):
    client.force_login(_superuser(personas))
    # A trailer: a fixed camera goes live only once its site is attested (CAM-1, tests/test_cameras.py).
    response = client.post(reverse("admin:alpr_camera_add"), {
        "name": "High St", "kind": "trailer", "agency": home_agency.pk, "description": "", "latitude": "37.8",
        "longitude": "-122.2", "active": "on"})
    assert response.status_code == 302
    camera = Camera.objects.get(name="High St")
    added = ConfigurationChange.objects.get(object_type="camera")
    assert added.weakens and added.after["active"] is True and added.before == {}

    federal = Agency.objects.create(name="US Customs", state="DC", kind=Agency.Kind.FEDERAL)
    response = client.post(reverse("admin:accounts_agency_change", args=[federal.pk]), {
        "name": "US Customs", "ori": "", "state": "CA", "kind": Agency.Kind.SHERIFF})
    assert response.status_code == 302
    # Issue 20 §2: the admin form no longer changes kind or state; the re-authenticated
    # classification page (its service) does, and records it.
    federal.refresh_from_db()
    assert (federal.kind, federal.state) == (Agency.Kind.FEDERAL, "DC")
    assert not ConfigurationChange.objects.filter(object_type="agency").exists()
    from accounts.services import agency_reclassify

    agency_reclassify(agency=federal, by=_superuser(personas), kind=Agency.Kind.SHERIFF, state="CA",
                      reason="Test of the configuration record")
    agency_change = ConfigurationChange.objects.get(object_type="agency")
    assert agency_change.weakens and agency_change.kind == ConfigurationChange.Kind.SHARING
    assert ("kind", "federal", "sheriff") in agency_change.differences()

    response = client.post(reverse("admin:alpr_camera_change", args=[camera.pk]), {
        "name": "High St", "kind": "trailer", "agency": home_agency.pk, "description": "moved indoors",
        "latitude": "37.8", "longitude": "-122.2"})  # switched off
    assert response.status_code == 302
    off = ConfigurationChange.objects.filter(object_type="camera").latest("id")
    assert not off.weakens and off.before["active"] and not off.after["active"]

    response = client.post(reverse("admin:alpr_camera_delete", args=[camera.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Camera.objects.filter(pk=camera.pk).exists()
    deleted = ConfigurationChange.objects.filter(object_type="camera").latest("id")
    assert deleted.after == {} and deleted.object_id == str(camera.pk) and "deleted" in deleted.summary


def test_a_permission_added_to_a_role_in_the_admin_is_an_alarm(personas, client):
    from django.contrib.auth.models import Permission

    client.force_login(_superuser(personas))
    group = Group.objects.get(name=roles.OFFICER)
    perm = Permission.objects.get(codename="view_accessevent")
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]),
                           {"name": roles.OFFICER, "permissions": [perm.pk]})
    assert response.status_code == 302
    change = ConfigurationChange.objects.get(object_type="group")
    assert change.weakens and change.before["permissions"] == [] and change.after["permissions"] == [
        "accesslog.view_accessevent"]


def test_reenabling_an_account_and_extending_an_mou_are_alarms(personas, officer, administrator, client, other_agency):
    from accounts.services import reenable
    from sharing.models import MOU

    officer.is_active = False
    officer.save()
    reenable(user=officer, by=administrator)
    change = ConfigurationChange.objects.get(object_type="user")
    assert change.weakens and change.before == {"is_active": False} and change.after == {"is_active": True}

    today = timezone.localdate()
    mou = MOU.objects.create(agency=other_agency, title="Sheriff MOU", scope="Stolen vehicles",
                             starts_on=today, ends_on=today + timedelta(days=90))
    client.force_login(_superuser(personas))
    response = client.post(reverse("admin:sharing_mou_change", args=[mou.pk]), {
        "agency": other_agency.pk, "title": "Sheriff MOU", "scope": "Stolen vehicles", "starts_on": str(today),
        "ends_on": str(today + timedelta(days=400))})
    assert response.status_code == 302
    extended = ConfigurationChange.objects.get(object_type="mou")
    assert extended.weakens and extended.kind == ConfigurationChange.Kind.SHARING
    assert extended.differences() == [("ends_on", str(today + timedelta(days=90)), str(today + timedelta(days=400)))]


def test_a_web_process_start_checks_and_a_failed_check_never_stops_it(personas, settings):
    import importlib
    import sys

    from accesslog import configuration

    environment_check()
    settings.ALPR_HOTLIST_MAX_DAYS = 60
    if "config.wsgi" in sys.modules:
        importlib.reload(sys.modules["config.wsgi"])
    else:
        importlib.import_module("config.wsgi")
    change = ConfigurationChange.objects.get(object_id="ALPR_HOTLIST_MAX_DAYS")
    assert change.weakens and change.after == {"ALPR_HOTLIST_MAX_DAYS": 60}
    with mock.patch.object(configuration, "environment_check", side_effect=RuntimeError("db down")):
        configuration.check_at_startup("web")  # logged, not raised


def test_the_record_is_append_only(personas):
    from accesslog.models import AppendOnlyError

    (change,) = environment_check()
    change.summary = "nothing happened"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        ConfigurationChange.objects.update(weakens=False)
    with pytest.raises(AppendOnlyError):
        ConfigurationChange.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        change.delete()
