"""Bad translations as an author would write them in the catalogues (locales/zh_CN/LC_MESSAGES/chapters/*.po):
`make check` gives one problem naming file, line, field and fix; a translation that only lags its English is a
warning of `reviewkit check`, never a problem. The entries edited are found in the book's own catalogues."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import snapshot
from reviewkit.checks.run import run_checks
from reviewkit.i18n import catalogues, languages, parity
from reviewkit.model import paths

CODE = languages.TRANSLATIONS[0]


def po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def translation_problems() -> list:
    root = paths.root()
    before = snapshot(root)
    problems = run_checks()
    assert snapshot(root) == before, "a check must not change any file"
    return [p for p in problems if p.file.startswith(languages.LOCALE_DIR + "/")]


def only(problems):
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def translated(predicate) -> tuple[Path, str, str]:
    """(catalogue, msgid, msgstr) of the first translated, up-to-date message of the book for which
    ``predicate(msgid, msgstr)`` holds."""
    for _, path in catalogues.catalogues(CODE).items():
        for message in catalogues.read(path, CODE):
            if message.id and message.string and not message.fuzzy and predicate(message.id, message.string):
                return path, message.id, message.string
    pytest.fail("the book's catalogues have no translated message of the kind this test edits")


def entry_lines(path: Path, msgid: str) -> tuple[int, int]:
    """The 1-based lines of the msgid and of the msgstr of ``msgid`` (catalogues keep each on one line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines.index(f"msgid {po_string(msgid)}")
    second = next(i for i in range(first + 1, len(lines)) if lines[i].startswith("msgstr "))
    return first + 1, second + 1


def replace_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def set_translation(path: Path, msgid: str, msgstr: str) -> int:
    """Write ``msgstr`` as the translation of ``msgid``, as an author edits the file; returns the msgid's line."""
    msgid_line, msgstr_line = entry_lines(path, msgid)
    replace_line(path, msgstr_line, f"msgstr {po_string(msgstr)}")
    return msgid_line


def reviewkit_check(book: Path) -> subprocess.CompletedProcess:
    """`reviewkit check` on the copy, as an author runs it: it passes (a lag is a warning, not a problem)."""
    result = subprocess.run([str(Path(sys.executable).parent / "reviewkit"), "check"], cwd=book,
                            env={**os.environ, "REVIEWKIT_ROOT": str(book)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def relative(path: Path) -> str:
    return path.relative_to(paths.root()).as_posix()


def with_role(name: str, single: bool = True):
    """A message whose English has exactly one role ``name`` (with one target), kept once by its translation."""
    def predicate(msgid, msgstr):
        found = [(n, t) for n, t in parity.ROLE.findall(msgid) if n == name]
        return (len(found) == 1 and (not single or "," not in found[0][1])
                and msgstr.count(f"{{{name}}}`{found[0][1]}`") == 1)
    return predicate


def role_of(name: str, msgid: str) -> str:
    return next(f"{{{n}}}`{t}`" for n, t in parity.ROLE.findall(msgid) if n == name)


def test_the_books_catalogues_pass(book):
    assert translation_problems() == []


def test_an_unclosed_quote_is_one_problem_at_its_line(book):
    path, msgid, msgstr = translated(lambda i, s: True)
    _, line = entry_lines(path, msgid)
    replace_line(path, line, f'msgstr "{msgstr}')
    problem = only(translation_problems())
    assert (problem.file, problem.line, problem.field) == (relative(path), line, "msgstr")
    assert "quoted" in problem.fix or "quote" in problem.message


def test_an_unescaped_quote_inside_a_translation_is_one_problem_at_its_line(book):
    path, msgid, msgstr = translated(lambda i, s: len(s) > 2)
    _, line = entry_lines(path, msgid)
    replace_line(path, line, f'msgstr "{msgstr[:1]}"{msgstr[1:]}"')
    problem = only(translation_problems())
    assert (problem.file, problem.line, problem.field) == (relative(path), line, "msgstr")


def test_a_msgid_without_its_msgstr_is_one_problem(book):
    path, msgid, _ = translated(lambda i, s: True)
    msgid_line, msgstr_line = entry_lines(path, msgid)
    replace_line(path, msgstr_line, "")
    problem = only(translation_problems())
    assert problem.file == relative(path) and problem.line == msgid_line and problem.fix


def test_a_dropped_glue_value(book):
    path, msgid, msgstr = translated(with_role("glue:text"))
    role = role_of("glue:text", msgid)
    line = set_translation(path, msgid, msgstr.replace(role, ""))
    problem = only(translation_problems())
    assert (problem.file, problem.line, problem.field) == (relative(path), line, "role")
    assert "drops" in problem.message and role in problem.message and problem.fix


def test_a_dropped_citation(book):
    path, msgid, msgstr = translated(with_role("cite"))
    role = role_of("cite", msgid)
    line = set_translation(path, msgid, msgstr.replace(role, ""))
    problem = only(translation_problems())
    assert (problem.file, problem.line, problem.field) == (relative(path), line, "role")
    assert "drops" in problem.message and role.split("`")[1] in problem.message


def test_an_added_number(book):
    path, msgid, msgstr = translated(lambda i, s: "987" not in i)
    line = set_translation(path, msgid, msgstr + "（另有987例）")
    problem = only(translation_problems())
    assert (problem.file, problem.line, problem.field) == (relative(path), line, "number")
    assert "987" in problem.message and problem.fix


def test_a_role_typed_full_width(book):
    path, msgid, msgstr = translated(with_role("glue:text"))
    role = role_of("glue:text", msgid)
    full_width = role.translate(str.maketrans({"{": "｛", "}": "｝", "`": "｀", ":": "："}))
    line = set_translation(path, msgid, msgstr.replace(role, full_width))
    problem = only(translation_problems())
    assert (problem.file, problem.line, problem.field) == (relative(path), line, "role")
    assert "full-width" in problem.message and role in problem.fix


CYRILLIC = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х"})


def test_a_key_with_a_cyrillic_look_alike(book):
    path, msgid, msgstr = translated(lambda i, s: with_role("glue:text")(i, s)
                                     and re.search("[aeopcx]", role_of("glue:text", i).split("`")[1]))
    role = role_of("glue:text", msgid)
    key = role.split("`")[1]
    index = re.search("[aeopcx]", key).start()
    look_alike = key[:index] + key[index].translate(CYRILLIC) + key[index + 1:]
    line = set_translation(path, msgid, msgstr.replace(role, role.replace(key, look_alike)))
    problem = only(translation_problems())
    assert (problem.file, problem.line, problem.field) == (relative(path), line, "role")
    assert "CYRILLIC" in problem.message and repr(key) in problem.message and "ASCII" in problem.fix


def test_a_translated_obsolete_entry(book):
    path, _, _ = translated(lambda i, s: True)
    text = path.read_text(encoding="utf-8")
    gone = "A paragraph the English chapter no longer has, with its translation left behind."
    path.write_text(text + f'\n#~ msgid {po_string(gone)}\n#~ msgstr "英文章节已删除的段落。"\n', encoding="utf-8")
    problem = only(translation_problems())
    line = text.count("\n") + 2
    assert (problem.file, problem.line, problem.field) == (relative(path), line, "msgstr")
    assert gone[:40] in problem.message and "#~" in problem.fix


def test_an_obsolete_entry_without_translation_is_no_problem(book):
    path, _, _ = translated(lambda i, s: True)
    path.write_text(path.read_text(encoding="utf-8") + '\n#~ msgid "A paragraph removed before translation."\n'
                    '#~ msgstr ""\n', encoding="utf-8")
    assert translation_problems() == []


def test_a_catalogue_of_a_chapter_the_book_does_not_have(book):
    path, _, _ = translated(lambda i, s: True)
    stray = path.with_name("no-such-chapter.po")
    stray.write_bytes(path.read_bytes())
    problem = only(translation_problems())
    assert problem.file == relative(stray) and "no-such-chapter.md" in problem.message
    assert relative(stray) in problem.fix


def test_an_unknown_language_folder(book):
    path, _, _ = translated(lambda i, s: True)
    folder = languages.locale_dir() / "xx"
    target = folder / path.relative_to(languages.locale_dir() / CODE)
    target.parent.mkdir(parents=True)
    target.write_bytes(path.read_bytes())
    problem = only(translation_problems())
    assert (problem.file, problem.field) == (f"{languages.LOCALE_DIR}/xx", "language")
    assert "'xx'" in problem.message and "languages.py" in problem.fix


def test_a_language_folder_under_another_name_of_an_edition_names_its_code(book):
    (languages.locale_dir() / "zh").mkdir()
    problem = only(translation_problems())
    assert (problem.file, problem.field) == (f"{languages.LOCALE_DIR}/zh", "language")
    assert f"{languages.LOCALE_DIR}/{CODE}" in problem.fix


def test_a_fuzzy_entry_is_a_warning_naming_catalogue_and_line_not_a_problem(book):
    path, msgid, _ = translated(lambda i, s: True)
    msgid_line, _ = entry_lines(path, msgid)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(msgid_line - 1, "#, fuzzy\n")  # as `reviewkit translations` marks a changed paragraph
    path.write_text("".join(lines), encoding="utf-8")
    assert translation_problems() == []
    result = reviewkit_check(book)
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning: ")
                and f"{relative(path)}:{msgid_line + 1}:" in line]
    assert len(warnings) == 1, result.stdout
    assert msgid[:40] in warnings[0] and "fuzzy" in warnings[0]


def test_an_edited_translation_warns_that_its_english_may_need_the_same_change(book):
    """The reverse of fuzzy: a translation edited since its English was last checked against it (recorded by
    `reviewkit translations`) is a warning naming the catalogue and the line, never a problem."""
    path, msgid, msgstr = translated(lambda i, s: len(i) > 40)
    catalog = catalogues.read(path, CODE)
    catalogues.record_checked(catalog)  # as the last `reviewkit translations` left it
    catalogues.write(catalog, path)
    msgid_line, msgstr_line = entry_lines(path, msgid)
    replace_line(path, msgstr_line, f"msgstr {po_string(msgstr + '（译文已修订）')}")
    assert translation_problems() == []
    result = reviewkit_check(book)
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning: ") and "translation of" in line]
    assert len(warnings) == 1, result.stdout
    assert f"{relative(path)}:{msgid_line}:" in warnings[0] and msgid[:40] in warnings[0]
