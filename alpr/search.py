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

from accounts import roles
from alpr.models import Search
from alpr.plates import is_wildcard, normalize_pattern, validate_pattern
from alpr.prohibited import prohibited_uses_named
from audits.models import AccessEvent
from audits.services import record_access
from lib.errors import DomainError, NotPermitted

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


def _refuse(*, user, request, reason: str, flagged: bool, purpose: str, case_number: str, justification: str,
            attested: bool, criteria: Criteria) -> SearchRefused:
    search = Search.objects.create(
        user=user, organization=user.agency.name if user.agency else "", purpose=purpose,
        case_number=case_number, justification=justification, attested=attested, criteria=criteria.to_json(),
        status=Search.Status.REFUSED, refusal_reason=reason, flagged_for_audit=flagged,
    )
    record_access(
        action="search.refused", user=user, request=request, object_type="search", object_id=search.pk,
        data_elements=criteria.data_elements(), purpose=purpose, case_number=case_number,
        outcome=AccessEvent.Outcome.DENIED,
        # Issue 19: the stated reason goes in the log too, so auditors can search it (AU-1).
        detail=reason + (" [flagged for audit]" if flagged else "") + (f" Reason given: {justification}"
                                                                       if justification else ""),
    )
    logger.warning("search refused user=%s search=%s flagged=%s reason=%s", user.username, search.pk, flagged, reason)
    return SearchRefused(reason, search=search)


def search_run(
    *, user, purpose: str, case_number: str, justification: str, attested: bool, criteria: Criteria, request=None,
) -> Search:
    """Run an investigative search if, and only if, the policy allows it.

    Refusals (no permitted purpose, no case number, no attestation, a prohibited use
    named) are recorded and raised as SearchRefused; prohibited uses are flagged for
    the auditors (Q-6).
    """
    if not user.has_role(*roles.SEARCH_ROLES):
        raise NotPermitted("Your role does not run investigative searches.")
    case_number = (case_number or "").strip().upper()
    justification = (justification or "").strip()
    common = {"user": user, "request": request, "purpose": purpose or "", "case_number": case_number,
              "justification": justification, "attested": bool(attested), "criteria": criteria}
    named = prohibited_uses_named(justification, case_number)
    if named:
        raise _refuse(reason="The stated reason names a prohibited use (Q-6): " + ", ".join(named) + ".",
                      flagged=True, **common)
    if purpose not in Search.Purpose.values:
        raise _refuse(reason="Historical searches are permitted solely for the purposes of Q-1; choose one.",
                      flagged=False, **common)
    if not CASE_NUMBER.match(case_number):
        raise _refuse(reason="A search needs the case or incident number it serves (Q-2).", flagged=False, **common)
    if len(justification) < 10:
        raise _refuse(reason="Describe the reason for the search (at least a sentence).", flagged=False, **common)
    if not attested:
        raise _refuse(reason="Attest that the search meets reasonable suspicion and no prohibited use (Q-1, Q-6).",
                      flagged=False, **common)

    from alpr.selectors import reads_for_query

    count = reads_for_query(user=user, criteria=criteria).count()
    search = Search.objects.create(
        user=user, organization=user.agency.name if user.agency else "", purpose=purpose, case_number=case_number,
        justification=justification, attested=True, criteria=criteria.to_json(), status=Search.Status.RUN,
        result_count=count,
    )
    record_access(
        action="search.run", user=user, request=request, object_type="search", object_id=search.pk,
        data_elements={**criteria.data_elements(), "results": count}, purpose=purpose, case_number=case_number,
        detail=f"Reason given: {justification}",  # issue 19: searchable by auditors (AU-1)
    )
    return search
