"""Reproducible sampling (AU-2, issue 20): the population an audit sampled, its digest,
and re-deriving the sample later against what was stored when the audit opened.

Re-deriving answers three questions per population, each shown separately so a mismatch
says what changed:

- stored: do the stored ids still hash to the stored SHA-256 (nobody edited the row)?
- population: does the live query over the same window return the stored ids (nothing
  added to or purged from the period since; a period that ended on the last complete
  day only changes when records are purged or back-dated)?
- sample: are the audit's items `draw(stored ids, n, seed)` in the drawn order?

A read: nothing here writes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from audits import sampling

# AU-2: "at least 10 detection-browsing inquiries from the preceding six months" (001 §462.7:
# "during the preceding six-month period"); six calendar months, counted back from the
# period's last day.
DETECTION_WINDOW_MONTHS = 6


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)


def detection_window(start: date, end: date) -> tuple[date, date]:
    """The detection-browsing population's days: the six months ending on the period's last
    day, never before the period starts."""
    return max(start, months_before(end, DETECTION_WINDOW_MONTHS) + timedelta(days=1)), end


def population_digest(key: str, window_start: date, window_end: date, ids) -> str:
    """SHA-256 over the population's name, its window and its ids in ascending order. Anyone
    can recompute it from the memo's figures and an export of the ids."""
    text = f"{key}|{window_start.isoformat()}|{window_end.isoformat()}|" + ",".join(str(i) for i in sorted(ids))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class PopulationCheck:
    population: str
    window: tuple[str, str]
    stored_size: int
    current_size: int
    stored_sha256: str
    current_sha256: str
    stored_intact: bool
    population_matches: bool
    sample_matches: bool
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.stored_intact and self.population_matches and self.sample_matches


@dataclass
class Rederivation:
    checks: list[PopulationCheck]
    missing: list[str]  # populations sampled with no stored population (audits opened before issue 20)

    @property
    def ok(self) -> bool:
        return not self.missing and all(c.ok for c in self.checks)


def audit_rederive(audit) -> Rederivation:
    """Re-derive every population's sample of `audit` (see the module docstring)."""
    from audits.populations import SPECS

    stored = {p.population: p for p in audit.stored_populations.all()}
    checks, missing = [], []
    for key in audit.populations:
        record = stored.get(key)
        if record is None:
            missing.append(key)
            continue
        current = SPECS[key].ids(record.window_start, record.window_end)
        current_sha = population_digest(key, record.window_start, record.window_end, current)
        stored_ids = [int(i) for i in record.ids]
        intact = population_digest(key, record.window_start, record.window_end, stored_ids) == record.sha256
        sample_record = audit.sampling.get(key, {})
        drawn = sampling.draw(stored_ids, int(sample_record.get("sample", 0)), int(sample_record.get("seed", 0)))
        items = [int(i) for i in audit.items.filter(population=key).order_by("position")
                 .values_list("object_id", flat=True)]
        stored_set, current_set = set(stored_ids), set(current)
        checks.append(PopulationCheck(
            population=key, window=(record.window_start.isoformat(), record.window_end.isoformat()),
            stored_size=record.size, current_size=len(current), stored_sha256=record.sha256,
            current_sha256=current_sha, stored_intact=intact, population_matches=current_sha == record.sha256,
            sample_matches=intact and drawn == items,
            added=sorted(current_set - stored_set)[:20], removed=sorted(stored_set - current_set)[:20]))
    return Rederivation(checks, missing)
