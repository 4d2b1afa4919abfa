"""Investigative search (Q-1..Q-6): the conditions under which a search may run, and
the criteria it runs with. One service (`search_run`) for the web UI and the API."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from accounts import roles
from alpr.models import Search
from alpr.plates import is_wildcard, normalize_pattern, validate_pattern
from alpr.prohibited import screen, screening_record
from lib.errors import DomainError, NotPermitted
from lib.screening import reason_fingerprint, reason_problem
from training.gate import refuse_unless_operator

logger = logging.getLogger(__name__)

CASE_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,30}$")
CLOCK_SKEW = timedelta(minutes=5)


class SearchRefused(DomainError):
    """The search was refused for a policy reason; the refusal is recorded."""

    code = "search_refused"
    http_status = 403

    def __init__(self, message: str, *, search: Search):
        super().__init__(message)
        self.search = search


@dataclass
class Criteria:
    """What a search looks for (Q-3). Times are aware datetimes."""

    captured_from: datetime
    captured_to: datetime
    plate: str = ""
    camera_ids: list[int] = field(default_factory=list)
    bbox: list[float] | None = None  # south, west, north, east
    vehicle_color: str = ""
    vehicle_make: str = ""
    vehicle_type: str = ""

    @property
    def is_partial(self) -> bool:
        return is_wildcard(self.plate)

    def to_json(self) -> dict:
        data = asdict(self)
        data["captured_from"] = self.captured_from.isoformat()
        data["captured_to"] = self.captured_to.isoformat()
        return {k: v for k, v in data.items() if v not in ("", [], None)}

    @classmethod
    def from_json(cls, data: dict) -> Criteria:
        values = dict(data)
        values["captured_from"] = parse_datetime(values["captured_from"])
        values["captured_to"] = parse_datetime(values["captured_to"])
        return cls(**values)

    def data_elements(self) -> dict:
        """What Q-2 calls 'the plate number or other data elements used'."""
        return self.to_json()


def build_criteria(
    *, captured_from: datetime | None, captured_to: datetime | None, plate: str = "", camera_ids=None, bbox=None,
    vehicle_color: str = "", vehicle_make: str = "", vehicle_type: str = "", now: datetime | None = None,
) -> Criteria:
    """Validate and normalise search criteria; raise DomainError with a clear message."""
    now = now or timezone.now()
    if captured_from is None or captured_to is None:
        raise DomainError("A search needs a time range (from and to).")
    if timezone.is_naive(captured_from) or timezone.is_naive(captured_to):
        raise DomainError("Times need a time zone.")
    if captured_from >= captured_to:
        raise DomainError("The time range must start before it ends.")
    oldest = now - timedelta(days=settings.ALPR_RETENTION_DAYS)
    if captured_from < oldest - CLOCK_SKEW:
        raise DomainError(
            f"Reads are kept {settings.ALPR_RETENTION_DAYS} days (RT-1): start the range on or after "
            f"{timezone.localtime(oldest):%Y-%m-%d %H:%M}."
        )
    if captured_to > now + CLOCK_SKEW:
        captured_to = now + CLOCK_SKEW
    pattern = normalize_pattern(plate)
    if pattern:
        problem = validate_pattern(pattern)
        if problem:
            raise DomainError(problem)
    if bbox:
        try:
            south, west, north, east = (float(v) for v in bbox)
        except (TypeError, ValueError):
            raise DomainError("A map area is four numbers: south, west, north, east.") from None
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            raise DomainError("The map area is not a valid box (south < north, west < east).")
        bbox = [south, west, north, east]
    criteria = Criteria(
        captured_from=captured_from, captured_to=captured_to, plate=pattern,
        camera_ids=sorted({int(c) for c in (camera_ids or [])}), bbox=bbox or None,
        vehicle_color=(vehicle_color or "").strip().upper()[:30],
        vehicle_make=(vehicle_make or "").strip().upper()[:40],
        vehicle_type=(vehicle_type or "").strip().upper()[:30],
    )
    if not (criteria.plate or criteria.camera_ids or criteria.bbox or criteria.vehicle_color
            or criteria.vehicle_make or criteria.vehicle_type):
        raise DomainError("Name a plate, cameras, a map area or vehicle attributes: a time range alone is a dragnet.")
    return criteria


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
    if purpose not in Search.Purpose.values:
        raise _refuse(reason="Historical searches are permitted solely for the purposes of Q-1; choose one.",
                      flagged=False, **common)
    categories = dict(offence_categories())
    if offence_category not in categories:
        raise _refuse(reason="Choose the offence category the search serves (from the configured list).",
                      flagged=False, **common)
    if not CASE_NUMBER.match(case_number):
        raise _refuse(reason="A search needs the case or incident number it serves (Q-2).", flagged=False, **common)
    if len(justification) < 10:
        raise _refuse(reason="Describe the reason for the search (at least a sentence).", flagged=False, **common)
    problem = reason_problem(justification, case_number=case_number,
                             echoes=(Search.Purpose(purpose).label, categories[offence_category]))
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

    from alpr.selectors import reads_for_query

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
