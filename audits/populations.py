"""What a sampling audit can sample (AU-2, AU-3) and what the auditor sees of each item.

Each population is a query over the audit period returning ids, plus a snapshot of one
item as it stood when drawn (kept on the AuditItem, so the review reads the same after
the underlying data is purged).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from accesslog.actions import Action
from accesslog.models import AccessEvent
from alpr.models import Search
from audits.models import Audit
from audits.sampling import POLICY_MINIMUM
from hotlists.models import HotlistEntryRequest
from lib import periods
from sharing.models import SharingRequest

P = Audit.Population

DETECTION_VIEW_ACTIONS = (Action.READ_VIEW,)
# AU-3 (San Leandro): "downloaded images": result exports and sharing package downloads.
IMAGE_DOWNLOAD_ACTIONS = (Action.SEARCH_EXPORT, Action.SHARING_PACKAGE_DOWNLOAD)
# Actions that touch ALPR data, for the training review (AU-3): who accessed data.
DATA_ACTION_PREFIXES = ("search.", "read.", "hit.", "hotlist.", "sharing.", "retention.", "ingest.")


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the department's time zone."""
    return periods.period_bounds(start, end, timezone.get_current_timezone())


def _iso(value):
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class PopulationSpec:
    key: str
    object_type: str

    def queryset(self, start: date, end: date):
        since, until = period_bounds(start, end)
        if self.key == P.SEARCHES:
            return Search.objects.filter(created_at__gte=since, created_at__lt=until)
        if self.key == P.DETECTION_VIEWS:
            return AccessEvent.objects.filter(action__in=DETECTION_VIEW_ACTIONS, outcome=AccessEvent.Outcome.ALLOWED,
                                              occurred_at__gte=since, occurred_at__lt=until)
        if self.key == P.IMAGE_DOWNLOADS:
            return AccessEvent.objects.filter(action__in=IMAGE_DOWNLOAD_ACTIONS, outcome=AccessEvent.Outcome.ALLOWED,
                                              occurred_at__gte=since, occurred_at__lt=until)
        if self.key == P.HOTLIST_ENTRIES:
            return HotlistEntryRequest.objects.filter(entered_at__gte=since, entered_at__lt=until)
        if self.key == P.SHARING_REQUESTS:
            return SharingRequest.objects.filter(received_on__gte=start, received_on__lte=end)
        raise ValueError(f"unknown population {self.key!r}")

    def ids(self, start: date, end: date) -> list[int]:
        return list(self.queryset(start, end).order_by("pk").values_list("pk", flat=True))

    def minimum(self, start: date, end: date) -> int:
        if self.key == P.IMAGE_DOWNLOADS:
            # San Leandro: at least 5 downloaded images per quarter of the period.
            quarters = max(1, math.ceil(((end - start).days + 1) / 91.3))
            return 5 * quarters
        return POLICY_MINIMUM

    def snapshot(self, pk: int) -> dict:
        obj = MODELS[self.key].objects.get(pk=pk)
        if self.key == P.SEARCHES:
            opened = AccessEvent.objects.filter(action__in=DETECTION_VIEW_ACTIONS, data_elements__search=obj.pk)
            return {
                "user": obj.user.username, "organization": obj.organization, "at": _iso(obj.created_at),
                "purpose": obj.get_purpose_display() if obj.purpose else "", "case_number": obj.case_number,
                "justification": obj.justification, "attested": obj.attested, "criteria": obj.criteria,
                "status": obj.get_status_display(), "refusal_reason": obj.refusal_reason,
                "flagged_for_audit": obj.flagged_for_audit, "flag_reason": obj.flag_reason,
                "offence_category": obj.offence_category_label, "result_count": obj.result_count,
                "results_opened": [
                    {"at": _iso(e.occurred_at), "read": e.object_id, "plate": e.data_elements.get("plate", "")}
                    for e in opened.order_by("occurred_at")[:50]
                ],
            }
        if self.key in (P.DETECTION_VIEWS, P.IMAGE_DOWNLOADS):
            return {
                "user": obj.username, "organization": obj.agency_name, "at": _iso(obj.occurred_at),
                "action": obj.action, "object": f"{obj.object_type} {obj.object_id}".strip(),
                "data_elements": obj.data_elements, "purpose": obj.purpose, "case_number": obj.case_number,
                "access_log_entry": obj.sequence,
            }
        if self.key == P.HOTLIST_ENTRIES:
            return {
                "user": obj.requester.username, "at": _iso(obj.entered_at), "list": obj.hotlist.name,
                "plate": obj.plate or obj.pattern, "state": obj.state, "case_number": obj.case_number,
                "major_crime": obj.major_crime, "justification": obj.justification,
                "status": obj.get_status_display(), "decided_by": obj.decided_by.username if obj.decided_by else "",
                "decision_reason": obj.decision_reason, "expires_at": _iso(obj.expires_at),
            }
        if self.key == P.SHARING_REQUESTS:
            return {
                "agency": obj.agency.name, "at": obj.received_on.isoformat(), "requester": obj.requester_name,
                "purpose": obj.purpose, "case_number": obj.case_number, "basis": obj.get_basis_display(),
                "plates": obj.plates, "status": obj.get_status_display(),
                "refusal_rule": obj.get_refusal_rule_display() if obj.refusal_rule else "",
            }
        raise ValueError(f"unknown population {self.key!r}")


