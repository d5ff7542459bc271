"""Rebuilds do the work their edit needs and no less: a no-op rebuild writes no page and prints no PDF, an
edit of one chapter's prose rewrites that chapter (and the root page, which Sphinx always rewrites with a
changed page) and the PDF, executes nothing, and leaves the pages that link across the book alone unless what
they link to moved; a page tampered with after a build is policed again."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import build, build_report_of, copy_book
from helpers import unrelease
from reviewkit.model.chapters import all_chapters
from reviewkit.model.toc import toc_files

pytestmark = pytest.mark.build

SENTENCE = "A sentence an author has just added to the prose."


def _pages(root) -> dict[str, str]:
    site = root / "_build" / "html"
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and p.suffix in {".html", ".pdf"}}


def _changed(before: dict, after: dict) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def _executed(root) -> set[str]:
    return {doc for doc, info in build_report_of(root)["chapters"].items() if info["executed_this_build"]}


def _pdf_holds(root, sentence: str) -> bool:
    """Whether the PDF's text holds ``sentence``, read page by page until it does (a sentence may span two)."""
    pdf = next((root / "_build" / "html" / "pdf").glob("*.pdf"))
    text = ""
    for page in PdfReader(pdf).pages:
        text = " ".join((text + " " + page.extract_text()).split())
        if sentence in text:
            return True
    return False


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = copy_book(tmp_path_factory.mktemp("incremental") / "book", execution_cache=Path("_build/.jupyter_cache"))
    # Before any release: an edit to a released book changes every page's edition banner (a released version
    # becomes "unreleased changes since" it), which these tests of what an edit rewrites do not measure.
    unrelease(root)
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    return root


def test_a_no_op_rebuild_writes_nothing(book):
    before = _pages(book)
    result = build(book)
    assert result.returncode == 0, result.stdout[-3000:]
    assert _changed(before, _pages(book)) == set()
    assert _executed(book) == set()


def test_a_prose_edit_rewrites_its_chapter_and_the_pdf_only(book):
    chapter = next(c for c in all_chapters(book) if c.has_code_cells and c.source_checks())
    root_doc = toc_files(book)[0]
    before = _pages(book)
    chapter.path.write_text(chapter.text.rstrip("\n") + f"\n\n{SENTENCE}\n", encoding="utf-8")
    result = build(book)
    assert result.returncode == 0, result.stdout[-3000:]
    page = chapter.path.relative_to(book).with_suffix(".html").as_posix()
    changed = _changed(before, _pages(book))
    assert page in changed and any(name.endswith(".pdf") for name in changed)
    documents = {f"{doc}.html" for doc in toc_files(book)}  # Sphinx's own index and search pages aside
    assert changed & documents == {page, f"{root_doc}.html"}, \
        "the audit table and What changed link to nothing that moved"
    assert _executed(book) == set(), "the code did not change"
    assert SENTENCE in (book / "_build" / "html" / page).read_text(encoding="utf-8")
    assert _pdf_holds(book, SENTENCE)


def test_a_new_chapter_title_rewrites_the_audit_table_that_names_it(book):
    chapter = next(c for c in all_chapters(book) if c.source_checks())
    site = book / "_build" / "html"
    heading = BeautifulSoup((site / chapter.path.relative_to(book).with_suffix(".html")).read_text(encoding="utf-8"),
                            "html.parser").select_one("article h1")
    for link in heading.select("a.headerlink"):
        link.decompose()
    title = heading.get_text().strip()
    assert f"\n# {title}\n" in chapter.text
    audit = next(c for c in all_chapters(book) if "{source-check-table}" in c.text)
    audit_page = site / audit.path.relative_to(book).with_suffix(".html")
    assert f"{title} (retitled)" not in audit_page.read_text(encoding="utf-8")
    chapter.path.write_text(chapter.text.replace(f"\n# {title}\n", f"\n# {title} (retitled)\n", 1), encoding="utf-8")
    result = build(book)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{title} (retitled)" in audit_page.read_text(encoding="utf-8")


def test_a_page_tampered_with_after_a_build_fails_the_next(book):
    page = next((book / "_build" / "html" / "chapters").glob("*.html"))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</article>", '<a href="javascript:alert(1)">x</a></article>', 1), encoding="utf-8")
    result = build(book)
    assert result.returncode != 0
    assert page.name in result.stdout + result.stderr
