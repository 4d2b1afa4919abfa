"""API plumbing: one error shape for every API error, documented on every operation.

Every error the API answers, whether a domain refusal, a validation failure, a missing
object, a bad method or media type, or a URL that matches nothing under /api/, has the
body {"error": {"code", "message", "fields"?}}, and the schema says so for every
operation (found by schemathesis, issue 8).
"""

from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found, server_error
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accesslog.refusals import record_refusal
from lib.errors import DomainError, error_body

# The answers any operation can give besides its own: bad input, no or bad credentials,
# refused (training gate, role, re-authentication), not found (or not yours), wrong
# method, unsupported media type, throttled.
COMMON_ERROR_CODES = ("400", "401", "403", "404", "405", "415")


class ErrorSerializer(serializers.Serializer):
    class Inner(serializers.Serializer):
        code = serializers.CharField()
        message = serializers.CharField()
        fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                       help_text="Validation failures by input field.")

    error = Inner()


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """DRF's nested validation detail as {"field.sub": ["message", ...]}."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and detail and all(not isinstance(d, (dict, list)) for d in detail):
        return {prefix or "non_field_errors": [str(d) for d in detail]}
    if isinstance(detail, list):
        out = {}
        for i, value in enumerate(detail):
            out.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, (Http404, NotFound)):
        # The API's 404s are the same access refusals as the pages' (accesslog.refusals).
        record_refusal(context["request"])
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message), status=exc.http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = error_body("invalid", "The input is not valid.", _flatten(exc.detail))
    elif isinstance(exc, APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response.data = error_body(code, str(message))
    else:  # Http404 / PermissionDenied from Django, mapped by DRF
        code = "not_found" if response.status_code == 404 else "permission_denied"
        response.data = error_body(code, str(response.data.get("detail", "")))
    return response


class ErrorAwareAutoSchema(AutoSchema):
    """Documents the common error answers on every operation (ErrorSerializer)."""

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for code in COMMON_ERROR_CODES:
            if code not in bodies:
                bodies[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return bodies


def paginated(serializer_class, name: str):
    """The LimitOffsetPagination envelope around a list of serializer_class."""
    return serializers.Serializer.__class__(name, (serializers.Serializer,), {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer_class(many=True),
    })


def api_not_found(request, exception=None):
    """handler404 for the API: a URL under /api/ that matches nothing (e.g. a malformed
    id) gets the same JSON error as any other API 404; pages keep Django's HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return page_not_found(request, exception)


def api_server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", "Internal error; it has been logged."), status=500)
    return server_error(request)


MAX_LIMIT, MAX_OFFSET = 500, 1_000_000_000


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """limit/offset outside their documented ranges are refused (400), not silently
    replaced by the defaults: the caller learns their paging is wrong."""

    max_limit = MAX_LIMIT

    def _strict(self, request, name, low, high):
        raw = request.query_params.get(name)
        if raw is None:
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise ValidationError({name: [f"An integer from {low} to {high}."]})
        return int(raw)

    def get_limit(self, request):
        value = self._strict(request, self.limit_query_param, 1, MAX_LIMIT)
        return self.default_limit if value is None else value

    def get_offset(self, request):
        value = self._strict(request, self.offset_query_param, 0, MAX_OFFSET)
        return 0 if value is None else value


PAGE_PARAMETERS = [
    OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
    OpenApiParameter("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}),
]
