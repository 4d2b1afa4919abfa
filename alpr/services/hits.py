"""The hit workflow of HT-2 and the stop documentation of HT-3.

alert -> visually verified -> validated (CLETS) -> confirmed by the entering agency;
or rejected with a reason from any open state. An alert alone is never a basis for a
stop: stop documentation is accepted only once the hit is validated.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accesslog import workflow
from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from alpr.models import DispositionCode, Hit, Read, StopReport
from lib.errors import DomainError, NotPermitted
from lib.workflow import StateMachine, transition
from training.gate import refuse_unless_operator

S = Hit.Status

WORKFLOW = StateMachine(
    "hit",
    S.values,
    [
        transition("verify", [S.ALERT], S.VISUALLY_VERIFIED, "Visually verified"),
        transition("validate", [S.VISUALLY_VERIFIED], S.VALIDATED, "Validated through CLETS"),
        transition("confirm", [S.VALIDATED], S.CONFIRMED, "Confirmed by the entering agency"),
        transition("reject", [S.ALERT, S.VISUALLY_VERIFIED, S.VALIDATED], S.REJECTED, "Reject"),
    ],
)

# HT-2(a): the three things the member checks against the image before "verified".
VERIFY_CHECKS = {
    "plate_matches": "The plate characters match the image",
    "state_matches": "The state of issue matches",
    "vehicle_matches": "Make, model, colour and other descriptors match",
}

WORKERS = (roles.OFFICER, roles.PST, roles.INVESTIGATOR, roles.ADMINISTRATOR)


# HT-1: what matches a read is the hot lists' business (hotlists.matching.find_matches).
# HotlistsConfig.ready() passes the matcher in, so alpr imports no app built on it
# (issue 17). Refuse to run without one rather than let reads pass unmatched.
_matcher: Callable[[Read], list] | None = None


def set_matcher(find_matches: Callable[[Read], list]) -> None:
    global _matcher
    _matcher = find_matches


def find_matches(read: Read) -> list:
    if _matcher is None:
        raise ImproperlyConfigured("No hot-list matcher registered (hotlists is not installed?): reads cannot be "
                                   "matched (HT-1).")
    return _matcher(read)


def hits_for_read(read: Read) -> list[Hit]:
    """HT-1: compare a new read with every active hot list and record a hit per match.

    The hot-list matcher (hotlists.matching.find_matches) decides what matches; this
    function owns what a hit is. Idempotent: a read re-processed makes no second hit.
    """
    matches = find_matches(read)
    if not matches:
        return []
    entry_model = Hit._meta.get_field("entry").related_model  # hotlists.HotlistEntry
    entries = {e.pk: e for e in entry_model.objects.select_related("hotlist").filter(
        pk__in=[m.entry_id for m in matches])}
    hits = []
    for match in matches:
        entry = entries.get(match.entry_id)
        if entry is None:
            continue
        hit, created = Hit.objects.get_or_create(
            read=read,
            entry=entry,
            defaults={
                "agency_id": read.agency_id,
                "plate": read.plate,
                "captured_at": read.captured_at,
                "camera_id": read.camera_id,
                "is_covert": entry.hotlist.is_covert,
                "responsible": entry.responsible,
                "match_kind": match.kind,
                "substitutions": match.substitutions,
            },
        )
        if created and hit.is_covert and entry.responsible_id:
            # HT-4: the covert hit (and through it the read) is visible to the investigator
            # responsible for the entry; the administrator sees covert hits by role.
            assign_perm("alpr.view_covert_hit", entry.responsible, hit)
        if created:
            workflow.start(hit, "alert", by=None, note=f"{entry.hotlist.name}: {entry.reason or 'listed'}")
        hits.append(hit)
    return hits


def available_transitions(hit: Hit):
    return WORKFLOW.available(hit.status)


@transaction.atomic
def hit_transition(
    *, hit: Hit, name: str, by, note: str = "", reject_reason: str = "", checks: dict | None = None,
    clets_reference: str = "", confirmed_by: str = "", request=None,
) -> Hit:
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    if not by.has_role(*WORKERS):
        raise NotPermitted("Your role does not work hot-list alerts.")
    # Lock the hit: two officers acting on the same alert must not both move it.
    hit = Hit.objects.select_for_update().get(pk=hit.pk)
    step, step_from = WORKFLOW.check(hit.status, name), hit.status  # refused before the checks below
    details: dict = {}
    if name == "verify":
        checks = checks or {}
        missing = [label for key, label in VERIFY_CHECKS.items() if not checks.get(key)]
        if missing:
            raise DomainError(
                "Visual verification needs every check: " + "; ".join(missing)
                + ". If something does not match, reject the alert instead."
            )
        details = dict.fromkeys(VERIFY_CHECKS, True)
    elif name == "validate":
        if not clets_reference.strip():
            raise DomainError("Record the CLETS / dispatch confirmation reference (HT-2(b)).")
        details = {"clets_reference": clets_reference.strip()}
    elif name == "confirm":
        if not confirmed_by.strip():
            raise DomainError("Record who at the entering agency confirmed the entry.")
        details = {"confirmed_by": confirmed_by.strip()}
    elif name == "reject":
        if reject_reason not in Hit.RejectReason.values:
            raise DomainError("Choose the reason for rejecting: misread, wrong state, vehicle mismatch or "
                              "no longer listed.")
        hit.reject_reason = reject_reason
        details = {"reason": reject_reason}
    workflow.apply(hit, name, machine=WORKFLOW, by=by, note=note.strip(), details=details,
                   stamp="status_changed_at", update_fields=["reject_reason"], action=Action.HIT_TRANSITION,
                   request=request, object_type="hit",
                   data_elements={"plate": hit.plate, "from": step_from, "to": step.target, **details})
    return hit


@transaction.atomic
def stop_report_create(
    *, hit: Hit, by, responding_member, justification: str, case_number: str, disposition: DispositionCode,
    responded_at, next_steps: str, request=None,
) -> StopReport:
    """HT-3: every stop from a hot-list alert is documented, with every field required."""
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    if not by.has_role(*WORKERS):
        raise NotPermitted("Your role does not document stops.")
    hit = Hit.objects.select_for_update().get(pk=hit.pk)
    if hit.status not in (S.VALIDATED, S.CONFIRMED):
        raise DomainError("A stop can be documented only after the alert is visually verified and validated "
                          "through CLETS (HT-2): an alert alone is no basis for a stop.")
    if StopReport.objects.filter(hit=hit).exists():
        raise DomainError("This stop is already documented.")
    missing = [name for name, value in (("justification", justification), ("case number", case_number),
                                        ("next steps", next_steps)) if not (value or "").strip()]
    if missing:
        raise DomainError("Required: " + ", ".join(missing) + ".")
    if responded_at > timezone.now():
        raise DomainError("The time of response cannot be in the future.")
    if not disposition.active:
        raise DomainError("That disposition code is no longer in use.")
    report = StopReport.objects.create(
        hit=hit, responding_member=responding_member, justification=justification.strip(),
        case_number=case_number.strip(), disposition=disposition, responded_at=responded_at,
        next_steps=next_steps.strip(), documented_by=by,
    )
    workflow.remark(hit, "document_stop", by=by, note=f"Stop documented: {disposition.code}")
    record_access(action=Action.HIT_STOP_DOCUMENTED, user=by, request=request, object_type="hit", object_id=hit.pk,
                  data_elements={"plate": hit.plate, "disposition": disposition.code},
                  case_number=case_number.strip())
    return report
