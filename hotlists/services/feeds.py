"""HL-2: downloaded lists (SVS, NCIC, CA DOJ) replace the old list, whole or not at all.

Real extracts vary: header names, delimiters, quoting, blank lines, a byte-order mark,
lower case, spaces and dashes inside plates. The parser accepts those and rejects rows
it cannot use, with their line numbers and reasons. A file that cannot be a list (not
text, no plate column, no usable row, or one that would empty most of the list) changes
nothing and says what is wrong.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from hotlists.matching import bump_version
from hotlists.models import FeedImport, Hotlist, HotlistEntry
from hotlists.screening import category_refusal, prohibited_refusal

logger = logging.getLogger(__name__)

HEADER_ALIASES = {
    "plate": {"plate", "license", "license plate", "license number", "lic", "lic no", "lic plate", "plate number",
              "plate no", "tag", "tag number", "lpn", "licenseplate", "vehicle plate", "registration"},
    "state": {"state", "st", "lis", "plate state", "license state", "state of issue", "lic state", "reg state"},
    "reason": {"reason", "type", "offense", "hit type", "alert type", "list type", "description"},
    # Issue 19 §5: the NCIC file or CA DOJ category each row belongs to; screened at import.
    "category": {"category", "ncic file", "file", "file code", "file type", "list category", "doj category",
                 "category code", "hit category", "mke", "message key"},
    "reference": {"ncic", "ncic number", "ncic no", "nic", "reference", "ref", "source ref", "source reference",
                  "record id", "record number", "oca"},
    "entered_on": {"entry date", "date", "entered", "date entered", "enter date", "entered on", "date of entry"},
}
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y%m%d", "%Y/%m/%d", "%d-%b-%Y")
_PLATE_OK = re.compile(r"^[A-Z0-9]{1,10}$")
MAX_REJECTED_KEPT = 1000


@dataclass
class FeedRow:
    line: int
    plate: str
    state: str
    reason: str
    reference: str
    entered_on: date | None
    category: str = ""


@dataclass
class ParsedFeed:
    rows: list[FeedRow] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    rejected_count: int = 0
    rows_read: int = 0
    error: str = ""

    def reject(self, line: int, reason: str, text: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTED_KEPT:
            self.rejected.append({"line": line, "reason": reason, "text": text[:200]})


def _header_key(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-.#]", " ", name.replace("\ufeff", ""))).strip().lower()


def _decode(data: bytes) -> str | None:
    if b"\x00" in data[:65536]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _parse_date(value: str) -> date | None:
    value = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def add_row(result: ParsedFeed, *, line: int, raw: str, plate: str, state: str = "", reason: str = "",
            reference: str = "", entered: str = "", category: str = "") -> bool:
    """Check and normalize one row's cells and keep it, or reject it with its reason.
    Shared by every layout (hotlists/sources/layouts.py), so a plate is judged the same
    whichever file it came in."""
    plate = re.sub(r"[\s\-]", "", plate).upper()
    if not plate:
        result.reject(line, "no plate", raw)
        return False
    if not _PLATE_OK.match(plate):
        result.reject(line, "plate has characters other than letters and digits, or is too long", raw)
        return False
    state = state.strip().upper()
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        result.reject(line, f"state {state!r} is not a two-letter code", raw)
        return False
    entered, category = entered.strip(), category.strip()[:80]
    result.rows.append(FeedRow(line=line, plate=plate, state=state, reason=(reason.strip() or category)[:200],
                               reference=reference.strip()[:60], entered_on=_parse_date(entered) if entered else None,
                               category=category))
    return True


def parse_feed(data: bytes) -> ParsedFeed:
    result = ParsedFeed()
    if not data.strip():
        result.error = "The file is empty."
        return result
    text = _decode(data)
    if text is None:
        result.error = "The file is not a text (CSV) file."
        return result
    lines = [ln for ln in text.splitlines() if ln.strip()]
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",\t|;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    columns: dict[str, int] | None = None
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue  # blank lines are common in extracts
        if columns is None:
            columns = {}
            for i, name in enumerate(record):
                key = _header_key(name)
                for target, aliases in HEADER_ALIASES.items():
                    if key in aliases and target not in columns:
                        columns[target] = i
            if "plate" not in columns:
                result.error = (
                    f"Line {line}: no plate column in the header ({', '.join(c.strip() for c in record)[:200]}). "
                    "Expected a column named like: plate, license, tag, lic."
                )
                return result
            continue
        result.rows_read += 1
        raw = "|".join(record)

        def cell(name, _record=record, _columns=columns):
            idx = _columns.get(name)
            return _record[idx].strip() if idx is not None and idx < len(_record) else ""

        add_row(result, line=line, raw=raw, plate=cell("plate"), state=cell("state"), reason=cell("reason"),
                reference=cell("reference"), entered=cell("entered_on"), category=cell("category"))
    if columns is None:
        result.error = "The file has no header row."
    elif not result.rows:
        result.error = f"No usable rows ({result.rejected_count} rejected)."
    return result


def import_feed(*, hotlist: Hotlist, data: bytes, file_name: str, by=None, force: bool = False,
                request=None, parse: Callable[[bytes], ParsedFeed] | None = None) -> FeedImport:
    """Replace an external list with the file's contents, atomically (HL-2). `parse` reads
    a layout other than the header-named CSV (hotlists/sources/layouts.py)."""
    record = FeedImport(hotlist=hotlist, file_name=file_name[:255], sha256=hashlib.sha256(data).hexdigest(),
                        uploaded_by=by, status=FeedImport.Status.REJECTED)
    if not hotlist.is_external:
        record.error = "Only downloaded (external) lists are replaced by file; internal entries go through requests."
    elif not hotlist.source_permitted:
        # Issue 19 §5: a list enabled before the department narrowed its permitted sources
        # takes no new data either.
        record.error = f"{hotlist.get_source_display()} is not a list the policy permits (HL-1); nothing imported."
    elif len(data) > settings.ALPR_HOTLIST_MAX_FILE_BYTES:
        record.error = f"The file is larger than {settings.ALPR_HOTLIST_MAX_FILE_BYTES:,} bytes."
    parsed = None if record.error else (parse or parse_feed)(data)
    if parsed is not None:
        record.rows_read, record.rejected_rows, record.rejected_count = (
            parsed.rows_read, parsed.rejected, parsed.rejected_count)
        record.error = parsed.error
    if record.error:
        return _finish(record, by, request)
    rows = _screen(parsed.rows, record)
    with transaction.atomic():
        # One import of a list at a time; readers keep seeing the old list until commit.
        Hotlist.objects.select_for_update().get(pk=hotlist.pk)
        existing = {
            (plate, state): (pk, reason, reference, entered_on, category)
            for pk, plate, state, reason, reference, entered_on, category in HotlistEntry.objects.filter(
                hotlist=hotlist, status=HotlistEntry.Status.ACTIVE, pattern="").values_list(
                "pk", "plate", "state", "reason", "reference", "entered_on", "category").iterator(chunk_size=20_000)
        }
        incoming: dict[tuple[str, str], FeedRow] = {}
        for row in rows:
            incoming.setdefault((row.plate, row.state), row)  # duplicate rows: the first one counts
        to_remove = [v[0] for k, v in existing.items() if k not in incoming]
        if (existing and not force and
                len(to_remove) > settings.ALPR_FEED_MAX_REMOVAL_FRACTION * len(existing)):
            record.error = (
                f"This file would remove {len(to_remove):,} of {len(existing):,} entries "
                f"(more than {settings.ALPR_FEED_MAX_REMOVAL_FRACTION:.0%}); it looks truncated or wrong. "
                "Nothing was changed. Import it with force if it is right."
            )
            return _finish(record, by, request)
        now = timezone.now()
        new_entries, changed = [], []
        for key, row in incoming.items():
            old = existing.get(key)
            if old is None:
                new_entries.append(HotlistEntry(hotlist=hotlist, plate=row.plate, state=row.state, reason=row.reason,
                                                reference=row.reference, entered_on=row.entered_on, active_from=now,
                                                category=row.category))
            elif (old[1], old[2], old[3], old[4]) != (row.reason, row.reference, row.entered_on, row.category):
                changed.append(HotlistEntry(pk=old[0], reason=row.reason, reference=row.reference,
                                            entered_on=row.entered_on, category=row.category))
        HotlistEntry.objects.bulk_create(new_entries, batch_size=5000)
        HotlistEntry.objects.bulk_update(changed, ["reason", "reference", "entered_on", "category"], batch_size=5000)
        for start in range(0, len(to_remove), 5000):
            batch = to_remove[start:start + 5000]
            # Entries with hits stay on file (the hits point at them); the rest go.
            HotlistEntry.objects.filter(pk__in=batch, hits__isnull=True).delete()
            HotlistEntry.objects.filter(pk__in=batch).update(status=HotlistEntry.Status.REMOVED)
        bump_version(external=True)
        record.status = FeedImport.Status.APPLIED
        record.added, record.updated, record.removed = len(new_entries), len(changed), len(to_remove)
        record.unchanged = len(incoming) - len(new_entries) - len(changed)
        return _finish(record, by, request)


def _screen(rows: list[FeedRow], record: FeedImport) -> list[FeedRow]:
    """Issue 19 §5 (HL-1, SH-3, Q-6): drop the rows whose category the policy prohibits,
    counting them per category on the import record. They never reach the list, so an
    entry of such a category already on the list is removed by this import like any
    entry the file no longer carries."""
    kept = []
    for row in rows:
        refusal = category_refusal(row.category) if row.category else prohibited_refusal(row.reason)
        if refusal is None:
            kept.append(row)
            continue
        record.dropped_count += 1
        label = row.category or row.reason
        tally = record.dropped_by_category.setdefault(label, {"reason": refusal, "count": 0})
        tally["count"] += 1
    return kept


def _finish(record: FeedImport, by, request) -> FeedImport:
    record.finished_at = timezone.now()
    record.save()
    level = logging.INFO if record.status == FeedImport.Status.APPLIED else logging.WARNING
    logger.log(level, "hotlist import list=%s file=%s status=%s added=%s removed=%s rejected=%s error=%s",
               record.hotlist_id, record.file_name, record.status, record.added, record.removed,
               record.rejected_count, record.error)
    record_access(action=Action.HOTLIST_IMPORT, user=by, request=request, object_type="feed_import",
                  object_id=record.pk,
                  data_elements={"list": record.hotlist.name, "file": record.file_name, "sha256": record.sha256,
                                 "status": record.status, "added": record.added, "removed": record.removed,
                                 "dropped": record.dropped_count},
                  outcome="allowed" if record.status == FeedImport.Status.APPLIED else "denied",
                  detail=record.error)
    if record.dropped_count and record.status == FeedImport.Status.APPLIED:
        _tell_administrators(record)
    return record


def _tell_administrators(record: FeedImport) -> None:
    """Issue 19 §5: the ALPR Administrator sees what the screen dropped (in-app notice,
    e-mail too when configured; the import page has the detail)."""
    from accounts import roles
    from accounts.services import notify_role_holders

    counts = ", ".join(f"{category} ({tally['count']})" for category, tally in record.dropped_by_category.items())
    notify_role_holders(
        role_names=(roles.ADMINISTRATOR,), key=f"feed-dropped-{record.pk}",
        subject="ALPR hot-list entries dropped",
        message=f"The import of {record.file_name} into {record.hotlist.name} dropped {record.dropped_count} "
                f"row(s) whose category the policy prohibits (HL-1): {counts}.")


def import_drop_folder(*, force: bool = False) -> list[FeedImport]:
    """Read the newest file of each external list from ALPR_HOTLIST_DROP_DIR/<feed_name>/
    and file everything read under processed/ or rejected/. A file identical to the last
    applied import is moved aside without a new import."""
    results = []
    root = settings.ALPR_HOTLIST_DROP_DIR
    for hotlist in Hotlist.objects.filter(is_external=True, active=True).exclude(feed_name=""):
        folder = root / hotlist.feed_name
        if not folder.is_dir():
            continue
        files = sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
                       key=lambda p: p.stat().st_mtime)
        if not files:
            continue
        newest, older = files[-1], files[:-1]
        data = newest.read_bytes()
        last = hotlist.imports.filter(status=FeedImport.Status.APPLIED).order_by("-started_at").first()
        if last is not None and last.sha256 == hashlib.sha256(data).hexdigest():
            outcome = "processed"
        else:
            result = import_feed(hotlist=hotlist, data=data, file_name=newest.name, force=force)
            results.append(result)
            outcome = "processed" if result.status == FeedImport.Status.APPLIED else "rejected"
        _file_away(newest, folder / outcome)
        for path in older:  # superseded by the newer file
            _file_away(path, folder / "processed")
    return results


def _file_away(path, target_dir) -> None:
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    path.rename(target_dir / f"{stamp}-{path.name}")
