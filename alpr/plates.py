"""Plate text rules: normalisation and the wildcard pattern language of Q-3."""

from __future__ import annotations

import re

_PLATE_CHARS = re.compile(r"[^A-Z0-9]")
_PATTERN_CHARS = re.compile(r"^[A-Z0-9*?]+$")
MIN_KNOWN_CHARACTERS = 3  # a partial plate names at least this many characters


def normalize_plate(text: str) -> str:
    """Upper case, A-Z and 0-9 only: spaces, dashes and symbols are not part of a plate."""
    return _PLATE_CHARS.sub("", (text or "").upper())


def is_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def normalize_pattern(text: str) -> str:
    """Upper-case a search pattern, keeping * (any run) and ? (one character)."""
    cleaned = re.sub(r"[\s\-]", "", (text or "").upper())
    return re.sub(r"\*+", "*", cleaned)


def validate_pattern(pattern: str) -> str | None:
    """Return the reason a plate pattern is unusable, or None."""
    if not pattern:
        return "Enter a plate or a partial plate."
    if not _PATTERN_CHARS.match(pattern):
        return "A plate pattern may contain only letters, digits, * (any characters) and ? (one character)."
    known = len(pattern.replace("*", "").replace("?", ""))
    if is_wildcard(pattern) and known < MIN_KNOWN_CHARACTERS:
        return f"A partial plate must name at least {MIN_KNOWN_CHARACTERS} characters."
    if len(pattern.replace("*", "")) > 10:
        return "A plate has at most 10 characters."
    return None


def pattern_to_like(pattern: str) -> str:
    """`7AB*12` -> `7AB%12`; `?` -> `_`. Plates hold only A-Z0-9, so nothing needs escaping."""
    return pattern.replace("*", "%").replace("?", "_")


def pattern_to_regex(pattern: str) -> re.Pattern:
    return re.compile("^" + pattern.replace("*", ".*").replace("?", ".") + "$")
