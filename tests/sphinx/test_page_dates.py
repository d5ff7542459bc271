"""Each page's "Last updated" date, on commits of known dates in a copy of the book: the newest commit of the
chapter or of a data file it declares, as a UTC day, in the footer and in the page's JSON-LD; a chapter not
committed yet builds without a date of its own."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from conftest import build, copy_book, partial_build, write_chapter
from helpers import git, set_cell

pytestmark = pytest.mark.build

READER = """
```{code-cell} ipython3
:tags: [remove-cell]
from reviewkit.book import data
terms = data.load("glossary")
```

# Dated reader

A chapter that reads the glossary.
"""


def commit(root, message: str, date: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", message, "--date", date)


def shown(root, name: str) -> tuple[str | None, str | None]:
    """(the footer's date, the JSON-LD dateModified) of a built chapter."""
    soup = BeautifulSoup((root / "_build" / "html" / "chapters" / f"{name}.html").read_text(encoding="utf-8"),
                         "html.parser")
    footer = soup.select_one("p.last-updated")
    article = next(item for script in soup.find_all("script", type="application/ld+json")
                   if (item := json.loads(script.string))["@type"] == "ScholarlyArticle")
    date = " ".join(footer.get_text().split()).removeprefix("Last updated on ").rstrip(".") if footer else None
    return date, article.get("dateModified")


def test_a_page_is_dated_by_the_newest_commit_of_its_chapter_or_its_data(tmp_path):
    root = copy_book(tmp_path / "book")
    reader = write_chapter(root, "dated-reader", ["data/glossary.csv"], READER)
    prose = write_chapter(root, "dated-prose", [], "# Dated prose\n\nA chapter that reads no data.\n")
    untracked = "chapters/dated-untracked"
    partial_build(root, [reader, prose, untracked])
    commit(root, "Two chapters", "2030-01-01T12:00:00+00:00")
    glossary = root / "data" / "glossary.csv"
    first = glossary.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    set_cell(glossary, first, "expansion", "an edited expansion")
    commit(root, "A corrected glossary cell", "2031-02-03T23:30:00-05:00")  # 2031-02-04 in UTC
    (root / f"{untracked}.md").write_text("# Dated untracked\n\nA chapter nobody has committed yet.\n",
                                          encoding="utf-8")

    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert shown(root, "dated-reader") == ("2031-02-04", "2031-02-04"), "the newer commit of the data it reads"
    assert shown(root, "dated-prose") == ("2030-01-01", "2030-01-01"), "its own commit: it reads no data"
    date, modified = shown(root, "dated-untracked")
    assert date is None and modified != "2030-01-01", "no commit of its own, no data: no date from git"
