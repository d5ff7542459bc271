"""Reading the files authors edit without ever crashing: whatever cannot be decoded or parsed becomes one
Problem (file, line where known, the fix), so `make check` can report it and go on checking the rest.

Text files must be UTF-8 (a leading byte-order mark and Windows line ends are accepted: both are safe to
normalise and spreadsheets write them).
"""

from __future__ import annotations

import csv
import io
import json
from contextlib import contextmanager
from pathlib import Path

import yaml

from reviewkit.model import paths
from reviewkit.model.problems import Problem

# A CSV cell above this size is an error (it is a value, not a document); Python's csv module refuses
# such fields by default, with an exception that names no file.
MAX_CELL_CHARS = 128 * 1024
BOM = "\ufeff"


class Unreadable(Exception):
    """A file that cannot be read or parsed; ``problem`` says where and how to fix it."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def _name(path: Path) -> str:
    return paths.relative(path)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text without a BOM and with \\n line ends; Unreadable names the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        before = data[max(0, error.start - 30):error.start].decode("utf-8", "replace").splitlines()
        context = f" after '{before[-1]}'" if before and before[-1].strip() else ""
        raise Unreadable(Problem(
            name, line, None,
            f"byte 0x{data[error.start]:02x} at column {column}{context} is not UTF-8 (the file is in another encoding)",
            "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8'; in an editor: 'Save with encoding UTF-8') "
            "and retype the character")) from None
    return text.removeprefix(BOM).replace("\r\n", "\n")


def read_text(path: Path) -> str:
    name = _name(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Unreadable(Problem(name, None, None, "the file is missing",
                                 f"restore it (git checkout -- {name})")) from None
    except OSError as error:
        raise Unreadable(Problem(name, None, None, f"the file cannot be read ({error.strerror})",
                                 "make the file readable (check its permissions, or that it is a file)")) from None
    return decode(data, name)


def load_json(path: Path):
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable(Problem(_name(path), error.lineno, None,
                                 f"invalid JSON at column {error.colno}: {error.msg}",
                                 "fix the JSON syntax (a missing comma or quote, or a trailing comma, is the usual "
                                 "cause); `python -m json.tool " + _name(path) + "` shows the place")) from None


def parse_yaml(text: str, name: str, first_line: int = 1):
    """YAML from ``text``; ``first_line`` is the file line where ``text`` starts (front matter: 2)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = first_line + mark.line if mark is not None else None
        reason = " ".join(filter(None, [getattr(error, "context", None), getattr(error, "problem", None)])) or str(error)
        raise Unreadable(Problem(name, line, None, f"invalid YAML: {reason}",
                                 "fix the YAML syntax (indent with spaces, put a space after each ':' and quote "
                                 "values that contain ': ' or start with a special character)")) from None


def load_yaml(path: Path):
    return parse_yaml(read_text(path), _name(path))


@contextmanager
def _field_limit(limit: int):
    # Read one character past the limit so an oversized cell is reported with its line, not an exception.
    previous = csv.field_size_limit(limit + 1)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def parse_csv_text(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line, cells)...]) of CSV ``text`` (decoded, as by ``decode``), parsed strictly: bad quoting or
    an oversized cell is Unreadable, naming ``name`` and the line.

    The one CSV parser of the toolkit: every reader of a book CSV (in the working tree, or at a git revision)
    goes through it, so every problem about a row names the same line. ``line`` is the line where the row
    *starts* in the file (1 is the header), the line an editor shows for the row; a row whose quoted cell spans
    several lines keeps its first. A blank line is a row of no cells (the validation reports it).
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    with _field_limit(MAX_CELL_CHARS):
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise Unreadable(_csv_problem(name, start, reader.line_num, str(error))) from None
            rows.append((start, cells))
    if not rows:
        return [], []
    (_, header), body = rows[0], rows[1:]
    for line, cells in body:
        for column, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                field = header[column] if column < len(header) else None
                raise Unreadable(Problem(name, line, field, f"a cell of {len(cell) // 1024} KiB; the limit is "
                                         f"{MAX_CELL_CHARS // 1024} KiB",
                                         "a cell holds one value: shorten it (long text belongs in a chapter)"))
    return header, body


def read_csv_cells(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line, cells)...]) of the CSV file ``path``: ``read_text`` then ``parse_csv_text``."""
    return parse_csv_text(read_text(path), _name(path))


def as_records(header: list[str], rows: list[tuple[int, list[str]]]) -> list[tuple[int, dict[str, str]]]:
    """Each row as a dict by column name; a ragged row's absent cells read as empty and its extra cells are
    dropped, and a blank line is no record (the validation reports both)."""
    return [(line, dict(zip(header, cells + [""] * (len(header) - len(cells))))) for line, cells in rows if cells]


def read_records(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(line, row)...]) of a CSV read as by read_csv_cells, each row a dict by column name."""
    header, rows = read_csv_cells(path)
    return header, as_records(header, rows)


def _csv_problem(name: str, start: int, end: int, reason: str) -> Problem:
    if "field larger than field limit" in reason:
        return Problem(name, start, None, f"a cell in the row starting on this line is over "
                       f"{MAX_CELL_CHARS // 1024} KiB (the limit)",
                       "a cell holds one value: shorten it (long text belongs in a chapter), "
                       "or close a quote that was left open")
    if "unexpected end of data" in reason or "EOF" in reason:
        return Problem(name, start, None, "a quote opened in the row starting on this line is never closed "
                       f"(the file ends inside it, at line {end})",
                       'close the quote: a cell with commas or line breaks is written "like, this", '
                       'and a quote inside it is doubled ("")')
    at = f" (at line {end})" if end != start else ""
    return Problem(name, start, None, f"broken CSV quoting in the row starting on this line{at}: {reason}",
                   'quote the whole cell: "text with ""quotes"", commas or line breaks" — a quote inside a cell '
                   "is doubled, and nothing may follow the closing quote but a comma")
