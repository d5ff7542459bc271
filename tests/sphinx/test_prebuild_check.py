"""The checks remember what passed: each group of checks runs again only when a file it reads changed, byte
for byte, or the toolkit's code changed; a group that found a problem runs (and reports) every time. The
build's own check before reading anything uses the same memory."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sphinx.errors import ExtensionError

from helpers import set_cell
from reviewkit.checks import run as check, memo as check_memo
from reviewkit.sphinx import prebuild_check


@pytest.fixture
def app(book):
    # These cases are about the memory itself: they start from a book checked never before.
    (book / "_build" / check_memo.MEMO_NAME).unlink(missing_ok=True)
    return SimpleNamespace(outdir=str(book / "_build" / "html"), config=SimpleNamespace(reviewkit_partial_build=False))


@pytest.fixture
def runs(monkeypatch):
    """Every group's checks, counted; they pass (what the checks find is their own tests' concern)."""
    calls: list[tuple[str, bool]] = []

    def counted(name):
        return lambda complete_book, memo: calls.append((name, complete_book)) or []

    monkeypatch.setattr(check, "GROUPS", {name: (patterns, counted(name))
                                          for name, (patterns, _) in check.GROUPS.items()})
    return calls


def groups_run(runs: list, since: int = 0) -> set[str]:
    return {name for name, _ in runs[since:]}


def append_line(path):
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def test_unchanged_sources_are_checked_once(app, runs, book):
    prebuild_check.check_before_build(app)
    assert groups_run(runs) == set(check.GROUPS), "the first build runs every check"
    before = len(runs)
    prebuild_check.check_before_build(app)
    check.run_checks()  # `make check` and `make book` share the memory
    (book / "data" / "glossary.csv").touch()
    prebuild_check.check_before_build(app)
    assert len(runs) == before, "nothing changed (a touch changes no byte)"


@pytest.mark.parametrize("edited, must_run, need_not_run", [
    ("data/glossary.csv", {"data", "chapters"}, {"configuration", "versions", "bibliography"}),
    ("chapters/outlook.md", {"chapters"}, {"data", "configuration", "versions", "bibliography"}),
    ("references.bib", {"bibliography", "data", "chapters"}, {"configuration", "versions"}),
    ("_toc.yml", {"chapters", "configuration"}, {"data", "versions", "bibliography"}),
    ("_config.yml", {"configuration"}, {"data", "chapters"}),
    ("CITATION.cff", {"versions"}, {"data", "chapters"}),
])
def test_an_edit_checks_again_what_reads_the_file(app, runs, book, edited, must_run, need_not_run):
    prebuild_check.check_before_build(app)
    before = len(runs)
    append_line(book / edited)
    prebuild_check.check_before_build(app)
    assert must_run <= groups_run(runs, before)
    assert not need_not_run & groups_run(runs, before)


def test_a_new_file_in_data_checks_the_data_again(app, runs, book):
    prebuild_check.check_before_build(app)
    before = len(runs)
    (book / "data" / "notes.txt").write_text("a stray file\n", encoding="utf-8")
    prebuild_check.check_before_build(app)
    assert "data" in groups_run(runs, before)


def test_a_new_empty_folder_checks_again_what_reads_its_place(app, runs, book):
    prebuild_check.check_before_build(app)
    before = len(runs)
    (book / "locales" / "fr").mkdir()  # an edition the book does not have is a problem, files or none
    prebuild_check.check_before_build(app)
    assert "translations" in groups_run(runs, before)


def test_new_toolkit_code_checks_everything_again(app, runs, monkeypatch):
    prebuild_check.check_before_build(app)
    before = len(runs)
    monkeypatch.setattr(check_memo, "package_hash", lambda: "another version of reviewkit")
    prebuild_check.check_before_build(app)
    assert groups_run(runs, before) == set(check.GROUPS)


def test_a_partial_build_is_checked_on_its_own_terms(app, runs):
    prebuild_check.check_before_build(app)
    before = len(runs)
    app.config.reviewkit_partial_build = True
    prebuild_check.check_before_build(app)
    assert {complete for _, complete in runs[before:]} == {False}
    assert groups_run(runs, before) == check.WHOLE_BOOK_GROUPS, "what differs for a partial copy runs again"
    app.config.reviewkit_partial_build = False
    prebuild_check.check_before_build(app)
    assert groups_run(runs, len(runs) - len(check.WHOLE_BOOK_GROUPS)) == check.WHOLE_BOOK_GROUPS


def test_bad_sources_stop_the_build_every_time(app, book):
    prebuild_check.check_before_build(app)
    line = set_cell(book / "data" / "glossary.csv", "CRS", "abbreviation", "")
    for _ in range(2):
        with pytest.raises(ExtensionError, match=rf"(?s)nothing was built.*data/glossary.csv:{line}"):
            prebuild_check.check_before_build(app)
    memo = check_memo.CheckMemo(book)
    assert "data" not in memo.passed_groups, "a group that found a problem is not remembered"
    assert "versions" in memo.passed_groups, "the groups that passed are"


def test_an_unreadable_memory_only_means_checking_again(app, runs, book):
    prebuild_check.check_before_build(app)
    before = len(runs)
    (book / "_build" / check_memo.MEMO_NAME).write_text("{not json", encoding="utf-8")
    prebuild_check.check_before_build(app)
    assert groups_run(runs, before) == set(check.GROUPS)
