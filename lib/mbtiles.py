"""Raster tiles from an MBTiles file (issue 21 §1: an offline basemap on a closed network).

MBTiles is one SQLite database (https://github.com/mapbox/mbtiles-spec): a `tiles` table
of (zoom_level, tile_column, tile_row, tile_data) and a `metadata` table of name/value
pairs. Rows count from the south (TMS), maps ask from the north (XYZ): row = 2**z - 1 - y.
Read with the standard library's sqlite3, read-only, so a tile request can never change
the agency's file. Django-free; alpr/views/maps.py serves it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

MAX_ZOOM = 22
# Raster formats a browser draws in an <img>; vector tiles ("pbf") need a renderer the
# application does not ship, so such a file is refused rather than served as broken images.
RASTER_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}


class TileRequestError(ValueError):
    """z/x/y outside the tile pyramid."""


class TileSourceError(RuntimeError):
    """The file is missing, not an MBTiles database, or holds vector tiles."""


def check_tile_address(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise TileRequestError(f"zoom {z} is outside 0..{MAX_ZOOM}")
    side = 2 ** z
    if not (0 <= x < side and 0 <= y < side):
        raise TileRequestError(f"tile {x}/{y} is outside zoom {z}'s 0..{side - 1}")


def content_type(data: bytes) -> str | None:
    for magic, kind in RASTER_TYPES.items():
        if data.startswith(magic):
            return kind
    return None


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise TileSourceError(f"no MBTiles file at {path}")
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise TileSourceError(f"{path} cannot be opened: {exc}") from None


def metadata(path: Path) -> dict[str, str]:
    connection = _connect(path)
    try:
        return dict(connection.execute("SELECT name, value FROM metadata").fetchall())
    except sqlite3.Error as exc:
        raise TileSourceError(f"{path} is not an MBTiles file: {exc}") from None
    finally:
        connection.close()


def read_tile(path: Path, z: int, x: int, y: int) -> tuple[bytes, str] | None:
    """The tile's bytes and content type, or None when the file has no such tile."""
    check_tile_address(z, x, y)
    connection = _connect(path)
    try:
        row = connection.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, 2 ** z - 1 - y),
        ).fetchone()
    except sqlite3.Error as exc:
        raise TileSourceError(f"{path} is not an MBTiles file: {exc}") from None
    finally:
        connection.close()
    if row is None:
        return None
    data = bytes(row[0])
    kind = content_type(data)
    if kind is None:
        raise TileSourceError(f"{path} holds tiles that are not PNG, JPEG or WebP (vector tiles?)")
    return data, kind


def write_tiles(path: Path, tiles: dict[tuple[int, int, int], bytes], *, name: str = "basemap",
                image_format: str = "png") -> None:
    """Write an MBTiles file of {(z, x, y): image bytes}: for tests and the demo."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(
            "CREATE TABLE metadata (name TEXT, value TEXT);"
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
            "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);")
        connection.executemany("INSERT INTO metadata VALUES (?, ?)",
                               [("name", name), ("format", image_format), ("type", "baselayer")])
        connection.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                               [(z, x, 2 ** z - 1 - y, data) for (z, x, y), data in tiles.items()])
        connection.commit()
    finally:
        connection.close()
