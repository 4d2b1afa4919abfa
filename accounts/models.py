from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Agency(models.Model):
    """A law-enforcement or other agency. Kind and state decide what sharing the law
    allows (SH-1..3): out-of-state and federal agencies can never receive data."""

    class Kind(models.TextChoices):
        MUNICIPAL_POLICE = "municipal_police", "Municipal police"
        SHERIFF = "sheriff", "Sheriff"
        STATE = "state", "State law enforcement"
        FEDERAL = "federal", "Federal agency"
        PROSECUTOR = "prosecutor", "Prosecutor (District Attorney)"
        PUBLIC_DEFENDER = "public_defender", "Public defender"
        COURT = "court", "Court"
        NON_LAW_ENFORCEMENT = "non_law_enforcement", "Non-law-enforcement"

    LAW_ENFORCEMENT_KINDS = (Kind.MUNICIPAL_POLICE, Kind.SHERIFF, Kind.STATE, Kind.FEDERAL)

    name = models.CharField(max_length=200, unique=True)
    ori = models.CharField(
        "ORI", max_length=9, unique=True, null=True, blank=True,
        help_text="NCIC Originating Agency Identifier, where the agency has one.",
    )
    state = models.CharField(max_length=2, help_text="Two-letter state code, e.g. CA.")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    is_home = models.BooleanField(
        default=False, help_text="The department that runs this system (exactly one)."
    )

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_home"], condition=Q(is_home=True), name="one_home_agency"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.state = (self.state or "").upper()
        if len(self.state) != 2 or not self.state.isalpha():
            raise ValidationError({"state": "Use the two-letter state code."})


class User(AbstractUser):
    """One person, one account (ID-1): every action is attributable to them."""

    class MemberKind(models.TextChoices):
        SWORN = "sworn", "Sworn officer"
        PST = "pst", "Police Service Technician"
        PROFESSIONAL_STAFF = "staff", "Professional staff (designated)"

    serial_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    rank = models.CharField("rank or title", max_length=80, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    unit = models.CharField(max_length=120, blank=True)
    member_kind = models.CharField(max_length=16, choices=MemberKind.choices, default=MemberKind.SWORN)
    supervisor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supervised_members"
    )
    # ID-2 / DGO I-12 C.1: users other than sworn officers and PSTs are designated by
    # the Chief of Police or a designee, and that designation is recorded.
    alpr_designated_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="alpr_designated_users",
        verbose_name="ALPR access designated by",
    )
    alpr_designated_on = models.DateField("ALPR access designated on", null=True, blank=True)
    alpr_designation_reference = models.CharField(
        "designation reference", max_length=200, blank=True,
        help_text="The memo or order that designates this member (ID-2).",
    )
    # Account hygiene (2020 State Auditor): unused accounts are disabled automatically and
    # come back only when an administrator re-enables them.
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    reenabled_at = models.DateTimeField(null=True, blank=True)

    # Single sign-on (issue 22): the identity provider's stable subject, matched on every
    # SSO sign-in. Linked by an administrator (or, where allowed, by a verified email).
    oidc_issuer = models.CharField("identity provider (issuer)", max_length=255, blank=True)
    oidc_subject = models.CharField(
        "identity provider subject", max_length=255, blank=True,
        help_text="The `sub` claim the agency identity provider gives this person; links the account for sign-on.",
    )
    sso_only = models.BooleanField(
        "signs in only through the identity provider", default=False,
        help_text="Refuses the local password (sign-in page and admin); the provider's sign-in is the only way in.",
    )

    # ID-1: createsuperuser asks for the person too (the first administrator is a person).
    REQUIRED_FIELDS = ["email", "first_name", "last_name", "serial_number"]

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            # One account per person at the provider (accounts.sso matches on this pair).
            models.UniqueConstraint(fields=["oidc_issuer", "oidc_subject"], condition=~Q(oidc_subject=""),
                                    name="one_account_per_oidc_subject"),
        ]

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def clean(self):
        super().clean()
        # ID-1 (issue 18): every account names one person: a name and a serial or employee
        # number (unique), so no generic "patrolcar7" account can be created.
        missing = {field: "Every account names one person (ID-1): required."
                   for field in ("first_name", "last_name", "serial_number")
                   if not (getattr(self, field) or "").strip()}
        if missing:
            raise ValidationError(missing)
        self.oidc_subject = (self.oidc_subject or "").strip()
        if self.oidc_subject and not self.oidc_issuer:
            self.oidc_issuer = settings.ALPR_OIDC_ISSUER
        if self.oidc_subject and not self.oidc_issuer:
            raise ValidationError({"oidc_issuer": "Name the identity provider (single sign-on is not configured)."})
        if self.sso_only and not self.oidc_subject:
            raise ValidationError({"sso_only": "Link the identity provider subject first, or the member cannot "
                                               "sign in at all."})
        if self.needs_designation and not self.designation_recorded:
            raise ValidationError(
                "Members other than sworn officers and PSTs need a recorded designation "
                "(who designated them and when) before they may use ALPR (ID-2)."
            )

    @property
    def display_name(self) -> str:
        name = self.get_full_name() or self.username
        return f"{self.rank} {name}".strip() if self.rank else name

    @property
    def role_names(self) -> set[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.role_names.intersection(roles))

    @property
    def needs_designation(self) -> bool:
        """ID-2: members other than sworn officers and PSTs are designated in writing."""
        return self.member_kind == self.MemberKind.PROFESSIONAL_STAFF

    @property
    def designation_recorded(self) -> bool:
        return self.alpr_designated_by_id is not None and self.alpr_designated_on is not None

    @property
    def is_home_member(self) -> bool:
        """A member of the department that runs the system (not another agency's user)."""
        return self.agency_id is not None and self.agency.is_home


