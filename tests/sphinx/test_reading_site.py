"""The built site as a reader meets it: marks on changed statements, abbreviations spelled out, no title
printed twice."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from reviewkit.sphinx.evidence.abbreviations import glossary

pytestmark = pytest.mark.site

ROLE = re.compile(r"\{since-changed\}`([^`]+)`")


def _pages(site):
    return {path: BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            for path in sorted((site / "chapters").glob("*.html"))}


def test_every_since_changed_mark_is_shown_and_links_to_its_update_box(site):
    for chapter in sorted((ROOT / "chapters").glob("*.md")):
        written = ROLE.findall(chapter.read_text(encoding="utf-8"))
        soup = BeautifulSoup((site / "chapters" / f"{chapter.stem}.html").read_text(encoding="utf-8"), "html.parser")
        marks = soup.select("span.reviewkit-since-changed")
        assert len(marks) == len(written), chapter.name
        for mark, text in zip(marks, written):
            link = mark.find("a", href=True)
            assert link is not None and link.get_text(strip=True).startswith(("Since changed", "Correction"))
            target = urlsplit(link["href"])
            page = site / "chapters" / target.path if target.path else site / "chapters" / f"{chapter.stem}.html"
            box = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(id=target.fragment)
            assert box is not None and "reviewkit-update" in box.get("class", []), (chapter.name, text)
            update_id = text.split("<")[-1].rstrip(">").strip()
            assert target.fragment == f"update-{update_id.lower()}"


def test_abbreviation_notes_spell_out_from_the_glossary(site):
    terms, _ = glossary()
    for path, soup in _pages(site).items():
        for note in soup.select("p.reviewkit-abbreviations"):
            for item in note.get_text(" ", strip=True).removeprefix("Abbreviations:").rstrip(".").split(";"):
                term, expansion = (part.strip() for part in item.split(",", 1))
                assert terms[term] == expansion, (path.name, term)


def _spaced(element) -> str:
    text = " ".join(element.get_text(" ").split())
    return text.replace("( ", "(").replace(" )", ")")


def test_no_link_repeats_the_words_before_it(site):
    # "Tumour-infiltrating lymphocytes (Tumour-infiltrating lymphocytes)": a {ref} printing a chapter's title
    # right after the same words.
    for path, soup in _pages(site).items():
        for link in soup.select("article a.reference.internal"):
            words = " ".join(link.get_text(" ").split())
            if len(words) > 3:
                assert f"{words} ({words})" not in _spaced(link.parent.parent), (path.name, words)
