from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts import roles
from audits import actions
from audits.selectors import access_events_search
from audits.services import record_access


def _day_start(value):
    day = parse_date(value or "")
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


@login_required
def index(request):
    """Access log search for auditors (AU-1); looking at the log is itself logged."""
    if not request.user.has_role(roles.AUDITOR, roles.COORDINATOR, roles.ADMINISTRATOR):
        raise Http404
    keys = ("username", "action", "case_number", "data_element")
    filters = {key: request.GET.get(key, "").strip()[:100] for key in keys}
    since = _day_start(request.GET.get("since"))
    until = _day_start(request.GET.get("until"))
    events = access_events_search(**filters, since=since, until=until)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    record_access(
        action=actions.ACCESS_LOG_VIEW, user=request.user, request=request, object_type="access_log",
        data_elements={k: v for k, v in filters.items() if v},
    )
    return render(request, "audits/index.html", {"page": page, "filters": filters, "request_get": request.GET})
