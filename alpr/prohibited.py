"""Q-6: prohibited uses named in a search's own words are refused and flagged.

This cannot read minds; it stops the searches whose stated reason names a prohibited
use, and it puts them in front of the auditors. The auditors' sample covers the rest.
"""

from __future__ import annotations

import re

# (label, pattern, flags). Acronyms are matched case-sensitively so that "police" or
# "notice" never read as ICE.
_RULES: list[tuple[str, str, int]] = [
    ("federal immigration enforcement", r"\bimmigra\w*|\bdeport\w*|\bborder patrol\b|\bundocumented\b|\billegal alien",
     re.IGNORECASE),
    ("federal immigration enforcement", r"\b(ICE|CBP|HSI|ERO)\b", 0),
    ("reproductive health care", r"\babortion\w*|\breproductive\b|\bplanned parenthood\b|\bfamily planning\b",
     re.IGNORECASE),
    ("First Amendment activity", r"\bprotest\w*|\bdemonstrators?\b|\brally\b|\bjournalists?\b|\bpicket\w*",
     re.IGNORECASE),
    ("personal use", r"\bpersonal (use|reasons?|matter)\b|\bmy (ex|wife|husband|girlfriend|boyfriend|neighbou?r)\b",
     re.IGNORECASE),
    ("use based on a protected characteristic",
     r"\b(race|racial|ethnicity|religion|religious|sexual orientation|gender identity|nationality)\b", re.IGNORECASE),
    ("harassment or intimidation", r"\bharass\w*|\bintimidat\w*", re.IGNORECASE),
]
_COMPILED = [(label, re.compile(pattern, flags)) for label, pattern, flags in _RULES]


def prohibited_uses_named(*texts: str) -> list[str]:
    """The prohibited uses (Q-6) that the given texts name, without duplicates."""
    found: list[str] = []
    for text in texts:
        for label, rx in _COMPILED:
            if text and rx.search(text) and label not in found:
                found.append(label)
    return found
