"""schemathesis against the project's own OpenAPI schema (issue 8): generated requests,
valid and invalid, for every operation; no 5xx, and every response matches the schema
(status code documented, body of the documented shape). Bounded for CI: a few examples
per operation, no deadline (the CI machine is shared)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

schemathesis = pytest.importorskip("schemathesis")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance  # noqa: E402

RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(RAW_SCHEMA)
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the real WSGI handler, which closes database connections when a
    request ends; that would close the test's own transaction. Django's test client turns
    this off the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(administrator):
    # The administrator reaches the most operations; the training gate and roles apply as to anyone.
    return Token.objects.create(user=administrator).key


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_and_answers_as_documented(case, token):
    # `ignored_auth` is left out: the schema offers two alternative schemes (token, session
    # cookie) and that check spoils one while the other, valid, is still sent. Refusal
    # without credentials is proven by the access matrix (401 on every API URL).
    # `positive_data_acceptance` is left out too: a schema cannot say that an id must name
    # an existing list or that a case number must carry information, so schema-valid
    # requests are refused (400, in the documented error shape) by the rules themselves.
    case.call_and_validate(headers={"Authorization": f"Token {token}"},
                           excluded_checks=[ignored_auth, positive_data_acceptance])
