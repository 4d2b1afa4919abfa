"""Demo training: everyone current except `untrained`, whose training expired."""

from __future__ import annotations

from datetime import timedelta

from training.models import REQUIRED_TOPICS, TrainingCourse, TrainingRecord


def _course():
    course, _ = TrainingCourse.objects.update_or_create(
        title="ALPR Operator Training (DGO I-12)",
        version="2026.1",
        defaults={"topics": sorted(REQUIRED_TOPICS), "is_department_approved": True, "active": True},
    )
    return course


def load(ctx) -> None:
    course = _course()
    coordinator = ctx.users.get("coordinator")
    for username, user in ctx.users.items():
        days_ago = 400 if username == "untrained" else 30
        TrainingRecord.objects.get_or_create(
            member=user,
            course=course,
            completed_on=ctx.today - timedelta(days=days_ago),
            defaults={"trainer": "Training Section, Sgt. K. Howell", "passed": True, "score": 92,
                      "entered_by": coordinator},
        )
    ctx.lines.append("Training: all current except 'untrained' (expired).")
