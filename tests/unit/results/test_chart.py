"""The geometry of the results' SVG charts: bars proportional to votes, rows stacked."""

from portal.results.chart import (
    BAR_HEIGHT,
    LABEL_CHARS,
    ROW,
    Row,
    money_bar,
    short_label,
    vote_chart,
)


def test_the_most_voted_bar_is_full_width_and_the_others_in_proportion():
    chart = vote_chart([Row("A", 300, True), Row("B", 150, False), Row("C", 100, True)])
    assert [b.length for b in chart.bars] == [1000, 500, 333]
    assert [b.percent for b in chart.bars] == ["100%", "50%", "33.3%"]
    assert [b.winner for b in chart.bars] == [True, False, True]


def test_rows_stack_each_name_above_its_bar():
    chart = vote_chart([Row("A", 3, None), Row("B", 2, None)])
    assert chart.height == 2 * ROW and chart.bar_height == BAR_HEIGHT
    first, second = chart.bars
    assert (first.top, second.top) == (0, ROW)
    for bar in chart.bars:
        assert bar.top < bar.label_y < bar.bar_y
        assert bar.bar_y + BAR_HEIGHT <= bar.top + ROW


def test_a_project_without_votes_has_no_bar_and_one_vote_still_shows():
    chart = vote_chart([Row("A", 100_000, True), Row("B", 1, False), Row("C", 0, False)])
    assert [b.length for b in chart.bars] == [1000, 5, 0]


def test_no_votes_at_all_draws_empty_rows_and_no_projects_one_empty_row():
    assert [b.length for b in vote_chart([Row("A", 0, None), Row("B", 0, None)]).bars] == [0, 0]
    empty = vote_chart([])
    assert empty.bars == () and empty.height == ROW


def test_long_names_are_cut_at_a_word_with_an_ellipsis():
    name = "2027-014 Облаштування безбар'єрного доступу до будівлі центральної бібліотеки"
    short = short_label(name)
    assert len(short) <= LABEL_CHARS and short.endswith("…")
    assert name.startswith(short[:-1]) and short[-2] != " "
    assert short_label("Сквер") == "Сквер"
    assert short_label("x" * 60) == "x" * (LABEL_CHARS - 1) + "…"


def test_the_money_bar_fills_what_was_spent_and_never_more_than_the_bar():
    assert money_bar(95_000_000, 100_000_000).spent == 950
    assert money_bar(95_000_000, 100_000_000).percent == "95%"
    assert money_bar(0, 100_000_000).spent == 0
    assert money_bar(120, 100).spent == 1000
    assert money_bar(0, 0).spent == 0 and money_bar(5, 0).spent == 1000


def test_the_votes_go_inside_a_long_bar_and_after_a_short_one():
    long, short, none = vote_chart([Row("A", 100, True), Row("B", 20, False),
                                    Row("C", 0, False)]).bars
    assert long.count_inside and not short.count_inside and not none.count_inside
    assert long.bar_y < long.count_y < long.bar_y + BAR_HEIGHT
    assert long.name == "A" == long.label
