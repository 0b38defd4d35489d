"""Schemathesis against ``/api/v1/openapi.json``, in process, with all its checks.

Every operation of the document gets generated requests, valid and invalid (the document
forbids what the API refuses: a page below 1 is a 400), over the fuzz data; a valid id is
sent as one that exists half of the time, so that answers with a body are checked against
their schemas too. It passes only when the API answers as its document says, never 5xx.

(The cases are drawn with ``@given`` from each operation's strategy rather than by
``schema.parametrize()``: schemathesis' lazy pytest loader, the one that can wait for the
app fixture, does not run on this pytest.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.fuzz.conftest import count

pytestmark = pytest.mark.module_transaction

#: Cases per operation and mode: enough to meet every kind of value, bounded in time.
EXAMPLES = 150
SUITE = "api (schemathesis)"


@pytest.fixture
def api_schema(app, fuzz_data, module_case):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def operation_labels() -> list[str]:
    from portal.api.openapi import document

    return [f"GET {path}" for path in document("http://portal.test")["paths"]]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
@pytest.mark.parametrize("label", operation_labels())
def test_the_api_answers_as_its_document_says(api_schema, fuzz_data, label, mode):
    _people, ids = fuzz_data
    existing = {"cycle_id": [ids["closed_cycle"], ids["vote_cycle"], ids["cycle"]],
                "program_id": [ids["program"]], "year": [ids["year"]]}
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label
    if mode is GenerationMode.NEGATIVE and not operation.path_parameters \
            and not operation.query:
        pytest.skip("nothing to send that the document forbids")  # the document itself

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case):
        if mode is GenerationMode.POSITIVE:
            for name, value in (case.path_parameters or {}).items():
                if name in existing and isinstance(value, int) and value % 2 == 0:
                    case.path_parameters[name] = existing[name][value // 2 % len(existing[name])]
        response = case.call()
        count(SUITE, response.status_code)
        case.validate_response(response)

    check()
