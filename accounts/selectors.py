"""Reads about people, agencies and designations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q
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
        held = f" as {self.designation.position.name}" if self.designation.position_id else ""
        return (
            f"{self.user.display_name}{held}, designee of {self.designation.designated_by.display_name} "
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
    designation = (
        designations_held_by(user, on_date=on_date).filter(scope=scope)
        .select_related("designated_by", "position").order_by("-starts_on").first()
    )
    if designation is None:
        return None
    return Authority(user=user, scope=scope, designation=designation)


def designations_current(*, on_date: date | None = None):
    on_date = on_date or timezone.localdate()
    return Designation.objects.select_related("designee", "designated_by", "position").filter(
        revoked_at__isnull=True, starts_on__lte=on_date, ends_on__gte=on_date
    )


def held_by(user: User) -> Q:
    """ID-3 (issue 20 §4): a designation acts for a member who is its named person or who
    holds its position now; leaving the position ends it for them, with no other step."""
    return Q(designee=user) | Q(position__holders=user)


def designations_held_by(user: User, *, on_date: date | None = None):
    """The current, unrevoked designations this member acts under (as a person or as a
    position's holder). Every permission check on designations goes through here."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Designation.objects.none()
    ids = designations_current(on_date=on_date).filter(held_by(user)).values("pk")
    return designations_current(on_date=on_date).filter(pk__in=ids)


def authority_holders(*, scope: str, on_date: date | None = None) -> list[Authority]:
    """Everyone who may approve this scope now: each active ALPR Administrator, then each
    current designee (a named person, or a position's current holders), once each."""
    found: dict[int, Authority] = {}
    admins = User.objects.filter(is_active=True, groups__name=roles.ADMINISTRATOR).distinct()
    for user in admins.order_by("last_name", "first_name"):
        found[user.pk] = Authority(user=user, scope=scope, designation=None)
    for designation in designations_current(on_date=on_date).filter(scope=scope).order_by("-starts_on"):
        people = ([designation.designee] if designation.designee_id
                  else list(designation.position.holders.filter(is_active=True)))
        for user in people:
            if user is not None and user.is_active and user.pk not in found:
                found[user.pk] = Authority(user=user, scope=scope, designation=designation)
    return list(found.values())


def home_agency() -> Agency | None:
    return Agency.objects.filter(is_home=True).first() or Agency.objects.filter(
        ori=settings.ALPR_HOME_AGENCY_ORI
    ).first()
