from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import roles, services
from accounts.forms import LOGIN_BANNER, BannerAuthenticationForm, DesignationForm, RevokeForm
from accounts.models import Designation
from lib.errors import DomainError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = BannerAuthenticationForm
    redirect_authenticated_user = True
    extra_context = {"banner": LOGIN_BANNER}


class LogoutView(auth_views.LogoutView):
    pass


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
    form = DesignationForm(request.POST or None, request.FILES or None, administrator=administrator)
    if request.method == "POST" and form.is_valid():
        try:
            services.designation_create(administrator=administrator, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Designation recorded.")
            return redirect("accounts:designations")
    rows = Designation.objects.select_related("designee", "designated_by", "revoked_by").all()
    return render(request, "accounts/designations.html", {"form": form, "designations": rows})


@login_required
@require_POST
def designation_revoke(request, pk: int):
    administrator = _administrator_or_404(request)
    designation = get_object_or_404(Designation, pk=pk)
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
