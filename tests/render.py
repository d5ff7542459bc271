"""Render MyST the way the book's pages render a kernel's table: a small Sphinx project (no notebook, no book
build) with myst-parser, sphinxcontrib-bibtex on the book's references.bib, the references page and the Data page,
and the toolkit's table directive. Returns the page's HTML and the build's warnings."""

from __future__ import annotations

import io
from pathlib import Path

from bs4 import BeautifulSoup
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils

from reviewkit.model import paths

CONF = """
extensions = ["myst_parser", "sphinxcontrib.bibtex", "reviewkit.sphinx.citations", "reviewkit.sphinx.reference_list",
              "reviewkit.sphinx.directives", "reviewkit.sphinx.data_table", "reviewkit.sphinx.citation_style"]
bibtex_bibfiles = [{bib!r}]
bibtex_reference_style = "author_year_letters"
bibtex_default_style = "plain"
myst_enable_extensions = ["colon_fence"]
html_theme = "basic"
"""


def render(markup: str, tmp_path: Path, *, language: str | None = None) -> tuple[BeautifulSoup, str]:
    """``markup`` as the body of chapters/page.md, built to HTML beside the book's references and Data pages."""
    source = tmp_path / "src"
    (source / "chapters").mkdir(parents=True)
    (source / "conf.py").write_text(CONF.format(bib=str(paths.bibliography_path())), encoding="utf-8")
    (source / "index.md").write_text("# Test\n\n```{toctree}\nchapters/page\nchapters/data\nchapters/references\n```\n",
                                     encoding="utf-8")
    (source / "chapters" / "page.md").write_text("# Page\n\n" + markup, encoding="utf-8")
    (source / "chapters" / "data.md").write_text("# Data\n\n```{data-dictionary}\n```\n", encoding="utf-8")
    references = (paths.root() / "chapters" / "references.md").read_text(encoding="utf-8")
    (source / "chapters" / "references.md").write_text(references, encoding="utf-8")
    warnings = io.StringIO()
    overrides = {"language": language} if language else {}
    # As sphinx-build does: what the build registers with docutils (nodes, directives, roles) is undone after it,
    # so a second render in the same process starts clean instead of warning that each is registered already.
    with patch_docutils(source), docutils_namespace():
        app = Sphinx(str(source), str(source), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                     confoverrides=overrides, status=None, warning=warnings, freshenv=True)
        app.build()
    page = tmp_path / "html" / "chapters" / "page.html"
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"), warnings.getvalue()
