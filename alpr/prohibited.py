"""Q-6: the screening of stated reasons (lib/screening.py), wired to the access log.

Searches (alpr/services/search.py), sharing requests (sharing/services/requests.py), hot-list requests
(hotlists/services/entries.py) and reads opened directly (alpr/views.py) all screen the words
the member typed. A refusal names the Q-6 category; a refusal or a flag is recorded in
the access log with the text typed, so the auditors see it (AU-1, AU-2)."""

from __future__ import annotations

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from lib.screening import CATEGORY_LABELS, Outcome, ScreeningResult, screen

__all__ = ["CATEGORY_LABELS", "Outcome", "ScreeningResult", "prohibited_uses_named", "screen", "screening_record"]

TEXT_LIMIT = 2000


def prohibited_uses_named(*texts: str) -> list[str]:
    """The Q-6 categories (labels) that the given texts clearly name: the screening's
    refusals, without duplicates. Kept for callers that want a list of uses."""
    found: list[str] = []
    for text in texts:
        result = screen(text or "")
        if result.refused and result.category_label not in found:
            found.append(result.category_label)
    return found


def screening_record(*, result: ScreeningResult, where: str, text: str, user=None, request=None,
                     object_type: str = "", object_id: object = "", case_number: str = "",
                     purpose: str = "") -> AccessEvent | None:
    """Record a refusal or a flag (nothing when allowed): which request, the category,
    the rule that decided and the reason as typed (issue 19: the auditors read it)."""
    if result.outcome == Outcome.ALLOW:
        return None
    refused = result.refused
    return record_access(
        action=Action.SCREENING_REFUSED if refused else Action.SCREENING_FLAGGED, user=user, request=request,
        object_type=object_type, object_id=object_id, case_number=case_number, purpose=purpose,
        data_elements={"where": where, "category": result.category, "rule": result.rule,
                       "terms": sorted({h.phrase for h in result.hits})[:10],
                       "reason_typed": (text or "")[:TEXT_LIMIT]},
        outcome=AccessEvent.Outcome.DENIED if refused else AccessEvent.Outcome.ALLOWED,
        detail=f"Q-6 {'refused' if refused else 'flagged for audit'} ({where}): {result.category_label}; "
               f"{result.explanation} Reason typed: {(text or '')[:TEXT_LIMIT]}",
    )
