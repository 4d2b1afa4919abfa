from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessEvent
from accounts import services
from accounts.models import Designation
from accounts.selectors import approval_authority
from lib.errors import DomainError, NotPermitted

HOTLIST = Designation.Scope.HOTLIST_APPROVAL


def _designate(personas, **overrides):
    today = timezone.localdate()
    kwargs = {
        "administrator": personas["administrator"], "designee": personas["investigator"], "scope": HOTLIST,
        "written_authority": "Memo 26-14: Sgt. Whitfield approves hot-list entries while the Deputy Director is away.",
        "starts_on": today, "ends_on": today + timedelta(days=14),
    }
    kwargs.update(overrides)
    return services.designation_create(**kwargs)


def test_the_administrator_approves_in_their_own_right(administrator):
    authority = approval_authority(user=administrator, scope=HOTLIST)
    assert authority is not None and authority.designation is None
    assert "ALPR Administrator" in authority.description


def test_nobody_else_approves_without_a_designation(personas):
    for name in ("officer", "analyst", "investigator", "coordinator", "auditor", "outsider"):
        assert approval_authority(user=personas[name], scope=HOTLIST) is None


def test_a_designee_approves_within_scope_and_period(personas, investigator):
    designation = _designate(personas)
    authority = approval_authority(user=investigator, scope=HOTLIST)
    assert authority.designation == designation
    assert f"designation #{designation.pk}" in authority.description
    # Not for another scope.
    assert approval_authority(user=investigator, scope=Designation.Scope.SHARING_APPROVAL) is None
    # Not before or after the period.
    today = timezone.localdate()
    assert approval_authority(user=investigator, scope=HOTLIST, on_date=today + timedelta(days=15)) is None
    assert approval_authority(user=investigator, scope=HOTLIST, on_date=today - timedelta(days=1)) is None
    assert AccessEvent.objects.filter(action="designation.create", object_id=str(designation.pk)).exists()


def test_a_revoked_designation_gives_no_authority(personas, administrator, investigator):
    designation = _designate(personas)
    services.designation_revoke(designation=designation, by=administrator, reason="Returned from leave")
    assert approval_authority(user=investigator, scope=HOTLIST) is None
    with pytest.raises(DomainError):
        services.designation_revoke(designation=designation, by=administrator, reason="again")


def test_only_the_administrator_designates(personas, coordinator):
    with pytest.raises(NotPermitted):
        _designate(personas, administrator=coordinator)


def test_a_designation_must_be_in_writing_and_ordered(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _designate(personas, written_authority="   ")
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        _designate(personas, starts_on=today, ends_on=today - timedelta(days=1))


def test_the_designations_page_is_the_administrators_alone(client, analyst, administrator, investigator):
    client.force_login(analyst)
    assert client.get(reverse("accounts:designations")).status_code == 404
    client.force_login(administrator)
    today = timezone.localdate()
    response = client.post(reverse("accounts:designations"), {
        "designee": investigator.pk, "scope": HOTLIST, "written_authority": "Memo 26-15",
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=7)).isoformat(),
    })
    assert response.status_code == 302
    designation = Designation.objects.get()
    assert designation.designated_by == administrator
    response = client.post(reverse("accounts:designation_revoke", args=[designation.pk]), {"reason": "Done"})
    designation.refresh_from_db()
    assert designation.revoked_at is not None and designation.revoked_by == administrator