MODELS = {
    P.SEARCHES: Search, P.DETECTION_VIEWS: AccessEvent, P.IMAGE_DOWNLOADS: AccessEvent,
    P.HOTLIST_ENTRIES: HotlistEntryRequest, P.SHARING_REQUESTS: SharingRequest,
}
SPECS = {
    P.SEARCHES: PopulationSpec(P.SEARCHES, "search"),
    P.DETECTION_VIEWS: PopulationSpec(P.DETECTION_VIEWS, "access_event"),
    P.HOTLIST_ENTRIES: PopulationSpec(P.HOTLIST_ENTRIES, "hotlist_request"),
    P.SHARING_REQUESTS: PopulationSpec(P.SHARING_REQUESTS, "sharing_request"),
    P.IMAGE_DOWNLOADS: PopulationSpec(P.IMAGE_DOWNLOADS, "access_event"),
}


def training_review(start: date, end: date) -> dict:
    """AU-3: everyone who accessed ALPR data in the period, and whether their training was
    current on each day they did. Exceptions list the member and the uncovered days."""
    from django.db.models import Q
    from django.db.models.functions import TruncDate

    from training.models import TrainingRecord

    since, until = period_bounds(start, end)
    data_q = Q()
    for prefix in DATA_ACTION_PREFIXES:
        data_q |= Q(action__startswith=prefix)
    events = (
        AccessEvent.objects.filter(data_q, user__isnull=False, outcome=AccessEvent.Outcome.ALLOWED,
                                   occurred_at__gte=since, occurred_at__lt=until)
        .annotate(day=TruncDate("occurred_at"))
        .values_list("user_id", "username", "day").distinct()
    )
    days_by_user: dict[int, tuple[str, set]] = {}
    for user_id, username, day in events:
        days_by_user.setdefault(user_id, (username, set()))[1].add(day)
    members, exceptions = [], []
    for user_id, (username, days) in sorted(days_by_user.items(), key=lambda kv: kv[1][0]):
        records = [
            r for r in TrainingRecord.objects.select_related("course").filter(member_id=user_id, passed=True)
            if r.course.counts_for_gate
        ]
        uncovered = sorted(d for d in days if not any(r.completed_on <= d <= r.valid_until for r in records))
        members.append({"user": username, "days_with_access": len(days), "days_uncovered": len(uncovered)})
        if uncovered:
            exceptions.append({"user": username, "days_uncovered": len(uncovered),
                               "first": uncovered[0].isoformat(), "last": uncovered[-1].isoformat()})
    return {"members": len(members), "current_throughout": len(members) - len(exceptions),
            "exceptions": exceptions, "detail": members}
