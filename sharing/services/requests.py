"""Inter-agency sharing (SH-1..SH-7): the refusals the law requires, before any human step,
and the 3-step protocol of DGO I-12 section I as a state machine with history.

    received --refuse (automatic, with the rule)--> refused
    received --route_to_records (non-law-enforcement, no court order)--> routed_to_records
    received --document_right_need (step 1)--> right_need_documented
             --record (step 2, by the system)--> recorded
             --honour / deny (step 3, with the reason and the processing officer)--> honoured / denied
    received, right_need_documented, recorded --refuse (the law, checked again when the
             need to know is documented or the agency's kind or state changes)--> refused

Who logs: the ALPR Administrator, a sharing designee or records staff (issue 20 §3); who
decides: the Administrator or a current sharing designee, never whoever logged it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accesslog import workflow
from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from accounts import roles
from accounts.models import Agency
from alpr.prohibited import screen, screening_record
from lib.documentation import confirmation_problem, need_to_know_problem, right_to_know_problem
from lib.errors import DomainError, NotPermitted
from lib.screening import IMMIGRATION, federal_name, immigration_unit, without_negated
from lib.workflow import StateMachine, transition
from sharing.models import SharingRequest
from sharing.selectors import processor_authority
from training.gate import refuse_unless_operator

S = SharingRequest.Status
Rule = SharingRequest.RefusalRule
WORKFLOW = StateMachine(
    "sharing request",
    S.values,
    [
        # Issue 20 §2: the law is checked again after receipt (the need to know documented,
        # the agency's kind or state changed), so an open request can still be refused.
        transition("refuse", [S.RECEIVED, S.RIGHT_NEED_DOCUMENTED, S.RECORDED], S.REFUSED, "Refused by law"),
        transition("route_to_records", [S.RECEIVED], S.ROUTED_TO_RECORDS, "Route to Records"),
        transition("document_right_need", [S.RECEIVED], S.RIGHT_NEED_DOCUMENTED, "Step 1: right and need to know"),
        transition("record", [S.RIGHT_NEED_DOCUMENTED], S.RECORDED, "Step 2: recorded"),
        transition("honour", [S.RECORDED], S.HONOURED, "Step 3: honour"),
        transition("deny", [S.RECORDED], S.DENIED, "Step 3: deny"),
    ],
)
CA_LAW_ENFORCEMENT = (Agency.Kind.MUNICIPAL_POLICE, Agency.Kind.SHERIFF, Agency.Kind.STATE)


def _move(req, name, by, note=""):
    workflow.apply(req, name, machine=WORKFLOW, by=by, note=note)


def _refuse(req: SharingRequest, rule: str, *, by=None, note: str = "") -> None:
    """The law refuses: the rule on the request and in its history (automatic: by nobody,
    unless a member's step brought it to light)."""
    _move(req, "refuse", by, note=" ".join(x for x in (Rule(rule).label, note) if x))
    req.refusal_rule = rule
    req.save(update_fields=["refusal_rule"])


def may_log(user) -> bool:
    """Issue 20 §3: records staff log written requests, as do the ALPR Administrator and a
    sharing designee; only the last two decide, and never one they logged."""
    return user.has_role(*roles.SHARING_LOGGERS) or processor_authority(user) is not None


def screening(req: SharingRequest):
    """Q-6 / SH-3 screening of the request's own words and of who asks (issue 19): the
    intended purpose and the need to know, read with the requesting agency's name and the
    requester's title (an immigration agency there is refused whatever the purpose says)."""
    return screen(req.purpose, fields={"need_to_know": req.need_to_know},
                  agency_fields={"agency": req.agency.name, "requester_title": req.requester_title})


_SCREENING_RULES = {"immigration": Rule.IMMIGRATION, "reproductive_health": Rule.REPRODUCTIVE_HEALTH}


def immigration_words(req: SharingRequest) -> str:
    """SH-3 (issue 20 §2): the words that tie this request to federal immigration
    enforcement, or ''. Who asks (the agency's name, the requester's title and contact
    address) under any spelling of a unit's name or acronym; what for (the purpose, the
    right and need to know) likewise, and any immigration term the Q-6 screening finds
    there, even beside a crime: for sharing it is an absolute bar, not a flag."""
    for value in (req.agency.name, req.requester_title, req.requester_contact):
        if found := immigration_unit(value, who=True):
            return found
    texts = (req.purpose, req.need_to_know, req.legal_authority)
    for value in texts:
        if found := immigration_unit(value):
            return found
    reading = screen("\n".join(without_negated(t or "") for t in texts))
    return next((h.phrase for h in reading.hits if h.category == IMMIGRATION and h.kind in ("strong", "agency")), "")


def refusal_rule(req: SharingRequest) -> str:
    """The first rule of law that forbids this request, or '' (SH-3, Civil Code 1798.90.55)."""
    agency = req.agency
    # Issue 20 §2: a record's kind and state are not the only word: a federal name on a
    # record kept as a California agency is still a federal agency.
    if agency.kind == Agency.Kind.FEDERAL:
        return Rule.FEDERAL
    if agency.state != "CA":
        return Rule.OUT_OF_STATE
    if immigration_words(req):
        return Rule.IMMIGRATION
    if federal_name(agency.name):
        return Rule.FEDERAL
    result = screening(req)
    if result.refused:
        return _SCREENING_RULES.get(result.category, Rule.PROHIBITED_USE)
    # SH-3: the written confirmation says something (issue 20 §2: "x" is not one); a signed
    # document uploaded in its place is read by the processor.
    if not req.confirmation_document and confirmation_problem(req.confirmation_statement):
        return Rule.NO_CONFIRMATION
    if req.basis == SharingRequest.Basis.VOLUNTARY and agency.kind not in CA_LAW_ENFORCEMENT:
        return Rule.NOT_LAW_ENFORCEMENT
    if req.basis == SharingRequest.Basis.MOU and not (
            req.mou and req.mou.agency_id == agency.pk and req.mou.is_current(timezone.localdate())):
        return Rule.MOU_NOT_CURRENT
    return ""


@transaction.atomic
def request_receive(*, logged_by, cameras=(), request=None, **fields) -> SharingRequest:
    """Log a written request, then apply the refusals the law requires at once; they
    cannot be overridden. Non-law-enforcement parties without a court order are
    public-records requests and go to Records (SH-7)."""
    refuse_unless_operator(logged_by)  # ID-2, ID-4: the gate holds off the web too
    if not may_log(logged_by):
        raise NotPermitted("Only records staff, the ALPR Administrator or a sharing designee log sharing requests.")
    req = SharingRequest(logged_by=logged_by, **fields)
    if req.window_from and req.window_to and req.window_from >= req.window_to:
        raise DomainError("The time window must start before it ends.")
    if req.basis == SharingRequest.Basis.LEGAL_OBLIGATION and not (req.instrument and req.instrument_number.strip()):
        raise DomainError("A legal obligation names its instrument (subpoena, court order or warrant) and number.")
    if not req.plate_list and not cameras:
        raise DomainError("Name the plates or cameras requested.")
    req.full_clean(exclude=["cameras"])
    req.save()
    if cameras:
        req.cameras.set(cameras)
    workflow.start(req, "receive", by=logged_by,
                   note=f"Received by {req.get_received_via_display().lower()} on {req.received_on}")
    # SH-7 first: a public-records request is Records' to handle under public-records law,
    # not a request this protocol approves or refuses.
    if req.agency.kind == Agency.Kind.NON_LAW_ENFORCEMENT and req.basis != SharingRequest.Basis.LEGAL_OBLIGATION:
        _move(req, "route_to_records", None, note="Public-records request (Civil Code 1798.90.55; Gov. Code 7920.000)")
    elif rule := refusal_rule(req):
        _refuse(req, rule)
    result = screening(req)
    if not result.allowed:
        # Refusals and flags alike go to the access log with the words of the request.
        screening_record(result=result, where="sharing request", text=req.purpose, user=logged_by, request=request,
                         object_type="sharing_request", object_id=req.pk, case_number=req.case_number)
        if result.flagged and req.status != S.REFUSED:
            workflow.remark(req, "flag", by=None, note=result.message())
    record_access(action=Action.SHARING_REQUEST_RECEIVE, user=logged_by, request=request, object_type="sharing_request",
                  object_id=req.pk, data_elements={"agency": req.agency.name, "plates": req.plate_list,
                                                    "status": req.status, "rule": req.refusal_rule},
                  case_number=req.case_number,
                  outcome=AccessEvent.Outcome.DENIED if req.status == S.REFUSED else AccessEvent.Outcome.ALLOWED)
    return req


@transaction.atomic
def document_right_and_need(*, req: SharingRequest, by, legal_authority: str, need_to_know: str,
                            request=None) -> SharingRequest:
    """Step 1 (right and need to know), then step 2, which the system records as its own step."""
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    req = SharingRequest.objects.select_for_update().get(pk=req.pk)
    if processor_authority(by) is None:
        raise NotPermitted("Only the ALPR Administrator or a sharing designee processes sharing requests.")
    if not legal_authority.strip() or not need_to_know.strip():
        raise DomainError("Document both the right to know (legal authority) and the need to know (SH-2 step 1).")
    WORKFLOW.check(req.status, "document_right_need")  # a refused or decided request is not documented
    # Issue 20 §2: documentation with substance ("sworn" and "x" document nothing).
    problem = right_to_know_problem(legal_authority) or need_to_know_problem(need_to_know,
                                                                             case_number=req.case_number)
    if problem:
        raise DomainError(problem)
    req.legal_authority, req.need_to_know = legal_authority.strip(), need_to_know.strip()
    _move(req, "document_right_need", by, note=f"Right: {req.legal_authority}. Need: {req.need_to_know}")
    if rule := refusal_rule(req):
        # What step 1 documented brings a rule of law (an immigration unit behind the need).
        _refuse(req, rule, by=by)
        record_access(action=Action.SHARING_RIGHT_AND_NEED, user=by, request=request, object_type="sharing_request",
                      object_id=req.pk, case_number=req.case_number, outcome=AccessEvent.Outcome.DENIED,
                      detail=f"Refused by law: {Rule(rule).label}")
        return req
    _move(req, "record", by, note=f"Recorded: requester {req.requester_name} ({req.agency}); right and need to "
                                  "know documented.")
    record_access(action=Action.SHARING_RIGHT_AND_NEED, user=by, request=request, object_type="sharing_request",
                  object_id=req.pk, case_number=req.case_number)
    return req


@transaction.atomic
def decide(*, req: SharingRequest, by, honour: bool, reason: str, request=None) -> SharingRequest:
    """Step 3: honoured or denied, the reason, the processing officer. Only the ALPR
    Administrator or a current sharing designee (recorded) decides; never on a request
    they logged themselves."""
    refuse_unless_operator(by)  # ID-2, ID-4: the gate holds off the web too
    req = SharingRequest.objects.select_for_update().get(pk=req.pk)
    authority = processor_authority(by)
    if authority is None:
        raise NotPermitted("Only the ALPR Administrator or a current sharing designee decides (SH-2).")
    if req.logged_by_id == by.pk:
        raise NotPermitted("Nobody decides a request they logged.")
    if not reason.strip():
        raise DomainError("Record the reason for the decision (SH-2 step 3).")
    if honour and refusal_rule(req):  # the law is checked again at the moment of decision
        raise DomainError(f"The law forbids this request: {Rule(refusal_rule(req)).label}.")
    req.decided_by, req.designation, req.decision_reason = by, authority.designation, reason.strip()
    req.decided_at = timezone.now()
    _move(req, "honour" if honour else "deny", by, note=f"{authority.description}: {reason.strip()}")
    record_access(action=Action.SHARING_DECIDE, user=by, request=request, object_type="sharing_request",
                  object_id=req.pk,
                  data_elements={"honoured": honour, "designation": authority.designation.pk
                                 if authority.designation else None}, case_number=req.case_number)
    return req




OPEN = (S.RECEIVED, S.RIGHT_NEED_DOCUMENTED, S.RECORDED)


def recheck_for_agency(*, agency, by, before: dict, request=None) -> list[str]:
    """Issue 20 §2 (registered in SharingConfig.ready): an agency's kind or state changed;
    each open request from it is checked against the law again, and one the law now forbids
    is refused, the change and the rule in its history."""
    done = []
    for req in SharingRequest.objects.select_for_update().filter(agency=agency, status__in=OPEN):
        req.agency = agency
        rule = refusal_rule(req)
        if not rule:
            continue
        _refuse(req, rule, note=f"(the agency's record changed from {before.get('kind')}/{before.get('state')} "
                                f"to {agency.kind}/{agency.state}, by {by.username})")
        record_access(action=Action.SHARING_DECIDE, user=by, request=request, object_type="sharing_request",
                      object_id=req.pk, case_number=req.case_number, outcome=AccessEvent.Outcome.DENIED,
                      data_elements={"refused": rule, "agency_reclassified": True},
                      detail=f"Refused by law after the agency's kind or state changed: {Rule(rule).label}")
        done.append(f"Request #{req.pk} refused: {Rule(rule).label}.")
    return done
