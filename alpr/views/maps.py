"""The offline basemap (issue 21 §1): tiles served by the application itself from the
MBTiles file the agency drops in (ALPR_MAP_TILES_FILE), for police networks with no tile
server. Signed-in members only; the file is read-only (lib/mbtiles.py).

Tiles are the agency's street map, not ALPR data (no plate, read or person), so they are
not written to the access log: one map view asks for dozens of them and would bury the
entries the policies require. They are logged minimally instead: refusals and a broken
file as warnings, each tile at debug level.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from lib.errors import error_body
from lib.mbtiles import TileRequestError, TileSourceError, read_tile

logger = logging.getLogger(__name__)

# The file changes only when the agency drops in a new one: a day in the browser's own
# cache (private: only for the signed-in member) spares the server, the ETag revalidates.
TILE_MAX_AGE = 24 * 3600


@require_GET
@login_required
def map_tile(request, z: int, x: int, y: int):
    if not settings.ALPR_MAP_TILES_FILE:
        return JsonResponse(error_body("no_basemap", "No offline basemap is configured (ALPR_MAP_TILES_FILE)."),
                            status=404)
    try:
        tile = read_tile(Path(settings.ALPR_MAP_TILES_FILE), z, x, y)
    except TileRequestError as exc:
        logger.warning("map tile refused user=%s z=%s x=%s y=%s: %s", request.user.pk, z, x, y, exc)
        return JsonResponse(error_body("bad_tile", str(exc)), status=400)
    except TileSourceError as exc:
        logger.error("offline basemap unusable: %s", exc)
        return JsonResponse(error_body("basemap_unavailable", "The offline basemap cannot be read."), status=503)
    if tile is None:
        # Outside the region the agency's file covers: nothing to draw, not an error.
        logger.debug("map tile absent z=%s x=%s y=%s", z, x, y)
        return HttpResponse(status=404)
    data, kind = tile
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {"Cache-Control": f"private, max-age={TILE_MAX_AGE}", "ETag": etag}
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304, headers=headers)
    else:
        logger.debug("map tile user=%s z=%s x=%s y=%s bytes=%s", request.user.pk, z, x, y, len(data))
        response = HttpResponse(data, content_type=kind, headers=headers)
    # A street map, no ALPR data: accounts.middleware.NoStoreMiddleware leaves its caching be.
    response.holds_no_alpr_data = True
    return response
