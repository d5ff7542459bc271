"""Reading author files never raises anything but Unreadable, which names the file, the line and the fix."""

from __future__ import annotations

import pytest

from reviewkit.model import inputs


def unreadable(call, *args):
    with pytest.raises(inputs.Unreadable) as caught:
        call(*args)
    return caught.value.problem


def test_a_non_utf8_byte_is_reported_on_its_line_and_column(tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes(b"id,name\nok,plain\nbad,caf\xe9 au lait\n")
    problem = unreadable(inputs.read_text, path)
    assert problem.line == 3
    assert "0xe9" in problem.message and "column 8" in problem.message and "'bad,caf'" in problem.message
    assert "UTF-8" in problem.fix


def test_bom_and_windows_line_ends_are_normalised(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\r\n1,2\r\n")
    assert inputs.read_text(path) == "a,b\n1,2\n"


def test_missing_file_and_directory(tmp_path):
    assert "missing" in unreadable(inputs.read_text, tmp_path / "nothing.csv").message
    (tmp_path / "folder.csv").mkdir()
    assert "cannot be read" in unreadable(inputs.read_text, tmp_path / "folder.csv").message


def test_invalid_json_names_its_line(tmp_path):
    path = tmp_path / "datapackage.json"
    path.write_text('{\n  "name": "x",\n  "resources": [\n    {"name": "a",}\n  ]\n}\n', encoding="utf-8")
    problem = unreadable(inputs.load_json, path)
    assert problem.line == 4 and "invalid JSON" in problem.message


@pytest.mark.parametrize("text, line", [("a: 1\nb: [1, 2\nc: 3\n", 3), ("a:\n  - x\n b: y\n", 3),
                                        ("title: x: y\n", 1), ("a: 1\n\tb: 2\n", 2)])
def test_invalid_yaml_names_its_line(tmp_path, text, line):
    path = tmp_path / "_toc.yml"
    path.write_text(text, encoding="utf-8")
    problem = unreadable(inputs.load_yaml, path)
    assert problem.line == line and "invalid YAML" in problem.message


def test_yaml_lines_are_counted_from_where_the_text_starts():
    problem = unreadable(inputs.parse_yaml, "a: 1\nb: [\n", "chapters/x.md", 2)
    assert problem.file == "chapters/x.md" and problem.line >= 3


def test_csv_rows_keep_the_line_they_start_on(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\na,"two\nlines"\nb,plain\n', encoding="utf-8")
    header, rows = inputs.read_csv_cells(path)
    assert header == ["id", "text"] and rows == [(2, ["a", "two\nlines"]), (4, ["b", "plain"])]


def test_an_unclosed_quote_names_the_row_where_it_opens(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\na,"never closed\nb,x\nc,y\n', encoding="utf-8")
    problem = unreadable(inputs.read_csv_cells, path)
    assert problem.line == 2 and "never closed" in problem.message and "at line 4" in problem.message


def test_text_after_a_closing_quote_is_broken_quoting(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\na,ok\nb,"quoted" then more\n', encoding="utf-8")
    problem = unreadable(inputs.read_csv_cells, path)
    assert problem.line == 3 and "quoting" in problem.message


def test_an_oversized_cell_is_a_problem_not_an_exception(tmp_path):
    import csv

    before = csv.field_size_limit()
    path = tmp_path / "t.csv"
    path.write_text('id,text\na,ok\nb,"' + "x" * (inputs.MAX_CELL_CHARS + 10) + '"\n', encoding="utf-8")
    problem = unreadable(inputs.read_csv_cells, path)
    assert problem.line == 3 and "KiB" in problem.message
    assert csv.field_size_limit() == before  # the process-wide limit is left as it was


def test_an_unquoted_oversized_cell_is_reported_with_its_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,text\nb," + "x" * (inputs.MAX_CELL_CHARS + 1) + "\n", encoding="utf-8")
    problem = unreadable(inputs.read_csv_cells, path)
    assert problem.line == 2 and problem.field == "text"


def test_the_one_parser_reads_text_and_numbers_rows_by_their_first_line():
    text = 'id,text\na,"one\ntwo\nthree"\n\nb,plain\n'
    header, rows = inputs.parse_csv_text(text, "data/t.csv")
    assert header == ["id", "text"]
    assert rows == [(2, ["a", "one\ntwo\nthree"]), (5, []), (6, ["b", "plain"])], "a blank line is a row of no cells"
    assert inputs.as_records(header, rows) == [(2, {"id": "a", "text": "one\ntwo\nthree"}),
                                               (6, {"id": "b", "text": "plain"})], "a blank line is no record"
    assert inputs.as_records(["a", "b"], [(2, ["x"]), (3, ["x", "y", "z"])]) == [
        (2, {"a": "x", "b": ""}), (3, {"a": "x", "b": "y"})], "a ragged row: absent cells empty, extra ones dropped"


def test_broken_quoting_in_a_row_of_several_lines_names_the_line_the_row_starts_on():
    text = 'id,text\na,ok\nb,"two\nlines" then more\n'
    problem = unreadable(inputs.parse_csv_text, text, "data/t.csv")
    assert (problem.file, problem.line) == ("data/t.csv", 3) and "at line 4" in problem.message
    assert "quoting" in problem.message and problem.fix
