"""What can happen to agencies, accounts and designations."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesslog.actions import Action
from accesslog.configuration import change_record, snapshot
from accesslog.models import AccessEvent, ConfigurationChange
from accesslog.services import record_access
from accounts import roles
from accounts.mfa import _clean, recovery_codes_replace, second_factor_login
from accounts.models import Agency, Designation, Notification, Position, User
from lib.errors import DomainError, NotPermitted

DESIGNATION_FIELDS = ["designee", "position", "designated_by", "scope", "starts_on", "ends_on", "written_authority",
                      "revoked_at"]


def _source(request) -> str:
    return ConfigurationChange.Source.WEB if request is not None else ConfigurationChange.Source.SYSTEM


@transaction.atomic
def designation_create(
    *,
    administrator: User,
    designee: User | None = None,
    position: Position | None = None,
    scope: str,
    written_authority: str,
    starts_on: date,
    ends_on: date,
    document=None,
    request=None,
) -> Designation:
    """ID-3: only the ALPR Administrator designates, in writing, for a scope and period, a
    named person or a departmental position (whoever holds it; issue 20 §4)."""
    if not administrator.has_role(roles.ADMINISTRATOR):
        raise NotPermitted("Only the ALPR Administrator may designate someone to act for them (ID-3).")
    if (designee is None) == (position is None):
        raise DomainError("Name either a person or a position to designate (ID-3).")
    if designee is not None and not designee.is_active:
        raise DomainError("A disabled account cannot be designated.")
    if position is not None and position.holders.filter(pk=administrator.pk).exists():
        raise DomainError("The administrator cannot designate a position they hold themselves.")
    designation = Designation(
        designated_by=administrator,
        designee=designee,
        position=position,
        scope=scope,
        written_authority=written_authority,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if document is not None:
        designation.document = document
    designation.full_clean()
    designation.save()
    record_access(
        action=Action.DESIGNATION_CREATE,
        user=administrator,
        request=request,
        object_type="designation",
        object_id=designation.pk,
        data_elements={"designee": designee.username if designee else None,
                       "position": position.name if position else None, "scope": scope, "from": str(starts_on),
                       "to": str(ends_on)},
    )
    # Issue 19 §6: a designation hands over the administrator's authority (widens access).
    change_record(kind=ConfigurationChange.Kind.ROLES, summary=f"Designation of {designation.named} for "
                  f"{designation.get_scope_display()} ({starts_on} to {ends_on})", before={},
                  after=snapshot(designation, DESIGNATION_FIELDS), weakens=True, source=_source(request),
                  by=administrator, request=request, obj=designation)
    return designation


@transaction.atomic
def designation_revoke(*, designation: Designation, by: User, reason: str, request=None) -> Designation:
    if not by.has_role(roles.ADMINISTRATOR):
        raise NotPermitted("Only the ALPR Administrator may revoke a designation.")
    if not reason.strip():
        raise DomainError("Give the reason for revoking the designation.")
    # Lock the row: two administrators revoking at once must not both write.
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    if designation.revoked_at is not None:
        raise DomainError("This designation is already revoked.")
    before = snapshot(designation, DESIGNATION_FIELDS)
    designation.revoked_at = timezone.now()
    designation.revoked_by = by
    designation.revocation_reason = reason.strip()
    designation.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    record_access(
        action=Action.DESIGNATION_REVOKE,
        user=by,
        request=request,
        object_type="designation",
        object_id=designation.pk,
        detail=reason.strip(),
    )
    change_record(kind=ConfigurationChange.Kind.ROLES, summary=f"Designation of {designation.named} for "
                  f"{designation.get_scope_display()} revoked", before=before,
                  after=snapshot(designation, DESIGNATION_FIELDS), weakens=False, source=_source(request),
                  by=by, request=request, obj=designation)
    return designation


logger = logging.getLogger(__name__)


def notify(*, user: User, key: str, message: str, subject: str = "ALPR notice") -> bool:
    """An in-app notice to one member (shown on their dashboard), e-mailed too when
    EMAIL_HOST is set. Idempotent per (member, key): a task or a retry that says the same
    thing again adds nothing. Returns whether a new notice was made."""
    try:
        with transaction.atomic():
            Notification.objects.create(user=user, key=key[:120], message=message)
    except IntegrityError:
        return False  # already told
    if settings.EMAIL_HOST and user.email:
        try:
            send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [user.email])
        except OSError:
            logger.exception("could not e-mail %s", user.username)
    return True


def notify_role_holders(*, role_names: tuple[str, ...], key: str, message: str,
                        subject: str = "ALPR notice") -> int:
    """The same notice to every active member holding one of `role_names`."""
    members = User.objects.filter(is_active=True, groups__name__in=role_names).distinct()
    return sum(notify(user=member, key=key, message=message, subject=subject) for member in members)


def configuration_alarm_notify(*, change, **kwargs) -> None:
    """Issue 19 §6: a configuration change that weakens oversight or widens access alerts
    the ALPR Administrator and the auditors in-app (receiver of
    accesslog.configuration.configuration_alarm, connected in AccountsConfig.ready())."""
    who = change.username or change.get_source_display().lower()
    notify_role_holders(
        role_names=(roles.ADMINISTRATOR, roles.AUDITOR), key=f"configuration-change-{change.pk}",
        subject="ALPR configuration alarm",
        message=f"Configuration alarm ({change.get_kind_display()}): {change.summary} — by {who} on "
                f"{timezone.localtime(change.changed_at):%Y-%m-%d %H:%M}. This weakens oversight or widens access; "
                "see the configuration history.")


# --- Account hygiene (the 2020 California State Auditor's recommendations) -----------------
# Issue 17: these were accounts/hygiene.py, a service under another name.

def account_tokens_revoke(*, user: User) -> int:
    """A disabled account keeps no API token (its sessions already stop working: Django's
    authentication refuses inactive users on every request). Called by every path that
    disables an account: account_disable and the admin's save (accounts.admin); it was a
    post_save signal, which a bulk update() skipped without a word (issue 17)."""
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def account_disable(*, user: User, reason: str, now=None) -> User:
    user.is_active = False
    user.disabled_at = now or timezone.now()
    user.disabled_reason = reason[:200]
    user.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    account_tokens_revoke(user=user)
    return user


def disable_inactive(*, now=None) -> list[str]:
    """Disable accounts not used for ALPR_ACCOUNT_INACTIVE_DAYS. Unused is measured from the
    last sign-in, or from creation or re-enabling when more recent. Idempotent."""
    if not settings.ALPR_ACCOUNT_INACTIVE_DAYS:
        return []
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ALPR_ACCOUNT_INACTIVE_DAYS)
    stale = (User.objects.filter(is_active=True).exclude(Q(username__startswith="system."))
             .annotate(last_use=Greatest(Coalesce("last_login", "date_joined"), Coalesce("reenabled_at", "date_joined"),
                                         "date_joined"))
             .filter(last_use__lt=cutoff))
    disabled = []
    for user in stale:
        account_disable(user=user, reason=f"Not used for {settings.ALPR_ACCOUNT_INACTIVE_DAYS} days", now=now)
        record_access(action=Action.ACCOUNT_DISABLED, object_type="user", object_id=user.pk,
                      data_elements={"username": user.username}, detail=user.disabled_reason)
        disabled.append(user.username)
    if disabled:
        logger.warning("disabled %s inactive accounts: %s", len(disabled), ", ".join(disabled))
    return disabled


def reenable(*, user: User, by, request=None) -> User:
    was_active = user.is_active
    user.is_active = True
    user.reenabled_at = timezone.now()
    user.disabled_at = None
    user.disabled_reason = ""
    user.save(update_fields=["is_active", "reenabled_at", "disabled_at", "disabled_reason"])
    record_access(action=Action.ACCOUNT_REENABLED, user=by, request=request, object_type="user", object_id=user.pk,
                  data_elements={"username": user.username})
    # Issue 19 §6: an account back in use widens access.
    change_record(kind=ConfigurationChange.Kind.ROLES, summary=f"Member {user} re-enabled",
                  before={"is_active": was_active}, after={"is_active": True}, weakens=True,
                  source=ConfigurationChange.Source.ADMIN if request else ConfigurationChange.Source.SYSTEM,
                  by=by, request=request, obj=user)
    return user


# --- Second factor (CJIS 5.6.2.2, issue 8): enrolment, recovery codes, reset ------------

@transaction.atomic
def totp_enrol_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app by its first code. Replaces any earlier app, issues recovery codes,
    and counts as this session's second factor. None when the code is wrong."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(_clean(token)):
        record_access(action=Action.AUTH_MFA_FAILED, user=user, request=request,
                      outcome=AccessEvent.Outcome.DENIED, detail="Wrong code while enrolling an authenticator app.")
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = recovery_codes_replace(user)
    record_access(action=Action.AUTH_MFA_ENROLLED, user=user, request=request, object_type="user",
                  object_id=str(user.pk), detail="Authenticator app enrolled; recovery codes issued.")
    second_factor_login(request=request, device=device, enrolment=True)
    return codes


@transaction.atomic
def recovery_codes_issue(*, request) -> list[str]:
    codes = recovery_codes_replace(request.user)
    record_access(action=Action.AUTH_MFA_RECOVERY_CODES, user=request.user, request=request, object_type="user",
                  object_id=str(request.user.pk), detail="New recovery codes issued; the old ones no longer work.")
    return codes

@transaction.atomic
def second_factor_reset(*, user: User, by: User, request=None) -> None:
    """An administrator removes a member's app and codes (lost phone); the member enrols
    again at the next sign-in. Their open sessions lose their verification with the device."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    record_access(action=Action.AUTH_MFA_RESET, user=by, request=request, object_type="user", object_id=str(user.pk),
                  detail=f"Second factor of {user.username} removed; they enrol again at next sign-in.")


