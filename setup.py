"""The float engine of Equal Shares, a C extension compiled by ``pip install`` (in place for
``-e``); everything else about the package is in pyproject.toml.

Optional: where it cannot be compiled, portal/results/equal_shares/float_engine.py, its
pure-Python twin, gives the same winners some sixty times slower, and a unit test fails to
say so. Declared here rather than under ``[tool.setuptools.ext-modules]``, which setuptools
still calls experimental and warns about on every install.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "portal.results.equal_shares._c_engine",
    sources=["portal/results/equal_shares/_c_engine.c", "portal/results/equal_shares/run.c"],
    depends=["portal/results/equal_shares/run.h"],
    optional=True,
)])
