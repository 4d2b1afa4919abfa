"""The stated purpose of an access to stored ALPR data (ID-5, Q-1, Q-2, Q-5): one rule set,
used by an investigative search (alpr.services.search.search_run) and by opening a read
directly (alpr.forms.ReadAccessForm), so the two can never drift apart (issue 20 §1:
a read opened directly accepted case "26-1" with reason "x" and asked no Q-1 purpose).

Neither a read nor a write: it checks what the member typed and says what is wrong.
"""

from __future__ import annotations

import re

from alpr.models import Search
from lib.screening import reason_problem

# the case or incident number a search or a read serves. Upper-cased before the match.
CASE_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,30}$")
REASON_MIN_LENGTH = 10

PURPOSE_MISSING = "Historical searches are permitted solely for the purposes of Q-1; choose one."
OFFENCE_MISSING = "Choose the offence category the search serves (from the configured list)."
CASE_MISSING = "A search needs the case or incident number it serves (Q-2)."
REASON_SHORT = "Describe the reason for the search (at least a sentence)."


def normalise_case_number(value: str) -> str:
    return (value or "").strip().upper()


def stated_purpose_problem(*, purpose: str, case_number: str, reason: str,
                           offence_category: str | None = None, offence_categories: dict | None = None,
                           what: str = "search") -> str:
    """Why this stated purpose does not meet Q-1 / Q-2 ('' when it does), in the order a
    member fixes them: a permitted Q-1 purpose, the offence category (searches), the case
    or incident number, and a reason that says something of its own (not "x", not the
    case number or the purpose again: lib.screening.reason_problem).

    `what` names the access in the messages ("search", "read")."""
    if purpose not in Search.Purpose.values:
        return PURPOSE_MISSING if what == "search" else \
            "Access to stored reads is permitted solely for the purposes of Q-1; choose one (ID-5)."
    if offence_categories is not None and (offence_category or "") not in offence_categories:
        return OFFENCE_MISSING
    if not CASE_NUMBER.match(normalise_case_number(case_number)):
        return CASE_MISSING if what == "search" else \
            f"Opening a {what} needs the case or incident number it serves (Q-2, Q-5)."
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        return REASON_SHORT if what == "search" else \
            f"Describe the reason for opening this {what} (at least a sentence)."
    echoes = (Search.Purpose(purpose).label,)
    if offence_categories is not None:
        echoes += (offence_categories[offence_category],)
    return reason_problem(reason, case_number=normalise_case_number(case_number), echoes=echoes)
