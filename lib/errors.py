"""The one domain-error type. Services raise it; one handler per interface (web, API)
turns it into one error shape, so every refusal reads the same everywhere."""

from __future__ import annotations


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The API's one error shape: {"error": {"code", "message", "fields"?}}."""
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


class DomainError(Exception):
    """A rule of the policy or the workflow refused the operation."""

    code = "refused"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class IllegalTransition(DomainError):
    code = "illegal_transition"
    http_status = 409


class NotPermitted(DomainError):
    """The user may not do this (e.g. approving their own request)."""

    code = "not_permitted"
    http_status = 403
