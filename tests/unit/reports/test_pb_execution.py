"""The participatory-budget facts: counted once, language-free (told by ``pb_text``,
tested in ``tests/services/reports/test_pb_text.py``)."""

from portal.reports.pb_execution import PbFact, PbFactKind, pb_execution_facts


def test_facts_are_language_free_and_ordered() -> None:
    facts = pb_execution_facts(29, 34, 16_500, 14, 12, ["причини А", "причини А", "причини Б"], 6)
    assert facts == (
        PbFact(PbFactKind.SUBMITTED, 34, authors=29),
        PbFact(PbFactKind.VOTERS, 16_500),
        PbFact(PbFactKind.WINNERS, 14),
        PbFact(PbFactKind.IMPLEMENTED, 12),
        PbFact(PbFactKind.NOT_FINANCED, 2, reason="причини А"),
        PbFact(PbFactKind.NOT_FINANCED, 1, reason="причини Б"),
        PbFact(PbFactKind.COMMISSION_MEETINGS, 6),
    )


def test_no_meetings_and_no_unfinanced_projects_are_left_out() -> None:
    kinds = [fact.kind for fact in pb_execution_facts(5, 5, 100, 3, 3, [], 0)]
    assert PbFactKind.NOT_FINANCED not in kinds
    assert PbFactKind.COMMISSION_MEETINGS not in kinds
