"""Author-year citations with a letter where two works would read alike (reviewkit/sphinx/citation_style.py): which
entries get a letter and which, how each citation role shows it, and a page rendered as the book renders one."""

from __future__ import annotations

import pytest
from pybtex.database.input.bibtex import Parser
from sphinxcontrib.bibtex.domain import SphinxReferenceInfo
from sphinxcontrib.bibtex.plugin import find_plugin
from sphinxcontrib.bibtex.style.referencing import format_references

from reviewkit.model import bibliography, paths
from reviewkit.sphinx import citation_style, citations
from render import render

ENTRY = "@article{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n  journal = {{J}},\n  year = {{{year}}},\n}}\n"


def bib(*entries: tuple[str, str, str]) -> str:
    return "\n".join(ENTRY.format(key=key, author=author, year=year, title=f"Title of {key}")
                     for key, author, year in entries)


BIB = bib(("first2025", "{Authors not read}", "2025"), ("lone2024", "Doe, Jane", "2024"),
          ("second2025", "{Authors not read}", "2025"), ("other2025", "Roe, Richard", "2025"),
          ("third2025", "{Authors not read}", "2025"), ("doe2025", "Doe, Jane", "2025"))


def test_works_that_read_alike_get_letters_in_the_order_of_the_bibliography():
    assert citation_style.letters_of(BIB) == {"first2025": "a", "second2025": "b", "third2025": "c"}


def test_the_label_compared_is_the_one_shown_not_the_raw_field():
    # Two spellings of one author that the style shows alike ("Doe", 2025) share a label; so do three or more
    # authors, which read "X et al.".
    text = bib(("a2025", "Doe, Jane", "2025"), ("b2025", "Doe, J.", "2025"),
               ("c2025", "Lee, A and Kim, B and Park, C", "2025"), ("d2025", "Lee, A and Cho, D and Han, E", "2025"))
    assert citation_style.letters_of(text) == {"a2025": "a", "b2025": "b", "c2025": "a", "d2025": "b"}


def test_letters_never_repeat_past_z():
    assert [citation_style.letter(index) for index in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"]
    many = bib(*((f"work{n}", "{Authors not read}", "2025") for n in range(30)))
    assert len(set(citation_style.letters_of(many).values())) == 30


def test_no_letter_where_no_two_read_alike():
    assert citation_style.letters_of(bib(("a2025", "Doe, Jane", "2025"), ("b2024", "Doe, Jane", "2024"))) == {}


ENTRIES = Parser().parse_string(BIB).entries
INFO = SphinxReferenceInfo(builder=None, fromdocname="page", todocname="references", citation_id="x", title="",
                           pre_text="", post_text="")


def formatted(style_name: str, role: str, *keys: str) -> str:
    """Citations of BIB's entries in the registered style ``style_name``, as sphinxcontrib-bibtex formats them."""
    style = find_plugin("sphinxcontrib.bibtex.style.referencing", style_name)()
    return str(format_references(style, role, [(ENTRIES[key], None, INFO) for key in keys]))


@pytest.fixture
def cited(tmp_path, monkeypatch):
    """Format citations of BIB's entries with the book's style, its letters read from BIB as references.bib."""
    (tmp_path / "references.bib").write_text(BIB, encoding="utf-8")
    monkeypatch.setenv("REVIEWKIT_ROOT", str(tmp_path))
    paths.root.cache_clear()
    citation_style.setup(None)
    yield lambda role, *keys: formatted(citation_style.NAME, role, *keys)
    paths.root.cache_clear()


@pytest.mark.parametrize("role, shown", [
    ("p", "[Authors not read, 2025a, Authors not read, 2025b]"),
    ("alp", "Authors not read, 2025a, Authors not read, 2025b"),
    ("t", "Authors not read [2025a], Authors not read [2025b]"),
    ("year", "2025a, 2025b"),
])
def test_every_role_that_shows_the_year_shows_its_letter(cited, role, shown):
    assert cited(role, "first2025", "second2025") == shown


def test_a_work_without_a_namesake_reads_as_upstreams_author_year(cited):
    for role in ("p", "t", "alp", "ps", "ct", "year", "author"):
        assert cited(role, "lone2024", "other2025") == formatted("author_year", role, "lone2024", "other2025")


def test_no_two_of_the_books_works_read_alike_on_a_page(tmp_path):
    """Every entry of references.bib cited on one page rendered as the book renders it: each link reads as its own
    author, year and letter (if it has one), and no two links to different entries read alike."""
    keys = sorted(bibliography.keys())
    letters = citation_style.letters()
    soup, warnings = render(" ".join(f"{{cite:p}}`{key}`" for key in keys) + "\n", tmp_path)
    assert "WARNING" not in warnings, warnings
    shown = {a["href"].rsplit("#", 1)[1]: a.get_text() for a in soup.select("a[href*='#cite-']")}
    by_key = {key: text for anchor, text in shown.items() for key in keys if anchor == citations.anchors()[key]}
    assert set(by_key) == set(keys)
    assert all(by_key[key].endswith(letters.get(key, "")) for key in keys)
    assert len(set(by_key.values())) == len(keys), sorted(by_key.values())
