"""references.bib entries the references page can print safely, or a problem naming the entry's line."""

from __future__ import annotations

import pytest

from helpers import BIBTEX_ENTRY
from reviewkit.model import bibliography

GOOD = BIBTEX_ENTRY


def lint(tmp_path, text):
    path = tmp_path / "references.bib"
    path.write_text(text, encoding="utf-8")
    return bibliography.lint(path)


def with_field(field):
    return GOOD.replace("  year = {2015},\n", f"  year = {{2015}},\n  {field},\n")


@pytest.mark.parametrize("field, where", [
    ("url = {javascript:alert(1)}", "lum2015targeted.url"),
    ("url = { JAVASCRIPT:alert(document.cookie)}", "lum2015targeted.url"),
    ("url = {data:text/html,<script>alert(1)</script>}", "lum2015targeted.url"),
    ("url = {www.example.org}", "lum2015targeted.url"),
    ("eprint = {javascript:alert(1)}", "lum2015targeted.eprint"),
    ("pmid = {1; DROP}", "lum2015targeted.pmid"),
    ("note = {hidden\u202etext}", "lum2015targeted.note"),
])
def test_unsafe_link_fields_and_hidden_characters(tmp_path, field, where):
    [problem] = lint(tmp_path, with_field(field))
    assert (problem.line, problem.field) == (1, where)


@pytest.mark.parametrize("field", ["url = {https://example.org/paper}", "eprint = {2101.00001v2}",
                                   "eprint = {hep-th/9901001}", "pmid = {33986124}"])
def test_safe_link_fields_pass(tmp_path, field):
    assert lint(tmp_path, with_field(field)) == []


def test_an_unknown_entry_type_is_reported_not_crashed_on(tmp_path):
    [problem] = lint(tmp_path, GOOD.replace("@article", "@artcle"))
    assert problem.line == 1 and problem.field == "lum2015targeted"
    assert "@artcle is not an entry type" in problem.message and "@article" in problem.fix


def test_an_entry_the_formatter_cannot_print_is_reported(tmp_path):
    entry = "@inproceedings{kim2020talk,\n  author = {Kim, A},\n  title = {Talk},\n  year = {2020},\n}\n"
    [problem] = lint(tmp_path, GOOD + "\n" + entry)
    assert problem.line == 9 and problem.field == "kim2020talk" and "cannot format" in problem.message
    assert "booktitle" in problem.message


def test_a_non_utf8_bibliography_is_one_problem_with_its_line(tmp_path):
    path = tmp_path / "references.bib"
    path.write_bytes(GOOD.encode().replace(b"Targeted", b"Targ\xe9ted"))
    [problem] = bibliography.lint(path)
    assert problem.line == 3 and "not UTF-8" in problem.message
