from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa, roles
from accounts.hygiene import reenable
from accounts.models import Agency, Designation, Notification, User

# django-otp's own admin pages show each member's TOTP secret and recovery codes; nobody
# needs to read those. Resetting a member's second factor is the User admin's action.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "ori", "state", "kind", "is_home"]
    list_filter = ["kind", "state", "is_home"]
    search_fields = ["name", "ori"]


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
            mfa.second_factor_reset(user=user, by=request.user, request=request)
        messages.success(request, "Second factor removed; each member enrols a new app at the next sign-in.")

    def has_reset_second_factor_permission(self, request):
        return request.user.is_superuser or request.user.has_role(roles.ADMINISTRATOR)

    def has_delete_permission(self, request, obj=None):
        # ID-1 / AU-1: identifiers are never reused and the access log points at them;
        # accounts are disabled, not deleted.
        return False


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ["designee", "scope", "starts_on", "ends_on", "designated_by", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["designee__username", "designee__last_name", "written_authority"]
    raw_id_fields = ["designee", "designated_by", "revoked_by"]
    readonly_fields = ["created_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: past approvals cite it (ID-3)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "message", "read_at"]
    raw_id_fields = ["user"]
