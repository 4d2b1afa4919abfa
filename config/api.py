"""API plumbing: one handler maps the domain error to one error shape."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lib.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"error": {"code": exc.code, "message": exc.message}}, status=exc.http_status)
    return drf_exception_handler(exc, context)
