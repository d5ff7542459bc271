"""Bad input an author can make: each is caught by `make check` with file, line, field and a fix,
every problem is reported, and a failed check changes no file."""

from __future__ import annotations

import pytest

from conftest import snapshot
from helpers import read_rows, set_cell, write_rows
from reviewkit import cli
from reviewkit.book import data
from reviewkit.checks.run import run_checks

STUDY = "afm13_nk_lymphoma_phase1"


@pytest.fixture
def studies(book):
    return book / "data" / "clinical_studies.csv"


def problems_for(book, *, field=None, file=None):
    before = snapshot(book)
    problems = run_checks()
    assert snapshot(book) == before, "a check must not change any file"
    return [p for p in problems if (field is None or p.field == field) and (file is None or p.file == file)]


def only(problems):
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_the_real_book_passes(book):
    assert run_checks() == []


def test_wrong_type(book, studies):
    line = set_cell(studies, STUDY, "n_patients", "forty-four")
    problem = only(problems_for(book, field="n_patients"))
    assert (problem.file, problem.line) == ("data/clinical_studies.csv", line)
    assert "forty-four" in problem.message and "type" in problem.message
    assert "type" in problem.fix


def test_out_of_range_percentage(book, studies):
    line = set_cell(studies, STUDY, "n_patients", "0")
    problem = only(problems_for(book, field="n_patients"))
    assert problem.line == line and "'0'" in problem.message


def test_value_outside_vocabulary(book, studies):
    line = set_cell(studies, STUDY, "effector", "B")
    problem = only(problems_for(book, field="effector"))
    assert problem.line == line and "constraint" in problem.message
    assert "allows" in problem.fix


def test_missing_required_column(book, studies):
    rows = read_rows(studies)
    index = rows[0].index("effector")
    write_rows(studies, [row[:index] + row[index + 1:] for row in rows])
    found = problems_for(book, file="data/clinical_studies.csv")
    assert any(p.field == "effector" and "missing from the header" in p.message for p in found)


def test_unknown_extra_column_is_rejected(book, studies):
    rows = read_rows(studies)
    write_rows(studies, [row + (["colour"] if i == 0 else ["blue"]) for i, row in enumerate(rows)])
    problem = only(problems_for(book, field="colour"))
    assert problem.line == 1 and "not in the schema" in problem.message
    assert "datapackage.json" in problem.fix


def test_duplicate_study_id(book, studies):
    rows = read_rows(studies)
    rows.append(list(rows[1]))
    write_rows(studies, rows)
    found = problems_for(book, file="data/clinical_studies.csv")
    assert found and all(p.line == len(rows) for p in found)
    assert any("unique" in p.fix for p in found)


def test_unknown_reference_key_in_csv(book, studies):
    line = set_cell(studies, STUDY, "reference", "nobody2099")
    problem = only(problems_for(book, field="reference"))
    assert problem.line == line and "nobody2099" in problem.message
    assert "references.bib" in problem.fix


def test_unknown_study_id_in_source_checks(book):
    path = book / "data" / "source_checks.csv"
    line = set_cell(path, "SC17", "study_id", "no_such_study")
    problem = only(problems_for(book, file="data/source_checks.csv"))
    assert problem.line == line and "no_such_study" in problem.message


def test_empty_csv(book):
    (book / "data" / "glossary.csv").write_text("", encoding="utf-8")
    problem = only(problems_for(book, file="data/glossary.csv"))
    assert problem.message == "the file is empty" and "git checkout" in problem.fix


def test_missing_data_file(book):
    (book / "data" / "platforms.csv").unlink()
    problem = only(problems_for(book, file="data/platforms.csv"))
    assert "missing" in problem.message


def test_every_problem_is_reported_not_only_the_first(book, studies):
    set_cell(studies, STUDY, "n_patients", "many")
    set_cell(studies, "egfr_bats_glioma_phase1", "phase", "IV")
    (book / "references.bib").write_text((book / "references.bib").read_text() + "\n@article{broken title={x}}\n")
    found = problems_for(book)
    assert {p.field for p in found} >= {"n_patients", "phase"}
    assert any(p.file == "references.bib" and "cannot parse" in p.message for p in found)


def test_unknown_cite_key_names_file_and_line(book):
    chapter = book / "chapters" / "outlook.md"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    lines.insert(len(lines) - 1, "As shown before {cite}`nobody2099`.")
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = only(problems_for(book, field="nobody2099"))
    assert (problem.file, problem.line) == ("chapters/outlook.md", len(lines) - 1)
    assert "unknown key" in problem.message


def test_toc_entry_naming_a_missing_file(book):
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text().replace("chapters/outlook", "chapters/outlok"), encoding="utf-8")
    problem = only(problems_for(book, file="_toc.yml"))
    assert problem.field == "chapters/outlok" and problem.line is not None
    assert "create chapters/outlok.md" in problem.fix