class Position(models.Model):
    """A departmental position ("Records Unit Supervisor", "BOS Deputy Director"): whoever
    holds it now. ID-3 and 002 (Hotlists: "a specific name or departmental position") let a
    designation name a position instead of a person; it acts through its current holders
    and stops acting for someone the moment they leave it (issue 20 §4)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True)
    holders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="positions",
                                     help_text="The members who hold this position now.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Designation(models.Model):
    """ID-3: the ALPR Administrator designates a named person, or a departmental position
    (whoever holds it), in writing, to act for them for one scope and period. Approvals
    record the designation they were made under."""

    class Scope(models.TextChoices):
        HOTLIST_APPROVAL = "hotlist_approval", "Hot-list entry approval"
        SHARING_APPROVAL = "sharing_approval", "Sharing request approval"
        RETENTION_EXCEPTION = "retention_exception", "Retention exception approval"

    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="designations_made"
    )
    designee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="designations",
                                 null=True, blank=True, help_text="A named person, or leave empty and name a position.")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="designations",
                                 help_text="A departmental position: whoever holds it, for as long as they hold it.")
    scope = models.CharField(max_length=32, choices=Scope.choices)
    written_authority = models.TextField(
        help_text="The written designation: its text, or the memo it is made by (ID-3 requires it in writing)."
    )
    document = models.FileField(upload_to="private/designations/%Y/", blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on", "designee__username"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="designation_period_order"),
            # A designation names a person or a position, never both, never neither (ID-3).
            models.CheckConstraint(condition=Q(designee__isnull=False, position__isnull=True)
                                   | Q(designee__isnull=True, position__isnull=False),
                                   name="designation_person_or_position"),
        ]
        indexes = [
            # approval_authority(): "current designations of this person for this scope".
            models.Index(fields=["designee", "scope", "ends_on"], name="designation_lookup"),
        ]

    def __str__(self):
        return f"{self.named} for {self.get_scope_display()} ({self.starts_on} to {self.ends_on})"

    @property
    def named(self) -> str:
        """Who the designation names: the person, or the position (whoever holds it)."""
        if self.position_id:
            return f"position: {self.position.name} (whoever holds it)"
        return self.designee.display_name if self.designee_id else ""

    def clean(self):
        if bool(self.designee_id) == bool(self.position_id):
            raise ValidationError("Name either a person or a position (ID-3).")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The period must end on or after its start."})
        if self.designee_id and self.designee_id == self.designated_by_id:
            raise ValidationError({"designee": "The administrator cannot designate themselves."})
        if not (self.written_authority or "").strip():
            raise ValidationError({"written_authority": "A designation must be in writing (ID-3)."})

    def is_current(self, on_date) -> bool:
        return self.revoked_at is None and self.starts_on <= on_date <= self.ends_on


class Notification(models.Model):
    """An in-app notice to one member (training expiring, for example)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    message = models.TextField()
    key = models.CharField(max_length=120, help_text="Keeps a daily task from repeating the same notice.")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notice_per_key")]

    def __str__(self):
        return f"To {self.user}: {self.message[:40]}"


# Configuration and workflow models are change-tracked (AU-1: administrative changes).
from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Agency)
auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})  # role changes too
auditlog.register(Designation)
auditlog.register(Position, m2m_fields={"holders"})  # who holds a position decides who acts under it
