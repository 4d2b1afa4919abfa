"""Refused object access goes into the access log (issue 8, AU-1).

Every view answers outsiders 404 through its model's access helper. This records those
answers in one place, whatever the view, so an auditor sees someone trying other
members' ids (covert hits and entries, sharing requests and packages, holds, audits):
who, which URL, which ids in the path and which id-like fields in the request."""

from __future__ import annotations

from django.http import Http404

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access

ID_FIELDS = ("pk", "item_pk", "read_id", "search", "hotlist", "renews", "sharing_request")


def record_refusal(request) -> None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    match = getattr(request, "resolver_match", None)
    kwargs = dict(match.kwargs) if match else {}
    asked = {k: str(v)[:64] for k, v in kwargs.items() if k in ID_FIELDS or k in ("action", "kind", "fmt", "name")}
    try:
        data = request.POST if request.method == "POST" else request.GET
    except Exception:  # noqa: BLE001 - an unparsable body (DRF: unsupported media type) names no id
        data = {}
    asked.update({f"param:{k}": str(data.get(k))[:64] for k in ID_FIELDS if data.get(k)})
    record_access(action=Action.OBJECT_REFUSED, user=user, request=request,
                  object_type=(match.view_name if match else "url")[:64],
                  object_id=str(kwargs.get("pk", ""))[:64], data_elements=asked,
                  outcome=AccessEvent.Outcome.DENIED, detail=f"404 for {request.method} {request.path[:200]}")


class ObjectRefusalMiddleware:
    """Pages: a view that raised Http404 (the access helpers' answer to outsiders)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            record_refusal(request)
        return None
