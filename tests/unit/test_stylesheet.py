"""The stylesheets parse: every block opened is closed (a rule lost in a merge once left a
media query open, and the header's menus after it never applied)."""

from pathlib import Path

import pytest

CSS = sorted((Path(__file__).resolve().parents[2] / "portal" / "static" / "css").glob("*.css"))


@pytest.mark.parametrize("path", CSS, ids=lambda path: path.name)
def test_every_block_of_the_stylesheet_is_closed(path):
    depth = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{path.name}:{number} closes a block never opened"
    assert depth == 0, f"{path.name} leaves {depth} block(s) open"
