"""What can happen to hot lists and internal entries (HL-1, HL-3..HL-6, ID-3).

The request workflow:

    submitted --approve--> approved (an active entry, for ALPR_HOTLIST_MAX_DAYS)
    submitted --disapprove--> disapproved (kept on file with the reason, HL-4)
    approved --ask_removal--> removal_requested --confirm_removal--> removed
    approved / removal_requested --expire--> expired (automatic at the deadline, HL-5)
    approved / removal_requested --renew--> renewed (when a renewal request is approved)
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accesslog import workflow
from accesslog.actions import Action
from accesslog.configuration import change_record, snapshot
from accesslog.models import ConfigurationChange
from accesslog.services import record_access
from accounts import roles
from accounts.models import Designation
from accounts.selectors import approval_authority
from alpr.plates import normalize_pattern, normalize_plate, validate_pattern
from alpr.prohibited import screen, screening_record
from hotlists.matching import bump_version
from hotlists.models import Hotlist, HotlistEntry, HotlistEntryRequest
from hotlists.screening import source_permitted
from lib.errors import DomainError, NotPermitted
from lib.workflow import StateMachine, transition
from training.gate import refuse_unless_operator

R = HotlistEntryRequest.Status
WORKFLOW = StateMachine(
    "hot-list request",
    R.values,
    [
        transition("approve", [R.SUBMITTED], R.APPROVED, "Approve"),
        transition("disapprove", [R.SUBMITTED], R.DISAPPROVED, "Disapprove"),
        transition("ask_removal", [R.APPROVED], R.REMOVAL_REQUESTED, "Ask for early removal"),
        transition("confirm_removal", [R.REMOVAL_REQUESTED], R.REMOVED, "Confirm early removal"),
        transition("expire", [R.APPROVED, R.REMOVAL_REQUESTED], R.EXPIRED, "Expire"),
        transition("renew", [R.APPROVED, R.REMOVAL_REQUESTED], R.RENEWED, "Replaced by renewal"),
    ],
)

REQUESTERS = (roles.OFFICER, roles.PST, roles.CRIME_ANALYST, roles.INVESTIGATOR, roles.ADMINISTRATOR)
COVERT_REQUESTERS = (roles.INVESTIGATOR, roles.ADMINISTRATOR)


HOTLIST_FIELDS = ["name", "source", "kind", "purpose", "feed_name", "is_external", "active"]


def hotlist_weakens(before: dict, after: dict) -> bool:
    """Issue 19 §6: a list that starts matching (new and enabled, or enabled again), or an
    enabled list whose source, purpose or kind changes, widens what the cameras look for."""
    if not after.get("active"):
        return False
    if not before or not before.get("active"):
        return True
    return any(before.get(k) != after.get(k) for k in ("source", "purpose", "kind"))


@transaction.atomic
def hotlist_create(*, name: str, source: str, kind: str = Hotlist.Kind.ALERT, purpose: str = "",
                   feed_name: str = "", active: bool = True, by=None, request=None) -> Hotlist:
    """HL-1: only the listed sources; a custom BOLO list names its permitted purpose. A
    source the policy does not permit may be recorded, disabled, never enabled (issue 19 §5)."""
    if source not in Hotlist.Source.values:
        raise DomainError(f"{source!r} is not a hot list the policy allows (HL-1).")
    if active and not source_permitted(source):
        raise DomainError(f"{Hotlist.Source(source).label} is not a list the policy permits (HL-1); "
                          "it cannot be enabled.")
    if purpose and purpose not in Hotlist.Purpose.values:
        raise DomainError(f"{purpose!r} is not a purpose a custom BOLO list may serve (HL-1).")
    hotlist = Hotlist(name=name.strip(), source=source, kind=kind, purpose=purpose, active=active,
                      is_external=source in Hotlist.EXTERNAL_SOURCES, feed_name=feed_name)
    hotlist.full_clean()
    hotlist.save()
    bump_version(external=hotlist.is_external)
    record_access(action=Action.HOTLIST_CREATE, user=by, request=request, object_type="hotlist", object_id=hotlist.pk,
                  data_elements={"name": hotlist.name, "source": source, "kind": kind, "purpose": purpose})
    after = snapshot(hotlist, HOTLIST_FIELDS)
    change_record(kind=ConfigurationChange.Kind.HOTLIST, summary=f"Hot list {hotlist} added"
                  f"{'' if active else ' (disabled)'}", before={}, after=after, weakens=hotlist_weakens({}, after),
                  source=ConfigurationChange.Source.WEB if request else ConfigurationChange.Source.SYSTEM,
                  by=by, request=request, obj=hotlist)
    return hotlist


@transaction.atomic
def hotlist_set_active(*, hotlist: Hotlist, active: bool, by, request=None) -> Hotlist:
    """Enable or disable a list subscription. HL-1 (issue 19 §5): a list whose source the
    policy does not permit cannot be enabled."""
    hotlist = Hotlist.objects.select_for_update().get(pk=hotlist.pk)
    if active and not source_permitted(hotlist.source):
        raise DomainError(f"{hotlist.get_source_display()} is not a list the policy permits (HL-1); "
                          "it cannot be enabled.")
    before = snapshot(hotlist, HOTLIST_FIELDS)
    hotlist.active = active
    hotlist.full_clean()
    hotlist.save(update_fields=["active"])
    bump_version(external=hotlist.is_external)
    after = snapshot(hotlist, HOTLIST_FIELDS)
    record_access(action=Action.HOTLIST_SET_ACTIVE, user=by, request=request, object_type="hotlist",
                  object_id=hotlist.pk,
                  data_elements={"name": hotlist.name, "active": active})
    change_record(kind=ConfigurationChange.Kind.HOTLIST,
                  summary=f"Hot list {hotlist} {'enabled' if active else 'disabled'}", before=before, after=after,
                  weakens=hotlist_weakens(before, after),
                  source=ConfigurationChange.Source.WEB if request else ConfigurationChange.Source.SYSTEM,
                  by=by, request=request, obj=hotlist)
    return hotlist


def _move(req: HotlistEntryRequest, name: str, *, by, note: str = "", designation=None, update_fields=None,
          **access) -> None:
    workflow.apply(req, name, machine=WORKFLOW, by=by, note=note, designation=designation,
                   update_fields=update_fields, object_type="hotlist_request", **access)


class ProhibitedUse(DomainError):
    """Q-6 / HL-1: the request's own words name a prohibited use (issue 19)."""

    code = "prohibited_use"
    http_status = 403


