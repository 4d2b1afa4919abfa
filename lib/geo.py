"""Map geometry (issue 21 §1), Django-free: the search polygon's checks and the
point-in-polygon test the read selector uses, and the city boundary file's checks.

Points are (latitude, longitude) in degrees. Areas the size of a city are small enough
that treating degrees as a plane is exact to the metre for "is this read inside".
"""

from __future__ import annotations

import json
import math
from pathlib import Path

# A hand-drawn search area needs a handful of corners; a cap keeps the check (and the
# criteria stored with the search, Q-2) small.
MAX_SEARCH_VERTICES = 100
# A city boundary from OpenStreetMap runs to thousands of points; a cap and a size limit
# keep a wrong file (a whole country) from being sent to every map page.
MAX_BOUNDARY_VERTICES = 20_000
MAX_BOUNDARY_BYTES = 2_000_000


class GeometryError(ValueError):
    """Input that is not the shape it claims to be; the message says what is wrong."""


def _point(value, where: str) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        raise GeometryError(f"{where} is not a pair of numbers (latitude, longitude)") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise GeometryError(f"{where} is not a finite number")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeometryError(f"{where} is outside latitude -90..90, longitude -180..180")
    return lat, lon


def validate_ring(points, *, max_vertices: int = MAX_SEARCH_VERTICES, what: str = "The map area") -> list[list[float]]:
    """A closed ring of (lat, lon) points: at least three corners, the last point the
    first again, at most `max_vertices` corners, enclosing some area."""
    if not isinstance(points, list | tuple):
        raise GeometryError(f"{what} is a list of [latitude, longitude] points")
    ring = [_point(p, f"{what}'s point {i + 1}") for i, p in enumerate(points)]
    if len(ring) < 4:
        raise GeometryError(f"{what} needs at least three corners and the first point again to close it")
    if ring[0] != ring[-1]:
        raise GeometryError(f"{what} is not closed: its last point must be its first")
    if len(ring) - 1 > max_vertices:
        raise GeometryError(f"{what} has {len(ring) - 1} corners; at most {max_vertices}")
    if abs(_area(ring)) < 1e-12:
        raise GeometryError(f"{what} encloses no area")
    return [[lat, lon] for lat, lon in ring]


def _area(ring) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) / 2


def bounds(ring) -> tuple[float, float, float, float]:
    """south, west, north, east: the box a database can filter by before the exact test."""
    lats = [p[0] for p in ring]
    lons = [p[1] for p in ring]
    return min(lats), min(lons), max(lats), max(lons)


def contains(ring, lat: float, lon: float) -> bool:
    """Ray casting (even-odd rule): is the point inside the closed ring? A point on an
    edge may fall either way, as with any drawn line."""
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(ring, ring[1:], strict=False):
        if (lat1 > lat) != (lat2 > lat):
            crossing = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if lon < crossing:
                inside = not inside
    return inside


def load_boundary(path: str | Path) -> dict:
    """The city boundary file: GeoJSON Polygon or MultiPolygon (bare, as a Feature or in a
    FeatureCollection), coordinates in range, within the size caps. Returns the GeoJSON
    to draw; raises GeometryError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise GeometryError(f"no boundary file at {path}")
    if path.stat().st_size > MAX_BOUNDARY_BYTES:
        raise GeometryError(f"{path} is over {MAX_BOUNDARY_BYTES:,} bytes: simplify the boundary")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeometryError(f"{path} is not JSON: {exc}") from None
    geometries = _geometries(data)
    if not geometries:
        raise GeometryError(f"{path} holds no Polygon or MultiPolygon")
    vertices = 0
    for geometry in geometries:
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            if not isinstance(polygon, list) or not polygon:
                raise GeometryError(f"{path}: a polygon has no rings")
            for ring in polygon:
                if not isinstance(ring, list):
                    raise GeometryError(f"{path}: a ring is not a list of positions")
                # GeoJSON positions are [longitude, latitude].
                validate_ring([p[1::-1] if isinstance(p, list) else p for p in ring],
                              max_vertices=MAX_BOUNDARY_VERTICES, what="The boundary")
                vertices += len(ring)
    if vertices > MAX_BOUNDARY_VERTICES:
        raise GeometryError(f"{path} has {vertices:,} points; at most {MAX_BOUNDARY_VERTICES:,}: simplify it")
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": g} for g in geometries]}


def _geometries(data) -> list[dict]:
    if not isinstance(data, dict):
        raise GeometryError("the boundary is not a GeoJSON object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        return [g for f in data.get("features") or [] for g in _geometries(f)]
    if kind == "Feature":
        return _geometries(data.get("geometry") or {})
    if kind in ("Polygon", "MultiPolygon"):
        if not isinstance(data.get("coordinates"), list):
            raise GeometryError(f"a {kind} without coordinates")
        return [{"type": kind, "coordinates": data["coordinates"]}]
    raise GeometryError(f"GeoJSON type {kind!r} is not a Polygon, MultiPolygon, Feature or FeatureCollection")
