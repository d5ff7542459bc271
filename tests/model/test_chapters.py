"""reviewkit.model.chapters: the table of contents as Jupyter Book reads it; directives as MyST reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx_external_toc.parsing import parse_toc_yaml

from conftest import ROOT
from reviewkit.model import inputs
from reviewkit.model.chapters import Chapter
from reviewkit.model.toc import toc_files
from reviewkit.model.problems import Problem

TOC = """format: jb-book
root: start
parts:
  - caption: One
    chapters:
      - file: a
        sections:
          - file: a/first
          - file: a/second.md
      - url: https://example.org
        title: Elsewhere
      - file: b
  - caption: Two
    chapters:
      - glob: more/*
      - file: c
"""


def write_toc(root: Path, text: str) -> Path:
    (root / "_toc.yml").write_text(text, encoding="utf-8")
    return root


def unreadable(root: Path) -> Problem:
    with pytest.raises(inputs.Unreadable) as caught:
        toc_files(root)
    return caught.value.problem


def test_reading_order_is_the_root_then_each_entry_before_its_sections(tmp_path):
    assert toc_files(write_toc(tmp_path, TOC)) == ["start", "a", "a/first", "a/second.md", "b", "c"]


def test_the_book_lists_every_document_its_toc_parser_knows():
    files = toc_files(ROOT)
    assert len(files) == len(set(files))
    assert set(files) == set(parse_toc_yaml(ROOT / "_toc.yml"))
    assert files[0] == parse_toc_yaml(ROOT / "_toc.yml").root.docname


def test_invalid_yaml_names_its_line(tmp_path):
    problem = unreadable(write_toc(tmp_path, TOC.replace("      - file: b", "      - file: [b")))
    assert Path(problem.file).name == "_toc.yml" and "invalid YAML" in problem.message and problem.line is not None


@pytest.mark.parametrize("change, bad_line", [
    (("      - file: b", "      - fiel: b"), "      - fiel: b"),  # no file, glob or url
    (("      - file: c", "      - file: c\n        hiden: true"), "      - file: c"),  # an unknown key
    (("      - file: c", "      - file: a/first"), "      - file: a/first"),  # a document listed twice
])
def test_a_structure_jupyter_book_rejects_names_its_line_and_the_fix(tmp_path, change, bad_line):
    text = TOC.replace(*change)
    problem = unreadable(write_toc(tmp_path, text))
    lines = text.splitlines()
    expected = len(lines) - lines[::-1].index(bad_line)  # the last such line: a repeated entry is the second one
    assert (Path(problem.file).name, problem.line, problem.field) == ("_toc.yml", expected, None)
    assert "table of contents" in problem.message and "- file:" in problem.fix


def chapter(text: str) -> Chapter:
    return Chapter(Path("chapters/made-up.md"), text)


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


FRONT = "---\ndata_files: []\n---\n\n# Made up\n\n"


def test_a_code_cell_in_a_fence_of_four_backticks_is_a_code_cell():
    text = FRONT + "````{code-cell} ipython3\nprint('```')\n````\n"
    assert chapter(text).has_code_cells


def test_a_code_cell_shown_inside_a_code_block_is_not_one():
    text = FRONT + "````markdown\n```{code-cell} ipython3\nx = 1\n```\n````\n"
    assert not chapter(text).has_code_cells
    assert not chapter(FRONT + "Prose only.\n").has_code_cells


def test_source_checks_in_colon_fences_of_any_length_with_their_lines():
    text = FRONT + ("A claim.\n\n::::{source-check} SC1\n::::\n\nAnother claim.\n\n"
                    ":::::{note}\n::::{source-check} SC2 SC3\n::::\n:::::\n\n```{source-check} SC4\n```\n")
    assert chapter(text).source_checks() == [
        (line_of(text, "SC1"), "SC1"), (line_of(text, "SC2"), "SC2"), (line_of(text, "SC2"), "SC3"),
        (line_of(text, "SC4"), "SC4")]


def test_a_source_check_inside_a_code_block_or_cell_does_not_count():
    text = FRONT + ("How to show a check:\n\n```markdown\n:::{source-check} SC1\n:::\n```\n\n"
                    "```{code-cell} ipython3\ntext = '''\n:::{source-check} SC2\n:::\n'''\n```\n\n"
                    "    :::{source-check} SC3\n    :::\n")
    assert chapter(text).source_checks() == []


def test_evidence_updates_in_any_fence_with_their_lines():
    text = FRONT + ("A statement.\n\n::::{evidence-update} U1\n::::\n\n````{evidence-update} U2\n````\n\n"
                    "```text\n:::{evidence-update} U3\n:::\n```\n")
    assert chapter(text).evidence_updates() == [(line_of(text, "U1"), "U1"), (line_of(text, "U2"), "U2")]