def request_submit(
    *, requester, hotlist: Hotlist, case_number: str, state: str, vehicle_description: str, justification: str,
    plate: str = "", pattern: str = "", major_crime: str = "", renews: HotlistEntryRequest | None = None,
    request=None,
) -> HotlistEntryRequest:
    """HL-3: a request with every field the policy names; the requester's name and
    serial number come from their account.

    Q-6 / HL-1 (issue 19): the justification, vehicle description and major crime are
    screened first. A refusal is recorded outside the transaction (so it stays in the
    access log) and raised; a flag lets the request go to the approver, noted in its
    history and the access log for the auditors."""
    refuse_unless_operator(requester)  # ID-2, ID-4: the gate holds off the web too
    if not requester.has_role(*REQUESTERS):
        raise NotPermitted("Your role does not request hot-list entries.")
    result = screen(justification or "", fields={"vehicle_description": vehicle_description or "",
                                                 "major_crime": major_crime or ""})
    if result.refused:
        screening_record(result=result, where="hot-list request", text=justification, user=requester,
                         request=request, object_type="hotlist", object_id=hotlist.pk, case_number=case_number)
        raise ProhibitedUse(f"Refused: {result.message()} This attempt has been recorded.")
    with transaction.atomic():
        req = _request_submit(requester=requester, hotlist=hotlist, case_number=case_number, state=state,
                              vehicle_description=vehicle_description, justification=justification, plate=plate,
                              pattern=pattern, major_crime=major_crime, renews=renews, request=request)
        if result.flagged:
            workflow.remark(req, "flag", by=None, note=result.message())
            screening_record(result=result, where="hot-list request", text=justification, user=requester,
                             request=request, object_type="hotlist_request", object_id=req.pk,
                             case_number=req.case_number)
    return req


