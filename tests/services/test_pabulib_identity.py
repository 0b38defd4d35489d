"""An imported .pb file keeps its identity: its own project ids (not numbers), every field,
names longer than the portal's titles, quoted fields with ``;``, and each vote's fields;
its export is equal in meaning to the file."""

from __future__ import annotations

import json

import pytest

from portal.pabulib import format as pabulib

NAME = "Zielony skwer; ławki, drzewa i " + "bardzo długa nazwa " * 16  # over 300 characters
TEXT = f"""META
key;value
description;Synthetic
country;Poland
unit;Łódź
subunit;Bałuty
instance;2024
num_projects;3
num_votes;4
budget;1000
currency;PLN
vote_type;approval
rule;greedy
date_begin;01.05.2024
date_end;20.05.2024
language;pl
edition;10
comment;"#1: a; b"
min_length;1
max_length;2
PROJECTS
project_id;cost;votes;name;category;latitude;longitude;beneficiaries;district;description;selected
L010;600;3;"{NAME}";zieleń,sport;51.77;19.45;dzieci;Bałuty;"opis; z średnikiem";1
c1;500;2;Ławki;zieleń;51.1;19.2;seniorzy;Widzew;;0
2024/OGM/0008;300;1;Lampy;;;;;Polesie;x;1
VOTES
voter_id;vote;age;sex;voting_method;district
v-1;L010,c1;34;F;internet;Bałuty
v-2;L010;71;M;paper;Widzew
v-3;c1,L010;;;internet;
v-4;2024/OGM/0008;18;F;internet;Polesie
"""

pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def synthetic(app, module_db, tmp_path_factory) -> int:
    path = tmp_path_factory.mktemp("pb") / "Poland_Synthetic_2024.pb"
    path.write_text(TEXT, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["pb", "import-pabulib", str(path)])
    assert result.exit_code == 0, result.output
    return int(result.output.strip().splitlines()[-1])


def test_tally_names_the_files_own_ids(app, db, synthetic):
    result = app.test_cli_runner().invoke(args=["pb", "tally", str(synthetic), "--json"])
    counted = json.loads(result.output)
    assert counted["winners"] == ["L010", "2024/OGM/0008"]
    assert counted["categories"][0]["winners"] == ["L010", "2024/OGM/0008"]


def test_the_export_is_equal_in_meaning_with_every_field(app, db, synthetic):
    result = app.test_cli_runner().invoke(args=["pb", "export", str(synthetic)])
    assert result.exit_code == 0, result.output
    original, exported = pabulib.parse(TEXT), pabulib.parse(result.output)
    assert pabulib.differences(original, exported) == []
    project = next(p for p in exported.projects if p["project_id"] == "L010")
    assert project["name"] == NAME.strip() and len(project["name"]) > 300
    assert project["description"] == "opis; z średnikiem"
    assert exported.meta["rule"] == "greedy" and exported.meta["comment"] == "#1: a; b"
    assert {v["voter_id"] for v in exported.votes} == {"v-1", "v-2", "v-3", "v-4"}


def test_differences_names_what_changed():
    original = pabulib.parse(TEXT)
    changed = pabulib.parse(TEXT.replace("v-2;L010;71", "v-2;c1;71")
                            .replace("currency;PLN", "currency;EUR"))
    assert pabulib.differences(original, changed) == [
        "meta currency: 'PLN' != 'EUR'", "the votes differ"]
    reordered = pabulib.parse(TEXT.replace("v-1;L010,c1", "v-1;c1,L010"))
    assert pabulib.differences(original, reordered) == []
