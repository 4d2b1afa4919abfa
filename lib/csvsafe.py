"""CSV that a spreadsheet cannot turn into a formula (OWASP "CSV injection").

Every CSV the product writes (search exports, rosters, reports, packages, the access log)
goes through `writer()`: a text cell starting with = + - @, a tab or a carriage return
is prefixed with an apostrophe, so Excel and LibreOffice show it as text. Numbers stay
numbers (a negative number is a number, not a formula).
"""

from __future__ import annotations

import csv

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> _SafeWriter:
    return _SafeWriter(stream, **kwargs)
