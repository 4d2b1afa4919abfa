"""What an investigative search looks for (Q-3): the criteria, validated and normalised.

Neither a read nor a write: `build_criteria` checks what the member typed (a time range
inside retention, a plate pattern, a map box, something more than a time range) and
`Criteria` carries it. The search service records it (alpr.services.search.search_run)
and the read selector filters by it (alpr.selectors.reads.reads_for_query), so it sits
below both, in a module of its own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from alpr.plates import is_wildcard, normalize_pattern, validate_pattern
from alpr.selectors.retention import longest_read_retention_days
from lib.errors import DomainError
from lib.geo import GeometryError, validate_ring

CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class Criteria:
    """What a search looks for (Q-3). Times are aware datetimes."""

    captured_from: datetime
    captured_to: datetime
    plate: str = ""
    camera_ids: list[int] = field(default_factory=list)
    bbox: list[float] | None = None  # south, west, north, east
    polygon: list[list[float]] | None = None  # closed ring of [lat, lon] (issue 21 §1)
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
    polygon=None,
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
    # RT-1: nothing older than the reads' retention exists. RT-4: a source may keep its
    # reads longer (the schedule in force is read only then); reads of a source kept for
    # less are left out of the results by within_retention.
    kept = settings.ALPR_RETENTION_DAYS
    if captured_from < now - timedelta(days=kept) - CLOCK_SKEW:
        kept = max(kept, longest_read_retention_days())
    oldest = now - timedelta(days=kept)
    if captured_from < oldest - CLOCK_SKEW:
        raise DomainError(
            f"Reads are kept {kept} days (RT-1): start the range on or after "
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
    if polygon:
        try:
            polygon = validate_ring(polygon)
        except GeometryError as exc:
            raise DomainError(f"{exc}.") from None
    criteria = Criteria(
        captured_from=captured_from, captured_to=captured_to, plate=pattern,
        camera_ids=sorted({int(c) for c in (camera_ids or [])}), bbox=bbox or None,
        polygon=polygon or None,
        vehicle_color=(vehicle_color or "").strip().upper()[:30],
        vehicle_make=(vehicle_make or "").strip().upper()[:40],
        vehicle_type=(vehicle_type or "").strip().upper()[:30],
    )
    if not (criteria.plate or criteria.camera_ids or criteria.bbox or criteria.polygon or criteria.vehicle_color
            or criteria.vehicle_make or criteria.vehicle_type):
        raise DomainError("Name a plate, cameras, a map area or vehicle attributes: a time range alone is a dragnet.")
    return criteria
