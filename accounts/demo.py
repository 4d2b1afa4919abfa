"""Demo agencies and people (one per role, an untrained member, an outsider)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group

from accounts import mfa, roles
from accounts.models import Agency, Designation, Position, User
from accounts.services import designation_create

AGENCIES = [
    # name, ORI, state, kind, is_home
    (settings.ALPR_HOME_AGENCY_NAME, settings.ALPR_HOME_AGENCY_ORI, settings.ALPR_HOME_STATE,
     Agency.Kind.MUNICIPAL_POLICE, True),
    ("Alameda County Sheriff's Office", "CA0010000", "CA", Agency.Kind.SHERIFF, False),
    ("California Highway Patrol", "CA0349400", "CA", Agency.Kind.STATE, False),
    ("Alameda County District Attorney", "CA001013A", "CA", Agency.Kind.PROSECUTOR, False),
    ("Reno Police Department", "NV0160200", "NV", Agency.Kind.MUNICIPAL_POLICE, False),  # out of state
    ("U.S. Immigration and Customs Enforcement", "DCICE0000", "DC", Agency.Kind.FEDERAL, False),  # federal
]

# username: (first, last, rank, serial, unit, member kind, role, staff?, agency ORI or None for home)
PEOPLE = {
    "officer": ("Maria", "Lopez", "Officer", "9101", "Patrol Area 2", User.MemberKind.SWORN, roles.OFFICER,
                False, None),
    "pst": ("Sam", "Okafor", "PST", "9102", "Patrol Support", User.MemberKind.PST, roles.PST, False, None),
    "analyst": ("Priya", "Raman", "Crime Analyst", "9103", "Crime Analysis Unit",
                User.MemberKind.PROFESSIONAL_STAFF, roles.CRIME_ANALYST, False, None),
    "investigator": ("Dan", "Whitfield", "Sergeant", "9104", "Robbery Section", User.MemberKind.SWORN,
                     roles.INVESTIGATOR, False, None),
    "administrator": ("Angela", "Brooks", "Deputy Director", "9001", "Bureau of Services", User.MemberKind.SWORN,
                      roles.ADMINISTRATOR, True, None),
    "coordinator": ("Lee", "Chen", "ALPR Coordinator", "9002", "Information Technology Unit",
                    User.MemberKind.PROFESSIONAL_STAFF, roles.COORDINATOR, True, None),
    "auditor": ("Rosa", "Martinez", "Auditor", "9003", "Office of the Inspector General",
                User.MemberKind.PROFESSIONAL_STAFF, roles.AUDITOR, True, None),
    "untrained": ("Terry", "Nolan", "Officer", "9105", "Patrol Area 4", User.MemberKind.SWORN, roles.OFFICER,
                  False, None),
    "outsider": ("Chris", "Vance", "Deputy", "S4410", "Patrol", User.MemberKind.SWORN, roles.OFFICER,
                 False, "CA0010000"),
    # Holds written designations (ID-3) for hot-list and sharing approval.
    "designee": ("Mark", "Ellis", "Lieutenant", "9010", "Bureau of Services", User.MemberKind.SWORN, roles.OFFICER,
                 False, None),
    # Issue 20 §3, §4: records staff log written sharing requests; she holds the position
    # "Records Division Manager", which a written designation names for sharing approval.
    "records": ("Jordan", "Hayes", "Records Division Manager", "9011", "Records Division",
                User.MemberKind.PROFESSIONAL_STAFF, roles.RECORDS_STAFF, False, None),
}
RECORDS_POSITION = "Records Division Manager"


@dataclass
class DemoContext:
    password: str
    today: date
    users: dict[str, User] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    # Issue 21 §10: printed last, after "Demo ready", so the two-factor codes are the end of
    # the demo's output, just before runserver starts, not lost in the middle of it.
    closing: list[str] = field(default_factory=list)


def load(ctx: DemoContext) -> None:
    for name, ori, state, kind, is_home in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            ori=ori, defaults={"name": name, "state": state, "kind": kind, "is_home": is_home}
        )
        ctx.agencies[ori] = agency
    home = ctx.agencies[settings.ALPR_HOME_AGENCY_ORI]
    # The administrator first: professional staff record them as their designator (ID-2).
    ordered = sorted(PEOPLE.items(), key=lambda item: item[0] != "administrator")
    for username, (first, last, rank, serial, unit, kind, role, staff, ori) in ordered:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.rank, user.serial_number = first, last, rank, serial
        user.unit, user.member_kind, user.is_staff = unit, kind, staff
        user.agency = ctx.agencies[ori] if ori else home
        user.email = f"{username}@example.invalid"
        user.is_active = True
        if kind == User.MemberKind.PROFESSIONAL_STAFF:
            # ID-2: designated by the Chief or designee; the administrator stands in for the demo.
            user.alpr_designated_by = ctx.users["administrator"]
            user.alpr_designated_on = ctx.today
            user.alpr_designation_reference = "Demo designation memo 2026-01"
        user.set_password(ctx.password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        ctx.users[username] = user
    if not Designation.objects.filter(designee=ctx.users["designee"], revoked_at__isnull=True).exists():
        for scope in (Designation.Scope.HOTLIST_APPROVAL, Designation.Scope.SHARING_APPROVAL):
            designation_create(
                administrator=ctx.users["administrator"], designee=ctx.users["designee"], scope=scope,
                written_authority="Memo BOS-26-031: Lt. Ellis acts for the Deputy Director on ALPR approvals "
                                  "during her absence.",
                starts_on=ctx.today - timedelta(days=1), ends_on=ctx.today + timedelta(days=90))
    # ID-3 (issue 20 §4): a designation that names a position, whoever holds it.
    position, _ = Position.objects.get_or_create(
        name=RECORDS_POSITION, defaults={"description": "Manages the Records Division (public-records and "
                                                        "inter-agency requests)"})
    position.holders.add(ctx.users["records"])
    if not Designation.objects.filter(position=position, revoked_at__isnull=True).exists():
        designation_create(
            administrator=ctx.users["administrator"], position=position, scope=Designation.Scope.SHARING_APPROVAL,
            written_authority="Memo BOS-26-044: the Records Division Manager, whoever holds the position, decides "
                              "inter-agency sharing requests for the Deputy Director (never one they logged).",
            starts_on=ctx.today - timedelta(days=1), ends_on=ctx.today + timedelta(days=180))
    ctx.lines.append(f"Users (password {ctx.password!r}): " + ", ".join(PEOPLE)
                     + " ('designee' holds hot-list and sharing approval designations; 'records' is records staff "
                       f"and holds the position '{RECORDS_POSITION}', designated for sharing approval)")
    # Issue 8: these accounts need a second factor. A demo has no phones, so each gets
    # one-time recovery codes (new ones on every demo run); any TOTP app can be enrolled
    # instead from the "Two-factor" page.
    ctx.closing.append("Two-factor sign-in: after the password, enter one of these one-time codes:")
    for username, user in ctx.users.items():
        if mfa.second_factor_required(user):
            ctx.closing.append(f"  {username}: " + " ".join(mfa.recovery_codes_replace(user)))


def demo_after_frames(ctx: DemoContext, modules: list[str]) -> None:
    """Run each demo module's `after_frames(ctx)`, in order, once the demo's frames are read:
    at the commit on the in-process default; with the background worker (issue 21 §2),
    ingest.demo's after_frames reads the queued frames first. (accounts is a foundation
    app and imports no app above it: issue 17.)"""
    from importlib import import_module

    from django.db import transaction

    for module in modules:
        after = getattr(import_module(module), "after_frames", None)
        if after is not None:
            with transaction.atomic():
                after(ctx)
