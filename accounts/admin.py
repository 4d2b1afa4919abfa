from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesslog.configuration import admin_change, change_record
from accesslog.models import ConfigurationChange
from accounts import mfa, roles
from accounts.models import Agency, Designation, Notification, Position, User
from accounts.services import account_tokens_revoke, reenable, second_factor_reset
from config.admin_base import ConfigurationAlarmAdmin

# django-otp's own admin pages show each member's TOTP secret and recovery codes; nobody
# needs to read those. Resetting a member's second factor is the User admin's action.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def _may_receive_data(values: dict) -> bool:
    """SH-1..3: only California law-enforcement agencies can ever receive data."""
    return values.get("state") == "CA" and values.get("kind") in Agency.LAW_ENFORCEMENT_KINDS \
        and values.get("kind") != Agency.Kind.FEDERAL


@admin.register(Agency)
class AgencyAdmin(ConfigurationAlarmAdmin, admin.ModelAdmin):
    list_display = ["name", "ori", "state", "kind", "is_home"]
    list_filter = ["kind", "state", "is_home"]
    search_fields = ["name", "ori"]
    # Issue 19 §6: an agency's kind and state decide what sharing the law allows.
    alarm_kind, alarm_what = ConfigurationChange.Kind.SHARING, "Agency"
    alarm_fields = ["name", "ori", "state", "kind", "is_home"]

    def alarm_weakens(self, before, after):
        newly_eligible = _may_receive_data(after) and not _may_receive_data(before)
        return newly_eligible or bool(before and after and before["is_home"] != after["is_home"])

    def get_readonly_fields(self, request, obj=None):
        # Issue 20 §2: an existing agency's kind and state change only through the
        # re-authenticated, logged page that re-checks its open requests
        # (accounts.views.agency_classification); the admin form cannot undo SH-3 quietly.
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["kind", "state"] if obj is not None else fields


def user_access_snapshot(user: User | None) -> dict:
    """Issue 19 §6: what decides a member's access: roles, permissions, admin access and
    the ID-2 designation."""
    if user is None or user.pk is None:
        return {}
    return {
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(f"{app}.{code}" for app, code in user.user_permissions.values_list(
            "content_type__app_label", "codename")),
        "is_active": user.is_active, "is_staff": user.is_staff, "is_superuser": user.is_superuser,
        "member_kind": user.member_kind,
        "alpr_designated_by": str(user.alpr_designated_by) if user.alpr_designated_by_id else None,
        "alpr_designated_on": str(user.alpr_designated_on) if user.alpr_designated_on else None,
        "alpr_designation_reference": user.alpr_designation_reference,
    }


def user_access_widens(before: dict, after: dict) -> bool:
    if not after:
        return False
    if set(after["roles"]) - set(before.get("roles", [])):
        return True
    if set(after["permissions"]) - set(before.get("permissions", [])):
        return True
    if any(after[flag] and not before.get(flag) for flag in ("is_staff", "is_superuser")):
        return True
    if before and after["is_active"] and not before["is_active"]:
        return True  # a disabled account back in use
    return bool(after["alpr_designated_by"] and not before.get("alpr_designated_by"))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "serial_number", "rank", "agency", "unit", "member_kind", "is_active"]
    list_filter = ["member_kind", "agency", "groups", "is_active", "is_staff", "sso_only"]
    search_fields = ["username", "first_name", "last_name", "serial_number", "email", "oidc_subject"]
    # ID-1 (issue 18): a new account names its person from the start.
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "first_name", "last_name", "serial_number", "agency",
                                                 "member_kind", "usable_password", "password1", "password2")}),
    )
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "Department",
            {
                "fields": (
                    "serial_number", "rank", "agency", "unit", "member_kind", "supervisor",
                    "alpr_designated_by", "alpr_designated_on", "alpr_designation_reference",
                    "disabled_at", "disabled_reason", "reenabled_at",
                )
            },
        ),
        (
            # Issue 22: an administrator links the person's identity at the agency provider.
            "Single sign-on",
            {"fields": ("oidc_issuer", "oidc_subject", "sso_only"),
             "description": "Paste the subject (`sub`) the identity provider gives this person; the issuer "
                            "defaults to the configured provider. Tick the last box to turn the local password off."},
        ),
    )
    raw_id_fields = ["supervisor", "alpr_designated_by"]
    readonly_fields = ["disabled_at", "disabled_reason", "reenabled_at"]
    actions = ["reenable_accounts", "reset_second_factor"]

    # Issue 19 §6: role and designation changes are configuration changes. Roles are a
    # many-to-many field, saved after save_model, so "after" is taken in save_related.
    def save_model(self, request, obj, form, change):
        previous = User.objects.filter(pk=obj.pk).first() if change and obj.pk else None
        request._alpr_access_before = user_access_snapshot(previous)
        super().save_model(request, obj, form, change)
        if not obj.is_active:
            account_tokens_revoke(user=obj)  # a disabled account keeps no API token

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        before, after = getattr(request, "_alpr_access_before", {}), user_access_snapshot(user)
        admin_change(kind=ConfigurationChange.Kind.ROLES, request=request, obj=user, before=before, after=after,
                     weakens=user_access_widens(before, after), what="Member")

    @admin.action(description="Re-enable the selected accounts", permissions=["change"])
    def reenable_accounts(self, request, queryset):
        for user in queryset.filter(is_active=False):
            reenable(user=user, by=request.user, request=request)
        messages.success(request, "Re-enabled. Members whose training lapsed still need a new training record.")

    @admin.action(description="Reset two-factor sign-in (lost phone): enrol again at next sign-in",
                  permissions=["reset_second_factor"])
    def reset_second_factor(self, request, queryset):
        # Issue 18: whoever removes another member's second factor confirms who they are
        # first (a stolen session or a token must not be enough to weaken sign-in).
        if (refusal := mfa.reauthentication_response(request)) is not None:
            return refusal
        for user in queryset:
            second_factor_reset(user=user, by=request.user, request=request)
        messages.success(request, "Second factor removed; each member enrols a new app at the next sign-in.")

    def has_reset_second_factor_permission(self, request):
        return request.user.is_superuser or request.user.has_role(roles.ADMINISTRATOR)

    def has_delete_permission(self, request, obj=None):
        # ID-1 / AU-1: identifiers are never reused and the access log points at them;
        # accounts are disabled, not deleted.
        return False


