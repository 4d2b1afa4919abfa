"""Navigation by role: each person sees the areas their role uses."""

from django.conf import settings
from django.urls import reverse

from accounts import roles


def _nav_for(user):
    items = [("Dashboard", "accounts:dashboard")]
    if user.has_role(*roles.ALERT_ROLES):
        items.append(("Live alerts", "alpr:alerts"))
    if user.has_role(*roles.SEARCH_ROLES):
        items.append(("Search", "alpr:search"))
    if user.has_role(roles.AUDITOR):
        items.append(("Search records", "alpr:searches"))
    if user.has_role(roles.OFFICER, roles.PST, roles.CRIME_ANALYST, roles.INVESTIGATOR, roles.ADMINISTRATOR):
        items.append(("Hot lists", "hotlists:index"))
    if user.has_role(roles.PST, roles.CRIME_ANALYST, roles.ADMINISTRATOR):
        items.append(("Upload frames", "ingest:index"))
    if user.has_role(roles.ADMINISTRATOR, roles.AUDITOR):
        items.append(("Sharing", "sharing:index"))
    if user.has_role(roles.COORDINATOR, roles.AUDITOR, roles.ADMINISTRATOR):
        items.append(("Training", "training:index"))
    if user.has_role(roles.AUDITOR, roles.COORDINATOR, roles.ADMINISTRATOR, roles.INVESTIGATOR):
        items.append(("Retention", "alpr:retention"))
    if user.has_role(roles.AUDITOR, roles.COORDINATOR, roles.ADMINISTRATOR):
        items.append(("Access log", "audits:index"))
    if user.has_role(roles.AUDITOR, roles.COORDINATOR, roles.ADMINISTRATOR):
        items.append(("Configuration", "audits:configuration_history"))  # issue 19 §6
    if user.has_role(roles.AUDITOR, roles.COORDINATOR):
        items.append(("Audits", "audits:audit_list"))
    if user.has_role(roles.ADMINISTRATOR):
        items.append(("Designations", "accounts:designations"))
    if user.is_staff:
        items.append(("Admin", "admin:index"))
    return [(label, reverse(name)) for label, name in items]


def navigation(request):
    context = {"nav_items": [], "map_tiles": settings.ALPR_MAP_TILES_URL}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    status = getattr(request, "training_status", None)
    if status is not None and not status.is_current:
        # ID-4: offer nothing the gate would refuse.
        context["nav_items"] = [("Dashboard", reverse("accounts:dashboard"))]
    else:
        context["nav_items"] = _nav_for(user)
    return context
