"""The build's own check of the sources: run before anything is read, skipped only for sources it already
passed, byte for byte."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sphinx.errors import ExtensionError

from helpers import set_cell
from reviewkit import check, prebuild_check


@pytest.fixture
def app(book):
    return SimpleNamespace(outdir=str(book / "_build" / "html"), config=SimpleNamespace(reviewkit_partial_build=False))


@pytest.fixture
def runs(monkeypatch):
    """The calls of run_checks; they pass (what the checks find is their own tests' concern)."""
    calls = []
    monkeypatch.setattr(check, "run_checks", lambda **kwargs: calls.append(kwargs) or [])
    return calls


def test_unchanged_sources_are_checked_once(app, runs, book):
    prebuild_check.check_before_build(app)
    prebuild_check.check_before_build(app)
    assert runs == [{"complete_book": True}]
    (book / "data" / "glossary.csv").touch()
    prebuild_check.check_before_build(app)
    assert len(runs) == 1, "a touch changes no byte"


@pytest.mark.parametrize("edit", ["data", "chapter", "bibliography", "toc"])
def test_any_edit_checks_again(app, runs, book, edit):
    prebuild_check.check_before_build(app)
    if edit == "data":
        set_cell(book / "data" / "glossary.csv", "CRS", "expansion", "an edited expansion")
    else:
        target = {"chapter": book / "chapters" / "outlook.md", "bibliography": book / "references.bib",
                  "toc": book / "_toc.yml"}[edit]
        target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    prebuild_check.check_before_build(app)
    assert len(runs) == 2


def test_a_partial_build_is_checked_on_its_own_terms(app, runs):
    prebuild_check.check_before_build(app)
    app.config.reviewkit_partial_build = True
    prebuild_check.check_before_build(app)
    assert runs == [{"complete_book": True}, {"complete_book": False}]


def test_bad_sources_stop_the_build_every_time(app, book):
    prebuild_check.check_before_build(app)
    line = set_cell(book / "data" / "glossary.csv", "CRS", "abbreviation", "")
    for _ in range(2):
        with pytest.raises(ExtensionError, match=rf"(?s)nothing was built.*data/glossary.csv:{line}"):
            prebuild_check.check_before_build(app)
    assert not (book / "_build" / prebuild_check.STAMP_NAME).exists(), "a failed check leaves no stamp"
