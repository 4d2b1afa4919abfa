from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import dashboard as dashboard_selectors
from accounts import menu, mfa, roles, services, sso
from accounts.forms import (
    LOGIN_BANNER,
    AgencyClassificationForm,
    BannerAuthenticationForm,
    DesignationForm,
    ReauthenticateForm,
    RevokeForm,
    SecondFactorForm,
)
from accounts.models import Agency, Designation
from lib.errors import DomainError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = BannerAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The "Sign in with <agency IdP>" button shows only when single sign-on is configured.
        return super().get_context_data(banner=LOGIN_BANNER, sso_enabled=sso.configured(),
                                        sso_provider=sso.provider_name(), **kwargs)


class LogoutView(auth_views.LogoutView):
    """Ends the Django session; after a single sign-on it also sends the browser to the
    provider's end-session endpoint with id_token_hint, so that session ends too."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(sso.ID_TOKEN_SESSION) if request.session.get(sso.SSO_SESSION) else None
        response = super().post(request, *args, **kwargs)
        return sso.logout_redirect(request, id_token) or response


@login_required
def dashboard(request):
    """One dashboard, with the panels each role uses (the navigation follows the same roles)."""
    user = request.user
    notices = list(user.notifications.filter(read_at__isnull=True)[:5])
    if notices:
        from django.utils import timezone

        user.notifications.filter(pk__in=[n.pk for n in notices]).update(read_at=timezone.now())
    context = {
        "notices": notices,
        "training": getattr(request, "training_status", None),
        "is_field": user.has_role(*roles.ALERT_ROLES),
        "is_searcher": user.has_role(*roles.SEARCH_ROLES),
        "is_administrator": user.has_role(roles.ADMINISTRATOR),
        "is_coordinator": user.has_role(roles.COORDINATOR),
        "is_auditor": user.has_role(roles.AUDITOR),
        "roles": sorted(user.role_names),
        # Issue 21 §5: what the member acts under (designations too), and what waits on them.
        "designations": menu.designation_summaries(user),
        "action_counts": dashboard_selectors.action_counts(user),
    }
    return render(request, "accounts/dashboard.html", context)


def _administrator_or_404(request):
    # Designations are the administrator's business; to anyone else the pages do not exist.
    if not request.user.has_role(roles.ADMINISTRATOR):
        raise Http404
    return request.user


@login_required
def designations(request):
    administrator = _administrator_or_404(request)
    if request.method == "POST" and (refusal := mfa.reauthentication_response(request)) is not None:
        return refusal  # a designation hands over the Administrator's authority (ID-3)
    form = DesignationForm(request.POST or None, request.FILES or None, administrator=administrator)
    if request.method == "POST" and form.is_valid():
        try:
            services.designation_create(administrator=administrator, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Designation recorded.")
            return redirect("accounts:designations")
    rows = Designation.objects.select_related("designee", "position", "designated_by", "revoked_by").all()
    return render(request, "accounts/designations.html", {"form": form, "designations": rows})


@login_required
@require_POST
def designation_revoke(request, pk: int):
    administrator = _administrator_or_404(request)
    designation = get_object_or_404(Designation, pk=pk)
    if (refusal := mfa.reauthentication_response(request)) is not None:
        return refusal
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for revoking the designation.")
        return redirect("accounts:designations")
    try:
        services.designation_revoke(
            designation=designation, by=administrator, reason=form.cleaned_data["reason"], request=request
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Designation revoked.")
    return redirect("accounts:designations")


def _next_url(request):
    return mfa.safe_redirect(request, request.POST.get("next") or request.GET.get("next") or "")


@login_required
def mfa_verify(request):
    """The second step of signing in (CJIS 5.6.2.2)."""
    if not mfa.has_second_factor(request.user):
        return redirect(f"{reverse('accounts:mfa_setup')}?{urlencode({'next': _next_url(request)})}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", "That code is not valid. Wait for the next code and try again; "
                                "repeated failures slow further attempts.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def mfa_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with one
    code, keep the recovery codes shown once. A member who already has a second factor
    must give it before replacing it."""
    if mfa.has_second_factor(request.user) and not mfa.is_verified(request):
        return redirect(f"{reverse('accounts:mfa_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = mfa.totp_device_pending(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrol_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            return render(request, "accounts/mfa_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("token", "That code does not match. Check the phone's clock and try the next code.")
    context = {
        "form": form, "next": _next_url(request), "secret": b32encode(device.bin_key).decode(),
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - markup drawn by qrcode from our own URI
        "required": mfa.second_factor_required(request.user),
    }
    return render(request, "accounts/mfa_setup.html", context)


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    # Our own markup (no user input but the account name, which qrcode encodes as modules).
    return qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string(encoding="unicode")


@login_required
def mfa_manage(request):
    """The member's two-factor page: status, new recovery codes, replace the app."""
    if request.method == "POST" and request.POST.get("action") == "recovery_codes":
        if not mfa.has_second_factor(request.user):
            raise Http404
        if (refusal := mfa.reauthentication_response(request)) is not None:
            return refusal
        codes = services.recovery_codes_issue(request=request)
        return render(request, "accounts/mfa_codes.html", {"codes": codes, "next": reverse("accounts:mfa_manage")})
    context = {"enrolled": mfa.has_second_factor(request.user), "required": mfa.second_factor_required(request.user)}
    return render(request, "accounts/mfa.html", context)


@login_required
def reauthenticate(request):
    """Confirm password (and code) before a privileged action; see accounts.mfa. A member
    who signs in only through the identity provider confirms there (prompt=login)."""
    if request.user.sso_only:
        sso_url = (f"{reverse('accounts:oidc_login')}?{urlencode({'next': _next_url(request), 'reauth': 1})}"
                   if sso.configured() else None)
        return render(request, "accounts/reauthenticate.html",
                      {"sso_only": True, "sso_url": sso_url, "sso_provider": sso.provider_name()})
    form = ReauthenticateForm(request.POST or None)
    needs_code = mfa.has_second_factor(request.user)
    if request.method == "POST" and form.is_valid():
        if mfa.reauthenticate(request=request, password=form.cleaned_data["password"],
                              token=form.cleaned_data["token"]):
            messages.success(request, "Identity confirmed. Submit your action again.")
            return redirect(_next_url(request))
        if not request.user.is_authenticated:
            # Too many failures: the account is locked and this session has ended (issue 18).
            messages.error(request, "Too many failed attempts: the account is locked. An administrator must "
                                    "release it.")
            return redirect("accounts:login")
        form.add_error(None, "Password or code not accepted.")
    return render(request, "accounts/reauthenticate.html",
                  {"form": form, "needs_code": needs_code, "next": _next_url(request)})


@login_required
def agencies(request):
    """Issue 20 §2: the agencies and what the law lets each receive (SH-3); their kind and
    state change only through agency_classification, re-authenticated and logged."""
    _administrator_or_404(request)
    record_access(action=Action.CONFIGURATION_HISTORY_VIEW, user=request.user, request=request,
                  object_type="agency")
    return render(request, "accounts/agencies.html", {"agencies": Agency.objects.order_by("name")})


@login_required
def agency_classification(request, pk: int):
    """Change an agency's kind or state (issue 20 §2): this undoes or brings the federal and
    out-of-state refusals (SH-3), so it needs a sign-in from the last minutes, a reason, and
    it re-checks the agency's open sharing requests."""
    administrator = _administrator_or_404(request)
    agency = get_object_or_404(Agency, pk=pk, is_home=False)
    if request.method == "POST" and (refusal := mfa.reauthentication_response(request)) is not None:
        return refusal
    form = AgencyClassificationForm(request.POST or None, initial={"kind": agency.kind, "state": agency.state})
    if request.method == "POST" and form.is_valid():
        try:
            done = services.agency_reclassify(agency=agency, by=administrator, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, " ".join([f"{agency.name}: kind and state changed.", *done]))
            return redirect("accounts:agencies")
    return render(request, "accounts/agency_classification.html", {"agency": agency, "form": form},
                  status=400 if form.errors else 200)
