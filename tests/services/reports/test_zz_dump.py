import pathlib

from portal.reports.services import ReportFormat
from tests.services.reports.test_seed_documents import rendered  # noqa: F401


def test_dump(rendered):  # noqa: F811
    out = pathlib.Path("/tmp/out")
    for (name, kind), outputs in rendered.items():
        for fmt in (ReportFormat.PDF, ReportFormat.XLSX, ReportFormat.CSV):
            (out / f"seed{name}-{kind}.{fmt.value}").write_bytes(outputs[fmt])
