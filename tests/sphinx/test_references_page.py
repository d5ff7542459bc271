"""The references page, built in a copy of the book with one made-up added source: the review's references carry
the review's own numbers, the book's added sources stand apart with their kind, and the counts are the file's."""

from __future__ import annotations

import bibtexparser
import pytest
from bs4 import BeautifulSoup

from conftest import build, copy_book, partial_build
from reviewkit.sphinx import citations
from reviewkit.model import paths

pytestmark = pytest.mark.build
MADE_UP = """
@misc{doe2027press,
  author = {{Doe Therapeutics}},
  title = {Doe Therapeutics announces a made-up result},
  howpublished = {Press release},
  year = {2027},
  url = {https://example.org/press},
}
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = copy_book(tmp_path_factory.mktemp("references") / "book")
    with (root / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(MADE_UP)
    partial_build(root, [])
    result = build(root)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    html = (root / "_build" / "html" / "chapters" / "references.html").read_text(encoding="utf-8")
    entries = bibtexparser.parse_string((root / "references.bib").read_text(encoding="utf-8")).entries
    return root, BeautifulSoup(html, "html.parser"), entries


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def section(soup, heading: str):
    return next(s for s in soup.find_all("section") if words(s.find(["h2", "h1"])).startswith(heading))


def field(entry, name):
    return str(entry.fields_dict[name].value) if name in entry.fields_dict else ""


def test_the_reviews_references_carry_the_reviews_numbers(page):
    _, soup, entries = page
    by_number = {int(field(e, "reviewref")): e for e in entries if field(e, "reviewref")}
    listed = section(soup, "The review’s references").select("div.citation")
    labels = [words(item.find(class_="label")).strip("[] ") for item in listed]
    assert labels == [str(n) for n in sorted(by_number)], "[1], [2], ... in the review's order"
    for item, number in zip(listed, sorted(by_number)):
        doi = field(by_number[number], "doi")
        assert doi in words(item), f"[{number}] is the review's reference {number}"


def test_the_books_sources_stand_apart_each_with_its_kind(page):
    _, soup, entries = page
    added = [e for e in entries if not field(e, "reviewref") and e.key != "chen2025immune"]
    items = section(soup, "Sources the book adds").select("div.citation")
    assert len(items) == len(added)
    for item in items:
        kind = item.find(class_="label").find_next("strong")
        assert kind is not None and words(kind), words(item)
    press = next(item for item in items if "made-up result" in words(item))
    assert words(press.find(class_="label").find_next("strong")) == "Press release", "a source no data row types takes its BibTeX kind"
    assert [words(item.find(class_="label")).strip("[] ") for item in items] == [
        f"S{n}" for n in range(1, len(items) + 1)], "numbered apart from the review's references"
    review = section(soup, "The review").select("div.citation")
    assert len(review) == 1 and "10.3872/j.issn.1007-385x.2025.09.001" in words(review[0])


def test_the_counts_are_the_files(page):
    _, soup, entries = page
    sentence = words(soup.select_one(".reviewkit-reference-counts"))
    numbered = [e for e in entries if field(e, "reviewref")]
    added = len(entries) - len(numbered) - 1
    with_doi = sum(1 for e in entries if field(e, "doi"))
    assert f"its {len(numbered)} references, numbered [1]–[{len(numbered)}]" in sentence
    assert f"the {added} sources the book adds" in sentence
    assert f"{with_doi} of the {len(entries)} entries carry a DOI" in sentence


def test_every_citation_link_reaches_its_entry(page, monkeypatch):
    root, soup, entries = page
    monkeypatch.setenv("REVIEWKIT_ROOT", str(root))
    paths.root.cache_clear()
    try:
        for entry in entries:
            target = soup.find(id=citations.anchors()[entry.key])
            assert target is not None, f"no anchor for {entry.key}: its citations would get no notice mark"
            if field(entry, "doi"):
                assert field(entry, "doi") in words(target)
    finally:
        paths.root.cache_clear()
