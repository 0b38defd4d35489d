"""Fixtures for the program report rules: the Bakhmut 2018 transcription, loaded once."""

import pytest

from portal.reports.program_file import ProgramFile, load_program_file
from portal.reports.rules import AnnualReport


@pytest.fixture(scope="session")
def bakhmut() -> ProgramFile:
    """Bakhmut's civil-society program with its 2018 records, as the portal holds them."""
    return load_program_file()


@pytest.fixture(scope="session")
def bakhmut_report(bakhmut: ProgramFile) -> AnnualReport:
    """The 2018 annual execution report computed from those records."""
    return bakhmut.annual_report()
