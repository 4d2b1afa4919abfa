"""Reads of the access log for auditors."""

from __future__ import annotations

from audits.models import AccessEvent


def access_events_search(
    *, username: str = "", action: str = "", case_number: str = "", data_element: str = "",
    since=None, until=None,
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
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    return qs
