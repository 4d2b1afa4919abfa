"""What the maps draw when there is no basemap (issue 21 §1): the cameras the system knows,
with their names, so a map is never a blank grey box."""

from __future__ import annotations


def camera_points(cameras) -> list[dict]:
    return [{"name": c.name, "lat": float(c.latitude), "lon": float(c.longitude)}
            for c in cameras if c.latitude is not None and c.longitude is not None]
