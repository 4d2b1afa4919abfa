"""HL-2: the file layouts pulled lists come in, each a parser from bytes to the rows the
one import takes (hotlists.services.feeds.ParsedFeed). README.md beside this file documents each
with a sample line and says how to add one.

Every layout hands each row to `feeds.add_row`, so plates, states and dates are judged the
same whichever layout they came in, and the category screen (hotlists/screening.py)
judges each row's category at import. A known category code is given its HL-1 name (`SV`
-> `Stolen Vehicle`); an unknown one is kept as the file wrote it, so the screen drops it
unless the department permits it (ALPR_FEED_PERMITTED_CATEGORIES).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hotlists.services.feeds import ParsedFeed, _decode, add_row, parse_feed

# NCIC file codes / CA DOJ category codes -> the names hotlists/screening.py permits.
CATEGORY_NAMES = {
    "SV": "Stolen Vehicle", "VEH": "Stolen Vehicle", "V": "Stolen Vehicle",
    "SP": "Stolen Plate", "LIC": "Stolen Plate", "L": "Stolen Plate",
    "FW": "Felony Want", "WP": "Wanted Person", "W": "Wanted Person",
    "MP": "Missing Person", "M": "Missing Person",
}


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    parse: Callable[[bytes], ParsedFeed]


def _category(code: str) -> str:
    code = code.strip()
    return CATEGORY_NAMES.get(code.upper(), code)


def _text(data: bytes, result: ParsedFeed) -> str | None:
    if not data.strip():
        result.error = "The file is empty."
        return None
    text = _decode(data)
    if text is None:
        result.error = "The file is not text."
    return text


def _check_trailer(result: ParsedFeed, declared: str | None, line: int) -> None:
    """A trailer's record count that disagrees with the records read means the transfer
    was cut short or the extract is wrong: the import refuses the whole file."""
    if declared is None or result.error:
        return
    try:
        count = int(declared.strip())
    except ValueError:
        result.error = f"Line {line}: the trailer's record count {declared.strip()!r} is not a number."
        return
    if count != result.rows_read:
        result.error = (f"The trailer (line {line}) declares {count:,} records but the file has {result.rows_read:,}: "
                        "it is truncated or damaged. Nothing was changed.")


def _finish(result: ParsedFeed) -> ParsedFeed:
    if not result.error and not result.rows:
        result.error = f"No usable rows ({result.rejected_count} rejected)."
    return result


def parse_ncic_delimited(data: bytes) -> ParsedFeed:
    """Pipe-delimited NCIC extract, no header row:
    record type|plate (LIC)|state (LIS)|plate type (LIT)|plate year (LIY)|file code|NIC|entering ORI|date entered
    Record types: V (vehicle file), L (license plate file), W (wanted person), M (missing person) are
    data; H is a header (ignored); T|<count> a trailer whose count must match."""
    result = ParsedFeed()
    text = _text(data, result)
    if text is None:
        return result
    trailer = trailer_line = None
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        cells = [c.strip() for c in raw.split("|")]
        kind = cells[0].upper()
        if kind == "H":
            continue
        if kind == "T":
            trailer, trailer_line = (cells[1] if len(cells) > 1 else ""), line
            continue
        result.rows_read += 1
        if trailer is not None:
            result.reject(line, "record after the trailer", raw)
            continue
        if len(cells) < 9:
            result.reject(line, f"{len(cells)} fields; the layout has 9", raw)
            continue
        category = _category(cells[5] or kind)
        add_row(result, line=line, raw=raw, plate=cells[1], state=cells[2], reason=category, reference=cells[6],
                entered=cells[8], category=category)
    _check_trailer(result, trailer, trailer_line or 0)
    return _finish(result)


# CA DOJ fixed-width extract: (field, first column, last column), 1-based and inclusive,
# as the README's table documents.
CADOJ_COLUMNS = (
    ("record_type", 1, 1),
    ("plate", 2, 9),
    ("state", 10, 11),
    ("plate_type", 12, 13),
    ("plate_year", 14, 17),
    ("category", 18, 20),
    ("reference", 21, 30),
    ("ori", 31, 39),
    ("entered", 40, 47),
    ("description", 48, 87),
)
CADOJ_MIN_LENGTH = 47  # a data record ends at least at its entry date


def parse_cadoj_fixed(data: bytes) -> ParsedFeed:
    """Fixed-width CA DOJ stolen vehicle / stolen plate extract (columns in CADOJ_COLUMNS):
    record type D is data, H a header (ignored), T a trailer with the record count in
    columns 2-10."""
    result = ParsedFeed()
    text = _text(data, result)
    if text is None:
        return result
    trailer = trailer_line = None
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        kind = raw[:1].upper()
        if kind == "H":
            continue
        if kind == "T":
            trailer, trailer_line = raw[1:10], line
            continue
        result.rows_read += 1
        if trailer is not None:
            result.reject(line, "record after the trailer", raw)
            continue
        if kind != "D":
            result.reject(line, f"record type {kind!r} is not D, H or T", raw)
            continue
        if len(raw.rstrip("\r\n")) < CADOJ_MIN_LENGTH:
            result.reject(line, f"line is {len(raw)} characters; a record needs {CADOJ_MIN_LENGTH}", raw)
            continue
        cell = {name: raw[first - 1:last].strip() for name, first, last in CADOJ_COLUMNS}
        category = _category(cell["category"])
        reason = f"{category}: {cell['description']}" if cell["description"] else category
        add_row(result, line=line, raw=raw, plate=cell["plate"], state=cell["state"], reason=reason,
                reference=cell["reference"], entered=cell["entered"], category=category)
    _check_trailer(result, trailer, trailer_line or 0)
    return _finish(result)


LAYOUTS: dict[str, Layout] = {
    layout.name: layout for layout in (
        Layout("csv", "CSV with a header row (column names recognised)", parse_feed),
        Layout("ncic_delimited", "NCIC extract, pipe-delimited", parse_ncic_delimited),
        Layout("cadoj_fixed", "CA DOJ stolen vehicles / plates extract, fixed width", parse_cadoj_fixed),
    )
}
