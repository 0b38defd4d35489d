"""Engines of Equal Shares to run the same tests on: the C one only when it is built."""

import pytest

from portal.results.equal_shares import Engine, _c_engine

_C = pytest.param(
    Engine.C, id="c",
    marks=pytest.mark.skipif(_c_engine is None, reason="the C engine is not built"),
)


@pytest.fixture(params=[_C, pytest.param(Engine.PYTHON, id="python")])
def float_engine(request) -> Engine:
    """An engine that runs in floats and falls back to fractions on near-ties."""
    return request.param


@pytest.fixture(
    params=[_C, pytest.param(Engine.PYTHON, id="python"), pytest.param(Engine.EXACT, id="exact")]
)
def engine(request) -> Engine:
    """Any engine; all must give the same winners."""
    return request.param
