"""Navigation by role and designation (built in accounts/menu.py)."""

from django.conf import settings
from django.urls import reverse

from accounts.menu import MenuItem, menu_for


def navigation(request):
    context = {"nav_items": [], "map_tiles": settings.ALPR_MAP_TILES_URL,
               "map_center": list(settings.ALPR_MAP_CENTER)}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    status = getattr(request, "training_status", None)
    if status is not None and not status.is_current:
        # ID-4: offer nothing the gate would refuse.
        context["nav_items"] = [MenuItem(label="Dashboard", url=reverse("accounts:dashboard"))]
    else:
        context["nav_items"] = menu_for(user)
    return context
