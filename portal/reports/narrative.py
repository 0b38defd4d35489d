"""Section 3 of the annual report and its explanatory note, written from the year's records.

Bakhmut's report (``seeds/000``) closes with prose: the overall percentage, what the money
did, and an explanatory note ("пояснювальна записка") that tells the participatory budget
again: projects submitted, winners, projects implemented, the commission's meetings, the
money. The portal writes that prose from the records its tables are computed from (the
funding lines, the indicators, and the cycles' facts that also make the measure's text),
so the note cannot say 13 projects were implemented while the table says 12, as the
printed document does. Every sentence goes through gettext, counts with their plural
forms.
"""

from __future__ import annotations

from portal.i18n import _, ngettext
from portal.money import format_thousands
from portal.reports.cycle_figures import CycleFacts
from portal.reports.document import Block, Paragraph, Style, signatures
from portal.reports.labels import percent_text
from portal.reports.pb_text import render_facts
from portal.reports.records import ProgramRecords
from portal.reports.rules import AnnualReport, MeasureRow

#: The words of a title before its noun "програма" whose ending changes in the genitive:
#: "Цільова програма ..." -> "Цільової програми ...".
_GENITIVE_LEAD = 4


def _genitive_word(word: str) -> str:
    lower = word.lower()
    if lower.startswith("програм"):
        return word[:-1] + "и" if lower == "програма" else word
    if lower.endswith("а") and len(lower) > 3:  # an adjective: "цільова", "комплексна"
        return word[:-1] + "ої"
    return word


def genitive_title(title: str) -> str:
    """A program's title after "виконання ...", as the documents write it: "Цільова
    програма сприяння ..." becomes "Цільової програми сприяння ...".

    Only the words up to the noun "програма" change (the rest is already in the genitive,
    "сприяння розвитку громадянського суспільства"); a title that does not start so is
    left as it is.
    """
    words = title.split(" ")
    lead = [w.lower().startswith("програм") for w in words[:_GENITIVE_LEAD]]
    if True not in lead:
        return title
    end = lead.index(True) + 1
    return " ".join([*map(_genitive_word, words[:end]), *words[end:]])


def _thousands(kopecks: int) -> str:
    return format_thousands(kopecks)


def effectiveness_paragraphs(records: ProgramRecords, report: AnnualReport, *,
                             with_note: bool) -> list[Paragraph]:
    """Section 3: the overall percentage, the money, the indicators reached, and (for the
    annual report) the explanatory note attached and who prepared the report."""
    total = report.total
    found = [
        _("The effectiveness of the program's planned measures in %(year)d is %(percent)s%%.",
          year=report.year, percent=percent_text(report.effectiveness)),
        _("%(financed)s thousand UAH of the %(planned)s thousand UAH planned for the "
          "program's measures were financed, of them %(city)s thousand UAH from the city "
          "budget and %(other)s thousand UAH from other sources.",
          financed=_thousands(total.financed), planned=_thousands(total.planned),
          city=_thousands(report.total_city_budget.financed),
          other=_thousands(report.total_other.financed)),
        _("Measures of the program: %(all)d; with funding planned for the year: %(funded)d.",
          all=len(report.measures), funded=sum(1 for row in report.measures if row.funded)),
    ]
    indicators = [row for _group, rows in report.indicators for row in rows]
    measured = [row for row in indicators if row.percent is not None]
    if measured:
        reached = sum(1 for row in measured if row.percent >= 100)
        found.append(ngettext(
            "%(num)d of the %(all)d performance indicators reached its planned value.",
            "%(num)d of the %(all)d performance indicators reached their planned value.",
            reached, all=len(measured)))
    if with_note:
        found.append(_("The explanatory note on the execution in %(year)d of %(title)s is "
                       "attached.", year=report.year,
                       title=genitive_title(records.program.title)))
    found.append(_("The report was prepared by the program's responsible executor: "
                   "%(executor)s.", executor=records.program.responsible_executor))
    return [Paragraph(text) for text in found]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "." if text else ""


def cycle_paragraph(facts: CycleFacts, row: MeasureRow | None) -> str:
    """What a participatory-budget cycle did in the year: the sentence its measure's text
    tells in table 1, and the money of its measure."""
    parts = [_("Participatory budget “%(names)s”.", names="”, “".join(facts.names)),
             _sentence(render_facts(facts.facts))]
    if row is not None and row.funded:
        parts.append(_("Under measure %(number)s %(financed)s thousand UAH were financed of "
                       "%(planned)s thousand UAH planned.", number=row.measure.number,
                       financed=_thousands(row.amounts.financed),
                       planned=_thousands(row.amounts.planned)))
    parts += [_("The cycle “%(name)s” is suspended: %(reason)s", name=name, reason=reason)
              for name, reason in facts.suspended]
    return " ".join(part for part in parts if part)


def _deviations(report: AnnualReport) -> list[str]:
    """Measures financed other than planned, and indicators short of their plan."""
    found = []
    for row in report.measures:
        percent = row.amounts.percent
        if not row.funded or percent is None or percent == 100:
            continue
        found.append((_("Measure %(number)s was financed below its plan: %(financed)s of "
                        "%(planned)s thousand UAH (%(percent)s%%).") if percent < 100 else
                      _("Measure %(number)s was financed above its plan: %(financed)s of "
                        "%(planned)s thousand UAH (%(percent)s%%).")) % {
            "number": row.measure.number, "financed": _thousands(row.amounts.financed),
            "planned": _thousands(row.amounts.planned), "percent": percent_text(percent)})
    for _group, rows in report.indicators:
        for row in rows:
            if row.percent is None or row.percent >= 100:
                continue
            text = _("“%(name)s”: %(percent)s%% of the planned value.",
                     name=row.indicator.name, percent=percent_text(row.percent))
            found.append(" ".join(filter(None, (text, row.indicator.reasons))))
    return found


def note_blocks(records: ProgramRecords, report: AnnualReport,
                signatories: tuple[tuple[str, str], ...]) -> list[Block]:
    """The explanatory note that follows the annual report, signed by ``signatories``."""
    total = report.total
    rows = {row.measure.number: row for row in report.measures}
    blocks: list[Block] = [
        Paragraph(_("Explanatory note"), Style.TITLE),
        Paragraph(_("on the execution in %(year)d of %(title)s", year=report.year,
                    title=genitive_title(records.program.title)), Style.SUBTITLE),
        Paragraph(_("In %(year)d the program's measures were financed with %(financed)s "
                    "thousand UAH of the %(planned)s thousand UAH planned (%(percent)s%%).",
                    year=report.year, financed=_thousands(total.financed),
                    planned=_thousands(total.planned), percent=percent_text(total.percent))),
    ]
    blocks += [Paragraph(_("Task %(number)d “%(title)s”: %(financed)s of %(planned)s "
                           "thousand UAH.", number=task.task.number, title=task.task.title,
                           financed=_thousands(task.amounts.financed),
                           planned=_thousands(task.amounts.planned)))
               for task in report.tasks if task.amounts.planned or task.amounts.financed]
    blocks += [Paragraph(cycle_paragraph(facts, rows.get(facts.measure_number)))
               for facts in records.cycles]
    blocks += [Paragraph(text) for text in _deviations(report)]
    blocks += signatures(signatories)
    return blocks