@admin.register(Designation)
class DesignationAdmin(ConfigurationAlarmAdmin, admin.ModelAdmin):
    alarm_kind, alarm_what = ConfigurationChange.Kind.ROLES, "Designation"
    alarm_fields = ["designee", "position", "designated_by", "scope", "starts_on", "ends_on", "written_authority",
                    "revoked_at"]

    def alarm_weakens(self, before, after):
        # ID-3: a new designation, a longer or earlier period, a wider scope, or an
        # un-revocation hands over the administrator's authority.
        if not after or after["revoked_at"]:
            return False
        return (not before or before["revoked_at"] is not None or after["ends_on"] > before["ends_on"]
                or after["starts_on"] < before["starts_on"] or after["scope"] != before["scope"]
                or after["designee"] != before["designee"] or after["position"] != before["position"])

    list_display = ["named", "scope", "starts_on", "ends_on", "designated_by", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["designee__username", "designee__last_name", "position__name", "written_authority"]
    raw_id_fields = ["designee", "designated_by", "revoked_by"]
    readonly_fields = ["created_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: past approvals cite it (ID-3)


@admin.register(Position)
class PositionAdmin(ConfigurationAlarmAdmin, admin.ModelAdmin):
    """ID-3 (issue 20 §4): who holds a position decides who acts under its designations."""

    alarm_kind, alarm_what = ConfigurationChange.Kind.ROLES, "Position"
    alarm_fields = ["name", "description"]
    list_display = ["name", "description"]
    search_fields = ["name"]
    filter_horizontal = ["holders"]

    def alarm_weakens(self, before, after):
        return bool(after) and bool(before) and after["name"] != before["name"]

    def save_related(self, request, form, formsets, change):
        position = form.instance
        before = set(position.holders.values_list("username", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(position.holders.values_list("username", flat=True))
        # A new holder acts under the position's designations at once: that widens access.
        change_record(kind=ConfigurationChange.Kind.ROLES, summary=f"Holders of the position {position.name}",
                      before={"holders": sorted(before)}, after={"holders": sorted(after)},
                      weakens=bool(after - before), source=ConfigurationChange.Source.ADMIN, by=request.user,
                      request=request, obj=position)

    def has_delete_permission(self, request, obj=None):
        return False  # past approvals cite designations that name it


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "message", "read_at"]
    raw_id_fields = ["user"]


def group_snapshot(group: Group | None) -> dict:
    if group is None or group.pk is None:
        return {}
    return {"name": group.name, "permissions": sorted(f"{app}.{code}" for app, code in group.permissions.values_list(
        "content_type__app_label", "codename"))}


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Issue 19 §6: a role's permissions edited here are a recorded configuration change
    (accounts/roles.py puts them back at the next migrate; the change is on file anyway)."""

    def save_model(self, request, obj, form, change):
        request._alpr_group_before = group_snapshot(Group.objects.filter(pk=obj.pk).first() if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before, after = getattr(request, "_alpr_group_before", {}), group_snapshot(form.instance)
        admin_change(kind=ConfigurationChange.Kind.ROLES, request=request, obj=form.instance, before=before,
                     after=after, weakens=bool(set(after["permissions"]) - set(before.get("permissions", []))),
                     what="Role")

    def delete_model(self, request, obj):
        before, pk = group_snapshot(obj), obj.pk
        super().delete_model(request, obj)
        obj.pk = pk  # deletion clears it; the record names what was deleted
        admin_change(kind=ConfigurationChange.Kind.ROLES, request=request, obj=obj, before=before, after={},
                     weakens=False, what="Role")
