"""The access-log search page, its counts and its CSV (AU-1, AU-4; issue 19 part 3).

Thin: audits/log_search.py reads. Auditors, the ALPR Coordinator (for the annual report)
and the ALPR Administrator; everyone else gets the project's 404. Every search, and every
CSV of one, is itself an entry in the access log.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from audits import redaction
from audits.log_search import (
    MAX_QUERY_LENGTH,
    LogSearch,
    access_log_counts,
    access_log_search,
    access_log_search_page,
    may_search_access_log,
)
from audits.populations import period_bounds
from lib import csvsafe

PAGE_SIZE = 50
# Suggestions for the action field: every action the system records (accesslog.actions,
# one enum since issue 17; the log itself holds whatever record_access was given).
KNOWN_ACTIONS = sorted(action.value for action in Action)


class LogSearchForm(forms.Form):
    q = forms.CharField(label="Words and phrases", required=False, max_length=MAX_QUERY_LENGTH,
                        help_text='Words (all must appear), "quoted phrases", OR between alternatives, -word to '
                                  'exclude. E.g. ICE OR CBP OR abortion')
    username = forms.CharField(label="User", required=False, max_length=150)
    agency = forms.CharField(label="Organization", required=False, max_length=200)
    action = forms.CharField(required=False, max_length=64)
    since = forms.DateField(label="From", required=False)
    until = forms.DateField(label="To (inclusive)", required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise forms.ValidationError("The period ends before it starts.")
        return data

    def to_search(self) -> LogSearch:
        data = self.cleaned_data
        since = period_bounds(data["since"], data["since"])[0] if data.get("since") else None
        until = period_bounds(data["until"], data["until"])[1] if data.get("until") else None
        return LogSearch(text=data.get("q", ""), username=data.get("username", ""), agency=data.get("agency", ""),
                         action=data.get("action", ""), since=since, until=until)


def _require_reader(user):
    if not may_search_access_log(user):
        raise Http404


def _search(request):
    form = LogSearchForm(request.GET or None)
    if not request.GET or not form.is_valid():
        return form, None
    return form, form.to_search()


@login_required
def log_search(request):
    """Search every field of the access log; entries, and counts by user, agency, purpose
    and month (AU-4)."""
    _require_reader(request.user)
    form, search = _search(request)
    context = {"form": form, "searched": search is not None, "actions": KNOWN_ACTIONS,
               "query_string": request.GET.urlencode()}
    if search is not None:
        try:
            number = int(request.GET.get("page", 1))
        except ValueError:
            number = 1
        result = access_log_search_page(search, page=number, page_size=PAGE_SIZE, viewer=request.user)
        paginator = Paginator(range(result.total), PAGE_SIZE)  # numbers only; the entries are read already
        context.update(result=result, page=paginator.get_page(result.number), pager_query=_without_page(request.GET))
        # AU-1: the search itself is logged, with what was asked.
        record_access(action=Action.ACCESS_LOG_SEARCH, user=request.user, request=request,
                      object_type="access_log", data_elements=search.as_data_elements(),
                      detail=f"{'more than ' if result.capped else ''}{result.total} entries matched")
    return render(request, "audits/log_search.html", context, status=400 if form.errors else 200)


def _without_page(query):
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


class _Echo:
    def write(self, value):
        return value


ENTRY_HEADER = ["sequence", "occurred_at", "username", "organization", "action", "object_type", "object_id",
                "data_elements", "purpose", "case_number", "client_address", "outcome", "detail", "entry_hash"]


@login_required
def log_search_csv(request, kind: str = "entries"):  # kind: "entries" or "counts" (audits/urls.py)
    """The search's entries, or its counts, as CSV (formula-neutralised, lib/csvsafe)."""
    _require_reader(request.user)
    form = LogSearchForm(request.GET)  # no parameters: the whole log, like log.csv
    if not form.is_valid():
        return HttpResponseBadRequest("; ".join(" ".join(errors) for errors in form.errors.values()))
    search = form.to_search()
    logged = record_access(action=Action.ACCESS_LOG_SEARCH_EXPORT, user=request.user, request=request,
                           object_type="access_log", data_elements={**search.as_data_elements(), "csv": kind})
    # The CSV streams after that entry is written: it shows the log as it was when asked
    # (by id, the insert order: the entry may still be waiting for the sealer, issue 23).
    # HT-4: covert entries are neither found nor shown to a reader without clearance.
    results = redaction.exclude_covert(access_log_search(search).filter(pk__lt=logged.pk), request.user)
    writer = csvsafe.writer(_Echo())

    def entry_rows():
        yield writer.writerow(ENTRY_HEADER)
        for e in redaction.redacted_iter(results, request.user):
            yield writer.writerow([e.sequence, e.occurred_at.isoformat(), e.username, e.agency_name, e.action,
                                   e.object_type, e.object_id, e.data_elements, e.purpose, e.case_number,
                                   e.client_address or "", e.outcome, e.detail, e.entry_hash])

    def count_rows():
        counts = access_log_counts(results)
        yield writer.writerow(["grouped_by", "value", "entries"])
        yield writer.writerow(["total", "", counts["total"]])
        for group in ("by_user", "by_agency", "by_purpose", "by_month"):
            for value, n in counts[group]:
                yield writer.writerow([group.removeprefix("by_"), value, n])

    response = StreamingHttpResponse(entry_rows() if kind == "entries" else count_rows(),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="access-log-search-{kind}-'
                                       f'{timezone.localdate()}.csv"')
    return response