def test_toc_structure_jupyter_book_rejects(book):
    toc = book / "_toc.yml"
    text = toc.read_text().replace("- file: chapters/outlook", "- fiel: chapters/outlook")
    toc.write_text(text, encoding="utf-8")
    problem = only(problems_for(book, file="_toc.yml"))
    assert problem.line == next(n for n, line in enumerate(text.splitlines(), 1) if "fiel: chapters/outlook" in line)
    assert "table of contents" in problem.message and "- file:" in problem.fix


def _a_shown_check(book):
    """(chapter path, its lines, the check's id, the 0-based lines of its opening and closing fences)."""
    from reviewkit.model.chapters import all_chapters

    chapter = next(c for c in all_chapters() if c.source_checks())
    line, check_id = chapter.source_checks()[0]
    lines = chapter.text.splitlines()
    fence = lines[line - 1][:len(lines[line - 1]) - len(lines[line - 1].lstrip(":`"))]
    closing = next(i for i in range(line, len(lines)) if lines[i].strip() == fence)
    return chapter.path, lines, check_id, line - 1, closing


def test_a_source_check_in_a_longer_fence_is_shown(book):
    path, lines, check_id, opening, closing = _a_shown_check(book)
    lines[opening], lines[closing] = ":" + lines[opening], ":" + lines[closing]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert problems_for(book, field=check_id) == []


def test_a_source_check_quoted_in_a_code_block_is_not_shown(book):
    path, lines, check_id, opening, closing = _a_shown_check(book)
    lines[closing:closing + 1] = [lines[closing], "````"]
    lines[opening:opening] = ["````markdown"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = only(problems_for(book, field=check_id))
    assert problem.file == "data/source_checks.csv" and "shown in no chapter" in problem.message


def test_chapter_declaring_a_missing_data_file(book):
    chapter = book / "chapters" / "outlook.md"
    chapter.write_text(chapter.read_text().replace("data_files:\n", "data_files:\n  - data/nothing.csv\n", 1))
    problem = only(problems_for(book, field="data_files"))
    assert problem.file == "chapters/outlook.md" and "data/nothing.csv" in problem.message


def test_code_cells_without_jupytext_front_matter(book):
    chapter = book / "chapters" / "outlook.md"
    text = chapter.read_text()
    start, end = text.index("jupytext:"), text.index("data_files:")
    chapter.write_text(text[:start] + text[end:])
    problem = only(problems_for(book, field="front matter"))
    assert problem.file == "chapters/outlook.md" and "without executing it" in problem.message


def test_uncited_bibliography_entry(book):
    bib = book / "references.bib"
    bib.write_text(bib.read_text() + "\n@article{lonely2024entry,\n  author = {A, B},\n  title = {T},\n"
                   "  journal = {J},\n  year = {2024},\n  doi = {10.1000/lonely},\n}\n")
    problem = only(problems_for(book, field="lonely2024entry"))
    assert "cited by no chapter" in problem.message


def test_markup_in_a_cell_is_accepted_as_text(book, studies):
    payload = "</script><img src=x onerror=alert(1)>"
    set_cell(studies, STUDY, "safety", payload)
    assert run_checks() == []
    assert data.row("clinical_studies", STUDY)["safety"] == payload


def test_bom_and_windows_line_endings_are_accepted(book, studies):
    text = studies.read_text(encoding="utf-8")
    studies.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert run_checks() == []
    frame = data.load("clinical_studies")
    assert frame.columns[0] == "study_id" and STUDY in set(frame["study_id"])
    assert not frame["note"].dropna().str.contains("\r").any()


def test_non_ascii_text_round_trips(book, studies):
    text = "anti-CD3 × anti-HER2, 5 µg, 双特异性抗体"
    set_cell(studies, STUDY, "combination", text)
    assert run_checks() == []
    assert data.row("clinical_studies", STUDY)["combination"] == text


def test_command_line_reports_and_fails(book, studies, capsys):
    line = set_cell(studies, STUDY, "n_patients", "0")
    code = cli.main(["check"])  # the command in a process of its own: tests/checks/test_hostile_inputs.py
    err = capsys.readouterr().err
    assert code == 1
    assert f"data/clinical_studies.csv:{line}: [n_patients]" in err
    assert "fix:" in err and "Nothing was built" in err


def test_a_cell_of_several_lines_moves_no_later_problem_off_the_line_an_editor_shows(book):
    # frictionless counts rows, not lines: the validation maps its row to the line the one CSV reader gives it
    results = book / "data" / "clinical_results.csv"
    rows = read_rows(results)
    rows[1][rows[0].index("note")] = "a note\nthat goes on\non three lines"
    write_rows(results, rows)
    later = rows[3][0]
    set_cell(results, later, "value", "many")
    text = results.read_text(encoding="utf-8")
    line = text[:text.index(f"\n{later},") + 1].count("\n") + 1
    problems = problems_for(book, field="value", file="data/clinical_results.csv")
    assert [p.line for p in problems] == [line] and "many" in problems[0].message, problems