# --- an agency's kind and state (issue 20 §2, SH-3) --------------------------------------------
# Who may receive data follows from an agency's kind and state (federal and out-of-state
# agencies never do). Changing either is its own re-authenticated, logged action; then each
# app that holds open work for the agency re-checks it. accounts cannot import those apps
# (issue 17), so they register a hook from AppConfig.ready() (sharing re-checks its open
# requests), as accounts.dashboard does for counts.
_agency_hooks: dict[str, object] = {}


def register_agency_reclassified(name: str, hook) -> None:
    """hook(*, agency, by, before, request) -> lines saying what it did; called inside the
    reclassification's transaction. Registering a name again replaces it."""
    _agency_hooks[name] = hook


AGENCY_CLASS_FIELDS = ["name", "kind", "state"]


@transaction.atomic
def agency_reclassify(*, agency: Agency, by: User, kind: str, state: str, reason: str, request=None) -> list[str]:
    """Change an agency's kind or state: the ALPR Administrator only (a superuser too), with
    the reason, recorded in the access log and the configuration history; the caller has
    required a recent re-authentication (accounts.views.agency_classification). Returns what
    the registered hooks did (requests refused...)."""
    if not (by.has_role(roles.ADMINISTRATOR) or by.is_superuser):
        raise NotPermitted("Only the ALPR Administrator changes an agency's kind or state.")
    if not (reason or "").strip():
        raise DomainError("Give the reason for the change (the source that shows the agency's kind and state).")
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.is_home:
        raise DomainError("The home agency's kind and state are not changed here.")
    before = snapshot(agency, AGENCY_CLASS_FIELDS)
    state = (state or "").strip().upper()
    if (agency.kind, agency.state) == (kind, state):
        raise DomainError("Nothing to change: the agency already has this kind and state.")
    if kind not in Agency.Kind.values:
        raise DomainError("Unknown agency kind.")
    agency.kind, agency.state = kind, state
    agency.full_clean()
    agency.save(update_fields=["kind", "state"])
    after = snapshot(agency, AGENCY_CLASS_FIELDS)
    record_access(action=Action.AGENCY_RECLASSIFY, user=by, request=request, object_type="agency",
                  object_id=agency.pk, data_elements={"before": before, "after": after}, detail=reason.strip())
    eligible = lambda v: v["state"] == "CA" and v["kind"] not in (Agency.Kind.FEDERAL,)  # noqa: E731
    change_record(kind=ConfigurationChange.Kind.SHARING, summary=f"Agency {agency.name}: kind/state "
                  f"{before['kind']}/{before['state']} -> {after['kind']}/{after['state']}", before=before,
                  after=after, weakens=eligible(after) and not eligible(before), source=_source(request), by=by,
                  request=request, obj=agency)
    done: list[str] = []
    for hook in list(_agency_hooks.values()):
        done.extend(hook(agency=agency, by=by, before=before, request=request) or [])
    logger.info("agency %s reclassified by %s: %s -> %s", agency.pk, by.username, before, after)
    return done
