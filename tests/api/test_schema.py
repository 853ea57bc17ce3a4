"""Property-based checks over the OpenAPI schema with schemathesis, against the real app (lifespan
run, real index and model): for every operation, 200 generated requests, valid and not; no 5xx,
every response matching the schema it declares. Bounded so CI stays quick."""
from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from api.main import create_app
from api.settings import Settings


@pytest.fixture(scope="module")
def api_schema(index_dir, corpus_dir, tmp_path_factory):
    log = tmp_path_factory.mktemp("schema") / "questions.sqlite3"
    app = create_app(Settings(index_dir=index_dir, corpus_dir=corpus_dir, log_db=str(log), rate_limit="off"))
    with TestClient(app):  # runs the lifespan: the index and model are loaded before any case is sent
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_server_errors_and_responses_match_the_schema(api_schema):
    checks = (not_a_server_error, response_schema_conformance, content_type_conformance)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        def check(case):
            case.validate_response(case.call(), checks=checks)

        check()