def _request_submit(
    *, requester, hotlist: Hotlist, case_number: str, state: str, vehicle_description: str, justification: str,
    plate: str, pattern: str, major_crime: str, renews: HotlistEntryRequest | None, request,
) -> HotlistEntryRequest:
    if not requester.has_role(*REQUESTERS):
        raise NotPermitted("Your role does not request hot-list entries.")
    if not requester.is_home_member:
        raise NotPermitted("Only the department's own members request entries on its lists.")
    if hotlist.is_external or not hotlist.active:
        raise DomainError("Entries can be requested only on the department's own active lists.")
    if hotlist.is_covert and not requester.has_role(*COVERT_REQUESTERS):
        raise NotPermitted("Only investigators request covert entries (HT-4).")
    plate, pattern = normalize_plate(plate), normalize_pattern(pattern)
    if bool(plate) == bool(pattern):
        raise DomainError("Give either the full plate or a partial plate, not both.")
    if pattern:
        problem = validate_pattern(pattern)
        if problem:
            raise DomainError(problem)
        if "*" not in pattern and "?" not in pattern:
            raise DomainError("A partial plate uses * or ?; enter a full plate in the plate field.")
        if not major_crime.strip():
            raise DomainError("A partial plate may be entered only for a major crime: name it (HT-5).")
    missing = [label for label, value in (("case number", case_number), ("state of issue", state),
                                          ("vehicle description", vehicle_description),
                                          ("justification", justification)) if not (value or "").strip()]
    if missing:
        raise DomainError("Required (HL-3): " + ", ".join(missing) + ".")
    if not requester.serial_number:
        raise DomainError("Your account has no serial number; ask an administrator to add it (HL-3).")
    if renews is not None:
        if renews.status not in (R.APPROVED, R.REMOVAL_REQUESTED):
            raise DomainError("Only an active entry can be renewed.")
        if (renews.plate, renews.pattern) != (plate, pattern):
            raise DomainError("A renewal is for the same plate as the entry it renews.")
    req = HotlistEntryRequest(
        hotlist=hotlist, case_number=case_number.strip().upper(), plate=plate, pattern=pattern,
        major_crime=major_crime.strip(), state=state.strip().upper()[:2],
        vehicle_description=vehicle_description.strip(),
        justification=justification.strip(), requester=requester, requester_name=requester.display_name,
        requester_serial=requester.serial_number, renews=renews,
    )
    req.full_clean()
    req.save()
    workflow.start(req, "submit", by=requester, note=f"Renewal of request #{renews.pk}" if renews else "")
    record_access(action=Action.HOTLIST_REQUEST_SUBMIT, user=requester, request=request, object_type="hotlist_request",
                  object_id=req.pk, data_elements={"plate": plate or pattern, "list": hotlist.name},
                  case_number=req.case_number)
    return req


def _authority(user, req):
    authority = approval_authority(user=user, scope=Designation.Scope.HOTLIST_APPROVAL)
    if authority is None:
        raise NotPermitted("Only the ALPR Administrator or a current hot-list designee decides requests (HL-4).")
    if req.requester_id == user.pk:
        raise NotPermitted("Nobody decides their own request.")
    return authority


@transaction.atomic
def request_approve(*, req: HotlistEntryRequest, by, note: str = "", request=None) -> HotlistEntryRequest:
    """HL-4: approval makes the entry active, for ALPR_HOTLIST_MAX_DAYS at most (HL-5)."""
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    req = HotlistEntryRequest.objects.select_for_update().get(pk=req.pk)  # two approvers, one decision
    authority = _authority(by, req)
    WORKFLOW.check(req.status, "approve")  # refused before any entry is made
    now = timezone.now()
    expires = now + timedelta(days=settings.ALPR_HOTLIST_MAX_DAYS)
    entry = HotlistEntry.objects.create(
        hotlist=req.hotlist, plate=req.plate, pattern=req.pattern, state=req.state, reason=req.justification[:200],
        vehicle_description=req.vehicle_description, case_number=req.case_number, responsible=req.requester,
        active_from=now, expires_at=expires, major_crime=req.major_crime,
    )
    if req.hotlist.is_covert:
        assign_perm("hotlists.view_covert_entry", req.requester, entry)
    bump_version()  # every process's matcher picks the entry up (hotlists/matching.py)
    req.entry, req.expires_at = entry, expires
    req.decided_by, req.decided_at, req.decision_reason, req.designation = by, now, note.strip(), authority.designation
    _move(req, "approve", by=by, note=f"Approved by {authority.description}. {note}".strip(),
          designation=authority.designation, action=Action.HOTLIST_REQUEST_APPROVE, request=request,
          data_elements={"plate": req.plate or req.pattern, "expires": expires.isoformat(),
                         "designation": authority.designation.pk if authority.designation else None},
          case_number=req.case_number)
    if req.renews_id:
        old = HotlistEntryRequest.objects.select_for_update().get(pk=req.renews_id)
        if old.status in (R.APPROVED, R.REMOVAL_REQUESTED):
            _move(old, "renew", by=by, note=f"Replaced by request #{req.pk}", update_fields=[])
            _close_entry(old.entry, HotlistEntry.Status.EXPIRED)
    return req


