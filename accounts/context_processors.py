"""Navigation by role and designation (built in accounts/menu.py)."""

import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from accounts.menu import MenuItem, menu_for


def map_tiles_url() -> str:
    """The tile URL template the maps draw (issue 21 §1): the agency's tile server, else
    the offline basemap this application serves from its MBTiles file, else none."""
    if settings.ALPR_MAP_TILES_URL:
        return settings.ALPR_MAP_TILES_URL
    if settings.ALPR_MAP_TILES_FILE:
        return reverse("map_tile", kwargs={"z": 0, "x": 0, "y": 0}).removesuffix("0/0/0") + "{z}/{x}/{y}"
    return ""


@lru_cache(maxsize=4)
def _boundary(path: str, modified: float):
    from lib.geo import GeometryError, load_boundary

    try:
        return load_boundary(path)
    except GeometryError as exc:
        # A wrong file must not take the maps down: they draw without it, and the log says why.
        logging.getLogger(__name__).error("ALPR_MAP_BOUNDARY_GEOJSON not drawn: %s", exc)
        return None


def map_boundary():
    """The city boundary drawn on every map (issue 21 §1), read again when the file changes."""
    path = settings.ALPR_MAP_BOUNDARY_GEOJSON
    if not path:
        return None
    try:
        modified = Path(path).stat().st_mtime
    except OSError:
        modified = 0.0
    return _boundary(path, modified)


def navigation(request):
    context = {"nav_items": [], "map_tiles": map_tiles_url(), "map_center": list(settings.ALPR_MAP_CENTER)}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    context["map_boundary"] = map_boundary()
    status = getattr(request, "training_status", None)
    if status is not None and not status.is_current:
        # ID-4: offer nothing the gate would refuse.
        context["nav_items"] = [MenuItem(label="Dashboard", url=reverse("accounts:dashboard"))]
    else:
        context["nav_items"] = menu_for(user)
    return context
