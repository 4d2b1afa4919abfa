"""Investigative search (Q-1..Q-6): the conditions under which a search may run, and
the record of each search run or refused. One service (`search_run`) for the web UI
and the API. What a search looks for (Criteria, build_criteria) is alpr.criteria."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from accounts import roles
from alpr.criteria import Criteria
from alpr.models import Search
from alpr.prohibited import screen, screening_record
from alpr.purpose import stated_purpose_problem
from alpr.selectors.reads import reads_for_query
from lib.errors import DomainError, NotPermitted
from lib.screening import reason_fingerprint
from training.gate import refuse_unless_operator

logger = logging.getLogger(__name__)


class SearchRefused(DomainError):
    """The search was refused for a policy reason; the refusal is recorded."""

    code = "search_refused"
    http_status = 403

    def __init__(self, message: str, *, search: Search):
        super().__init__(message)
        self.search = search


def offence_categories() -> list[tuple[str, str]]:
    """The offence categories a search may name (settings.ALPR_OFFENCE_CATEGORIES)."""
    return list(settings.ALPR_OFFENCE_CATEGORIES)


def _refuse(*, user, request, reason: str, flagged: bool, purpose: str, case_number: str, justification: str,
            attested: bool, criteria: Criteria, offence_category: str = "", fingerprint: str = "") -> SearchRefused:
    search = Search.objects.create(
        user=user, organization=user.agency.name if user.agency else "", purpose=purpose,
        case_number=case_number, justification=justification, attested=attested, criteria=criteria.to_json(),
        status=Search.Status.REFUSED, refusal_reason=reason, flagged_for_audit=flagged,
        offence_category=offence_category[:32], reason_fingerprint=fingerprint,
    )
    record_access(
        action=Action.SEARCH_REFUSED, user=user, request=request, object_type="search", object_id=search.pk,
        data_elements=criteria.data_elements(), purpose=purpose, case_number=case_number,
        outcome=AccessEvent.Outcome.DENIED,
        # Issue 19: the stated reason goes in the log too, so auditors can search it (AU-1).
        detail=reason + (" [flagged for audit]" if flagged else "") + (f" Reason given: {justification}"
                                                                       if justification else ""),
    )
    logger.warning("search refused user=%s search=%s flagged=%s reason=%s", user.username, search.pk, flagged, reason)
    return SearchRefused(reason, search=search)


def _reason_reused(*, user, fingerprint: str, case_number: str, now) -> str:
    """Issue 19: one reason given for searches in many unrelated cases (different case
    numbers) is boilerplate, not a reason; the auditors look at such a member."""
    if not fingerprint:
        return ""
    since = now - timedelta(days=settings.ALPR_REASON_REUSE_DAYS)
    other_cases = set(
        Search.objects.filter(user=user, reason_fingerprint=fingerprint, created_at__gte=since,
                              status=Search.Status.RUN).exclude(case_number=case_number)
        .order_by().values_list("case_number", flat=True).distinct()[: settings.ALPR_REASON_REUSE_LIMIT])
    if len(other_cases) + 1 >= settings.ALPR_REASON_REUSE_LIMIT:
        return (f"The same reason was given for searches in {len(other_cases) + 1} or more different cases "
                f"within {settings.ALPR_REASON_REUSE_DAYS} days.")
    return ""


def search_run(
    *, user, purpose: str, case_number: str, justification: str, attested: bool, criteria: Criteria,
    offence_category: str, request=None,
) -> Search:
    """Run an investigative search if, and only if, the policy allows it.

    Refusals (a prohibited use, no permitted purpose or offence category, no case number,
    a reason without information, no attestation) are recorded and raised as
    SearchRefused. The Q-6 screening refuses what clearly names a prohibited use and
    flags what is suspicious: a flagged search runs and the auditors see it, with the
    reason typed; so does a reason reused across unrelated cases (issue 19).
    """
    refuse_unless_operator(user)  # ID-2, ID-4: the gate holds off the web too
    if not user.has_role(*roles.SEARCH_ROLES):
        raise NotPermitted("Your role does not run investigative searches.")
    case_number = (case_number or "").strip().upper()
    justification = (justification or "").strip()
    offence_category = (offence_category or "").strip()
    fingerprint = reason_fingerprint(justification, case_number=case_number)
    common = {"user": user, "request": request, "purpose": purpose or "", "case_number": case_number,
              "justification": justification, "attested": bool(attested), "criteria": criteria,
              "offence_category": offence_category, "fingerprint": fingerprint}
    # Q-6 first: a prohibited use is refused and flagged whatever else is wrong.
    screening = screen(justification, fields={"case_number": case_number})
    if screening.refused:
        screening_record(result=screening, where="search", text=justification, user=user, request=request,
                         case_number=case_number, purpose=purpose or "")
        raise _refuse(reason=screening.message(), flagged=True, **common)
    # the same purpose, case-number and reason rules as a read opened directly
    # (alpr.purpose, issue 20 §1).
    categories = dict(offence_categories())
    problem = stated_purpose_problem(purpose=purpose or "", case_number=case_number, reason=justification,
                                     offence_category=offence_category, offence_categories=categories)
    if problem:
        raise _refuse(reason=problem, flagged=False, **common)
    if not attested:
        raise _refuse(reason="Attest that the search meets reasonable suspicion and no prohibited use (Q-1, Q-6).",
                      flagged=False, **common)

    flags = []
    if screening.flagged:
        flags.append(screening.message())
    reused = _reason_reused(user=user, fingerprint=fingerprint, case_number=case_number, now=timezone.now())
    if reused:
        flags.append(reused)

    count = reads_for_query(user=user, criteria=criteria).count()
    search = Search.objects.create(
        user=user, organization=user.agency.name if user.agency else "", purpose=purpose, case_number=case_number,
        justification=justification, attested=True, criteria=criteria.to_json(), status=Search.Status.RUN,
        result_count=count, offence_category=offence_category, reason_fingerprint=fingerprint,
        flagged_for_audit=bool(flags), flag_reason=" ".join(flags),
    )
    record_access(
        action=Action.SEARCH_RUN, user=user, request=request, object_type="search", object_id=search.pk,
        data_elements={**criteria.data_elements(), "results": count, "offence_category": offence_category},
        purpose=purpose, case_number=case_number,
        # Issue 19: the reason typed is searchable by auditors (AU-1); flags come first.
        detail=(("[flagged for audit] " + " ".join(flags) + " ") if flags else "") + f"Reason typed: {justification}",
    )
    if screening.flagged:
        screening_record(result=screening, where="search", text=justification, user=user, request=request,
                         object_type="search", object_id=search.pk, case_number=case_number, purpose=purpose)
    return search
