"""ID-4: nobody operates ALPR functions or sees ALPR data without current training.

Deny by default: every URL is gated unless it is named below with the reason it
holds no ALPR data. `tests/test_training_gate.py` walks the whole URL map and fails
when a URL escapes.
"""

from __future__ import annotations

from accounts.authentication import EXEMPT_DEVICE_URL_NAMES

# url name (with namespace) -> why it is open to a member without current training.
EXEMPT_URL_NAMES: dict[str, str] = {
    "accounts:login": "signing in",
    "accounts:logout": "signing out",
    "accounts:oidc_login": "signing in through the agency identity provider",
    "accounts:oidc_callback": "the identity provider's answer to a sign-in",
    "accounts:mfa_verify": "the second step of signing in",
    "accounts:mfa_setup": "enrolling the second factor (no ALPR data)",
    "accounts:mfa_manage": "the member's own two-factor settings",
    "accounts:reauthenticate": "confirming password and code",
    "training:required": "the page that explains the refusal",
    "health": "liveness probe, no data",
    "transparency": "the public page: the policy and aggregate figures only (ID-6)",
    "admin:login": "signing in to the admin",
    "admin:logout": "signing out of the admin",
    "admin:jsi18n": "admin translations, no data",
    "admin:index": "the admin's list of sections, no data",
}

# Admin sections that hold people, roles and training records, never ALPR data: an
# administrator must be able to record someone's training before that person is current.
EXEMPT_ADMIN_APPS: dict[str, str] = {
    "accounts": "agencies, users and designations",
    "auth": "role groups",
    "training": "training courses and records",
    "axes": "sign-in lockouts (an administrator releases them)",
    "authtoken": "API tokens",
}

def is_exempt(resolver_match, path: str) -> bool:
    if resolver_match is None:
        return False
    name = resolver_match.view_name
    if name in EXEMPT_URL_NAMES or name in EXEMPT_DEVICE_URL_NAMES:
        return True
    if resolver_match.namespace == "admin":
        app_label = resolver_match.kwargs.get("app_label")
        if app_label is None:
            parts = path.split("/")
            # /admin/<app_label>/<model>/...
            app_label = parts[2] if len(parts) > 2 else None
        return app_label in EXEMPT_ADMIN_APPS
    return False


# --- Who may operate ALPR functions at all (ID-2, ID-4) --------------------------------------

def operator_refusal(user, status=None) -> str | None:
    """Why this signed-in member may not operate ALPR functions or see ALPR data, or None.

    ID-4: current, department-approved training. ID-2 (issue 18): a member other than a
    sworn officer or PST needs a recorded designation, checked here at access, not only
    when an account form is saved."""
    from training.selectors import training_status

    # A web request's member carries the status its middleware computed (one query per
    # request, however many services it calls); elsewhere it is read here.
    status = status or getattr(user, "alpr_training_status", None) or training_status(user=user)
    if not status.is_current:
        return f"Training {status.label.lower()}; valid until {status.valid_until or 'never'}."
    if user.needs_designation and not user.designation_recorded:
        return "No recorded designation: professional staff are designated in writing before ALPR use (ID-2)."
    return None


def refuse_unless_operator(user) -> None:
    """The same gate for services called from anywhere (API, commands, tasks acting for a
    member), not only web requests that pass the middleware (issue 18). System work with
    no member (user None) is not a member's use."""
    from lib.errors import NotPermitted

    if user is None:
        return
    if not user.is_active:
        raise NotPermitted("This account is disabled.")
    reason = operator_refusal(user)
    if reason:
        raise NotPermitted(f"ALPR functions are closed to you: {reason}")
