"""Reads of the access log for auditors."""

from __future__ import annotations

from accesslog.models import AccessEvent


def access_events_search(
    *, username: str = "", action: str = "", case_number: str = "", data_element: str = "",
    purpose: str = "", agency: str = "", since=None, until=None,
):
    qs = AccessEvent.objects.select_related("user", "agency").all()
    if username:
        qs = qs.filter(username__iexact=username.strip())
    if action:
        qs = qs.filter(action=action.strip())
    if case_number:
        qs = qs.filter(case_number__iexact=case_number.strip())
    if data_element:
        # Data elements are a small JSON object; a text match finds a plate wherever it was used.
        qs = qs.filter(data_elements__icontains=data_element.strip())
    if purpose:
        qs = qs.filter(purpose__icontains=purpose.strip())
    if agency:
        qs = qs.filter(agency_name__icontains=agency.strip())
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    return qs


def may_see_audits(user) -> bool:
    """AU-2: auditors and the ALPR Coordinator see audits; nobody else (404 to outsiders)."""
    from accounts import roles

    return user.is_authenticated and user.has_role(roles.AUDITOR, roles.COORDINATOR)


def audits_visible_to(user):
    from audits.models import Audit

    return Audit.objects.select_related("opened_by", "finalised_by") if may_see_audits(user) else Audit.objects.none()


def audit_for_user(*, user, pk: int):
    from django.http import Http404

    audit = audits_visible_to(user).filter(pk=pk).first()
    if audit is None:
        raise Http404
    return audit


def corrections_visible_to(user):
    """The correction list: auditors and the Coordinator see all; an owner sees their own."""
    from audits.models import DataCorrection

    qs = DataCorrection.objects.select_related("item__audit", "owner")
    if may_see_audits(user):
        return qs
    return qs.filter(owner=user) if user.is_authenticated else qs.none()


def last_verification():
    from accesslog.models import AccessLogVerification

    return AccessLogVerification.objects.order_by("-id").first()


def may_see_configuration_history(user) -> bool:
    """Issue 19 §6: the ALPR Administrator, the Coordinator and the auditors."""
    from accounts import roles

    return user.is_authenticated and user.has_role(roles.ADMINISTRATOR, roles.COORDINATOR, roles.AUDITOR)


def configuration_changes(*, kind: str = "", weakening_only: bool = False, since=None, until=None):
    from accesslog.models import ConfigurationChange

    qs = ConfigurationChange.objects.select_related("changed_by")
    if kind:
        qs = qs.filter(kind=kind)
    if weakening_only:
        qs = qs.filter(weakens=True)
    if since is not None:
        qs = qs.filter(changed_at__gte=since)
    if until is not None:
        qs = qs.filter(changed_at__lt=until)
    return qs


# AU-5: with no audit schedule configured, a quarter without a sampling audit makes one due
# (San Leandro's cadence, the strictest); schedules (audits/scheduling.py) replace this.
AUDIT_INTERVAL_DAYS = 92


def dashboard_counts(user) -> list:
    """Issue 21 §5: audits open; AU-5 (issue 20): scheduled audits due and late."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from accounts import roles
    from accounts.dashboard import ActionCount
    from audits.models import Audit, AuditSchedule
    from audits.scheduling import DUE, LATE, schedule_statuses

    if not user.has_role(roles.AUDITOR, roles.COORDINATOR):
        return []
    url = reverse("audits:audit_list")
    open_audits = Audit.objects.filter(status=Audit.Status.OPEN).count()
    if not AuditSchedule.objects.filter(active=True).exists():
        since = timezone.localdate() - timedelta(days=AUDIT_INTERVAL_DAYS)
        overdue = 0 if Audit.objects.filter(opened_at__date__gte=since).exists() else 1
        return [ActionCount("Audits open or due", open_audits + overdue, url)]
    states = [s.state for s in schedule_statuses()]
    return [ActionCount("Audits open", open_audits, url),
            ActionCount("Audits due", states.count(DUE), url + "#schedules"),
            ActionCount("Audits late", states.count(LATE), url + "#schedules")]