@transaction.atomic
def request_disapprove(*, req: HotlistEntryRequest, by, reason: str, request=None) -> HotlistEntryRequest:
    """HL-4: disapproved requests stay on file with the reason."""
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    if not reason.strip():
        raise DomainError("Give the reason for disapproving (HL-4).")
    req = HotlistEntryRequest.objects.select_for_update().get(pk=req.pk)
    authority = _authority(by, req)
    WORKFLOW.check(req.status, "disapprove")
    req.decided_by, req.decided_at, req.decision_reason = by, timezone.now(), reason.strip()
    req.designation = authority.designation
    _move(req, "disapprove", by=by, note=reason.strip(), designation=authority.designation,
          action=Action.HOTLIST_REQUEST_DISAPPROVE, request=request, data_elements={"plate": req.plate or req.pattern},
          case_number=req.case_number, detail=reason.strip())
    return req


@transaction.atomic
def request_ask_removal(*, req: HotlistEntryRequest, by, reason: str, request=None) -> HotlistEntryRequest:
    """HL-5: the requester can ask for early removal."""
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    req = HotlistEntryRequest.objects.select_for_update().get(pk=req.pk)
    if by.pk != req.requester_id:
        raise NotPermitted("Only the requester asks for early removal.")
    if not reason.strip():
        raise DomainError("Say why the entry should come off early.")
    _move(req, "ask_removal", by=by, note=reason.strip(), update_fields=[], action=Action.HOTLIST_REQUEST_ASK_REMOVAL,
          request=request, case_number=req.case_number)
    return req


@transaction.atomic
def request_confirm_removal(*, req: HotlistEntryRequest, by, note: str = "", request=None) -> HotlistEntryRequest:
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    req = HotlistEntryRequest.objects.select_for_update().get(pk=req.pk)
    authority = approval_authority(user=by, scope=Designation.Scope.HOTLIST_APPROVAL)
    if authority is None:
        raise NotPermitted("Only the ALPR Administrator or a current hot-list designee confirms removals.")
    _move(req, "confirm_removal", by=by, note=f"Removed by {authority.description}. {note}".strip(),
          designation=authority.designation, update_fields=[], action=Action.HOTLIST_REQUEST_REMOVE, request=request,
          case_number=req.case_number)
    _close_entry(req.entry, HotlistEntry.Status.REMOVED)
    return req


def _close_entry(entry: HotlistEntry | None, status: str) -> None:
    if entry is not None and entry.status == HotlistEntry.Status.ACTIVE:
        entry.status = status
        entry.save(update_fields=["status"])
        bump_version(external=entry.hotlist.is_external)


def expire_due(*, now=None) -> list[int]:
    """HL-5: expire every approved entry at its deadline. Idempotent and safe to run
    from several schedulers at once: each request is claimed under a row lock and only
    moved if it is still active. Returns the ids of the requests expired."""
    now = now or timezone.now()
    expired = []
    due = HotlistEntryRequest.objects.filter(status__in=[R.APPROVED, R.REMOVAL_REQUESTED],
                                             expires_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            req = HotlistEntryRequest.objects.select_for_update().get(pk=pk)
            if req.status not in (R.APPROVED, R.REMOVAL_REQUESTED) or req.expires_at > now:
                continue
            _move(req, "expire", by=None,
                  note=f"Expired automatically after {settings.ALPR_HOTLIST_MAX_DAYS} days (HL-5).",
                  update_fields=[], action=Action.HOTLIST_ENTRY_EXPIRED,
                  data_elements={"plate": req.plate or req.pattern}, case_number=req.case_number)
            _close_entry(req.entry, HotlistEntry.Status.EXPIRED)
            expired.append(pk)
    return expired
