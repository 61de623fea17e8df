"""Schemathesis over the OpenAPI schema (bad-inputs.md: "no 5xx"): every operation of /api/v1/ is called
with generated parameters through Django's WSGI application, in the test database; no answer may be a
server error, and every answer must match the responses the schema documents.

The schema is loaded inside the test (the pytest plugin's ``from_fixture`` does not work with the pytest
in use); each operation's Hypothesis strategy is then driven by ``given``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests.publishing.test_publishing import make, publish

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def keep_connection():
    """Like Django's test client: a request through the raw WSGI app must not close the test's database
    connection (request_started/finished → close_old_connections), or PostgreSQL loses the test's
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_never_answers_5xx(desk, keep_connection):
    publish(desk, make(desk, '=HYPERLINK("http://x","y")'), datetime(2025, 3, 2, 10, tzinfo=TZ))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call()
            assert response.status_code < 500, (response.status_code, case.path, case.path_parameters)
            case.validate_response(response)

        check()
