"""Reads about people, agencies and designations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from accounts import roles
from accounts.models import Agency, Designation, User


@dataclass(frozen=True)
class Authority:
    """Why a user may approve something: as the ALPR Administrator, or under a designation."""

    user: User
    scope: str
    designation: Designation | None

    @property
    def description(self) -> str:
        if self.designation is None:
            return f"{self.user.display_name}, ALPR Administrator"
        return (
            f"{self.user.display_name}, designee of {self.designation.designated_by.display_name} "
            f"(designation #{self.designation.pk}, {self.designation.starts_on} to {self.designation.ends_on})"
        )


def approval_authority(*, user: User, scope: str, on_date: date | None = None) -> Authority | None:
    """ID-3: may this user approve this scope now, and under which designation?

    The ALPR Administrator approves in their own right; anyone else only under a
    written designation for that scope that is current on the date and not revoked.
    """
    if scope not in Designation.Scope.values:
        raise ValueError(f"unknown designation scope {scope!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.has_role(roles.ADMINISTRATOR):
        return Authority(user=user, scope=scope, designation=None)
    on_date = on_date or timezone.localdate()
    designation = (
        Designation.objects.select_related("designated_by")
        .filter(designee=user, scope=scope, revoked_at__isnull=True, starts_on__lte=on_date, ends_on__gte=on_date)
        .order_by("-starts_on")
        .first()
    )
    if designation is None:
        return None
    return Authority(user=user, scope=scope, designation=designation)


def designations_current(*, on_date: date | None = None):
    on_date = on_date or timezone.localdate()
    return Designation.objects.select_related("designee", "designated_by").filter(
        revoked_at__isnull=True, starts_on__lte=on_date, ends_on__gte=on_date
    )


def home_agency() -> Agency | None:
    return Agency.objects.filter(is_home=True).first() or Agency.objects.filter(
        ori=settings.ALPR_HOME_AGENCY_ORI
    ).first()
