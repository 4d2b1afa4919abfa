from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Topic(models.TextChoices):
    """TR-1 / DGO I-12 J: what department-approved ALPR training covers."""

    LAW = "law", "Applicable federal and state law"
    POLICY = "policy", "Applicable policy"
    MOU = "mou", "Memoranda of understanding"
    EQUIPMENT = "equipment", "Functionality of equipment"
    ACCESSING_DATA = "accessing_data", "Accessing data"
    SAFEGUARDING = "safeguarding", "Safeguarding password information and data"
    SHARING = "sharing", "Sharing of data"
    BREACH_REPORTING = "breach_reporting", "Reporting breaches"
    POST_BREACH = "post_breach", "Implementing post-breach procedures"


REQUIRED_TOPICS = frozenset(Topic.values)


class TrainingCourse(models.Model):
    title = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    topics = models.JSONField(default=list, blank=True, help_text="TR-1 topics the course covers.")
    is_department_approved = models.BooleanField(
        default=False, help_text="The department marks this as its approved ALPR course."
    )
    validity_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: the department's setting (ALPR_TRAINING_VALID_DAYS)."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "-version"]
        constraints = [models.UniqueConstraint(fields=["title", "version"], name="course_title_version")]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def clean(self):
        unknown = set(self.topics or []) - REQUIRED_TOPICS
        if unknown:
            raise ValidationError({"topics": f"Unknown topics: {', '.join(sorted(unknown))}"})

    @property
    def counts_for_gate(self) -> bool:
        """ID-4: "completed, department-approved training". A course that lists every TR-1
        topic but was never approved by the department does not open the gate (issue 18)."""
        return self.is_department_approved

    @property
    def effective_validity_days(self) -> int:
        # Never longer than the department's setting (Piedmont: never more than a year old).
        days = self.validity_days or settings.ALPR_TRAINING_VALID_DAYS
        return min(days, settings.ALPR_TRAINING_VALID_DAYS)


class TrainingRecord(models.Model):
    """TR-2: the Training Section's record of one completed training."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    trainer = models.CharField(max_length=200)
    passed = models.BooleanField(default=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Stored under MEDIA_ROOT/private/ and served only by a permission-checked view.
    certificate = models.FileField(upload_to="private/certificates/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on"]
        indexes = [
            # training_status(): "this member's latest passed records".
            models.Index(fields=["member", "-completed_on"], name="training_member_latest"),
        ]

    def __str__(self):
        return f"{self.member} — {self.course} on {self.completed_on}"

    @property
    def valid_until(self) -> date:
        return self.completed_on + timedelta(days=self.course.effective_validity_days)


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(TrainingCourse)
auditlog.register(TrainingRecord)
