"""TR-2: training records imported from a learning-management system's CSV export.

All rows are checked first; if any row is malformed, nothing is saved and every problem
is reported with its line number. Columns (header names are matched loosely):
member (username or serial number), course (title; optionally `version`), completed_on,
trainer, passed (yes/no, default yes), score.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from accounts.models import User
from training.models import TrainingCourse, TrainingRecord

ALIASES = {
    "member": {"member", "username", "user", "serial", "serial number", "badge", "employee id"},
    "course": {"course", "course title", "title"},
    "version": {"version", "course version"},
    "completed_on": {"completed on", "completed", "completion date", "date"},
    "trainer": {"trainer", "instructor"},
    "passed": {"passed", "result", "pass"},
    "score": {"score", "grade"},
}
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")


@dataclass
class ImportResult:
    created: int = 0
    errors: list[str] = field(default_factory=list)


def _key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").replace("_", " ").replace("-", " ").lower().split())


def import_training_csv(*, data: bytes, entered_by, request=None) -> ImportResult:
    result = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("The file is not UTF-8 text (CSV).")
        return result
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        result.errors.append("The file is empty.")
        return result
    columns = {}
    for i, name in enumerate(header):
        for target, aliases in ALIASES.items():
            if _key(name) in aliases:
                columns.setdefault(target, i)
    missing = [c for c in ("member", "course", "completed_on", "trainer") if c not in columns]
    if missing:
        result.errors.append(f"Line 1: missing column(s): {', '.join(missing)}.")
        return result
    pending = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue

        def cell(name, _record=record):
            idx = columns.get(name)
            return _record[idx].strip() if idx is not None and idx < len(_record) else ""

        member = User.objects.filter(Q(username=cell("member")) | Q(serial_number=cell("member"))).first() \
            if cell("member") else None
        if member is None:
            result.errors.append(f"Line {line}: no member {cell('member')!r}.")
            continue
        courses = TrainingCourse.objects.filter(title=cell("course"))
        if cell("version"):
            courses = courses.filter(version=cell("version"))
        course = courses.order_by("-version").first()
        if course is None:
            result.errors.append(f"Line {line}: no course {cell('course')!r}.")
            continue
        completed = None
        for fmt in _DATE_FORMATS:
            try:
                completed = datetime.strptime(cell("completed_on"), fmt).date()
                break
            except ValueError:
                continue
        if completed is None or completed > timezone.localdate():
            result.errors.append(f"Line {line}: completion date {cell('completed_on')!r} is not a past date.")
            continue
        if not cell("trainer"):
            result.errors.append(f"Line {line}: trainer missing.")
            continue
        passed = cell("passed").lower() not in ("no", "n", "false", "fail", "failed", "0")
        score = None
        if cell("score"):
            if not cell("score").isdigit() or int(cell("score")) > 100:
                result.errors.append(f"Line {line}: score {cell('score')!r} is not 0-100.")
                continue
            score = int(cell("score"))
        pending.append(TrainingRecord(member=member, course=course, completed_on=completed, trainer=cell("trainer"),
                                      passed=passed, score=score, entered_by=entered_by))
    if result.errors:
        return result  # all or nothing
    if not pending:
        result.errors.append("No records in the file.")
        return result
    with transaction.atomic():
        TrainingRecord.objects.bulk_create(pending)
    result.created = len(pending)
    record_access(action=Action.TRAINING_IMPORT, user=entered_by, request=request, object_type="training_record",
                  data_elements={"records": result.created})
    return result
