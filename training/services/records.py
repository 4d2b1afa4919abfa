from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from lib.errors import DomainError
from training.models import TrainingCourse, TrainingRecord


@transaction.atomic
def training_record_create(
    *, member, course: TrainingCourse, completed_on: date, trainer: str, entered_by, passed: bool = True,
    score: int | None = None, certificate=None, request=None,
) -> TrainingRecord:
    """TR-2: the Training Section records a completed training."""
    if completed_on > timezone.localdate():
        raise DomainError("A training cannot be completed in the future.")
    record = TrainingRecord(
        member=member, course=course, completed_on=completed_on, trainer=trainer.strip(),
        passed=passed, score=score, entered_by=entered_by,
    )
    if certificate is not None:
        record.certificate = certificate
    record.full_clean()
    record.save()
    record_access(
        action=Action.TRAINING_RECORD_CREATE, user=entered_by, request=request,
        object_type="training_record", object_id=record.pk,
        data_elements={"member": member.username, "course": str(course), "completed_on": str(completed_on)},
    )
    return record
