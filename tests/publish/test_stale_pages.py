"""A page of a removed chapter leaves the site at the next build (Sphinx itself leaves it in place)."""

from __future__ import annotations

from reviewkit.sphinx.build_report import SPECIAL_PAGES, stale_pages


def test_only_pages_of_removed_documents_are_stale(tmp_path):
    files = ["chapters/kept.html", "chapters/removed.html", "_sources/chapters/removed.md",
             "_sources/chapters/kept.md", "genindex.html", "search.html", "index.html", "_static/page.html",
             "data/datapackage.json", "pdf/book.pdf"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    stale = stale_pages(tmp_path, {"chapters/kept", "chapters/index"}, SPECIAL_PAGES)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in stale) == [
        "_sources/chapters/removed.md", "chapters/removed.html"]
