"""Formatted, linked citations for tables (reviewkit/book/citations.py)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from reviewkit.model import bibliography
from reviewkit.book import citations, runtime

ENTRY = """@article{{{key},
  author = {{{author}}},
  title = {{{title}}},
  journal = {{J}},
  year = {{{year}}},
  doi = {{10.1000/{key}}},
}}
"""


def bib(*entries: dict) -> str:
    defaults = {"title": "A title", "year": "2020"}
    return "\n".join(ENTRY.format(**{**defaults, **entry}) for entry in entries)


@pytest.mark.parametrize("author, label", [
    ("Nieto, Y", "Nieto, 2020"),
    ("Dagher, O K and Posey, A D", "Dagher and Posey, 2020"),
    ("Brudno, J N and Maus, M V and Hinrichs, C S", "Brudno et al., 2020"),
    ("Lum, L G and others", "Lum et al., 2020"),
    ("Ayala Ceja, M and Khericha, M and others", "Ayala Ceja et al., 2020"),
    ("{World Health Organization}", "World Health Organization, 2020"),
    ("Coënon, L", "Coënon, 2020"),
])
def test_labels_follow_the_author_year_style_of_the_prose(author, label):
    assert citations.from_text(bib({"key": "x2020a", "author": author}))["x2020a"].label == label


def test_entries_without_author_or_year_still_get_a_readable_label():
    text = """@online{affimed2025insolvency,
  organization = {Affimed N.V.},
  title = {Affimed Announces Filing for the Opening of Insolvency Proceedings},
  date = {2025-05-13},
  url = {https://example.org/a},
}
@misc{notice2026,
  title = {A regulator's {notice}},
}
"""
    found = citations.from_text(text)
    assert found["affimed2025insolvency"].label == "Affimed N.V., 2025"
    assert found["notice2026"].label == "A regulator's notice, n.d."


def test_entries_that_would_share_a_label_are_told_apart_in_file_order():
    found = citations.from_text(bib({"key": "lum2015a", "author": "Lum, L G and others"},
                                    {"key": "lum2015b", "author": "Lum, L G and Thakur, A and others"},
                                    {"key": "lum2016", "author": "Lum, L G and others", "year": "2016"}))
    assert [found[k].label for k in ("lum2015a", "lum2015b", "lum2016")] == [
        "Lum et al., 2020a", "Lum et al., 2020b", "Lum et al., 2016"]


def test_link_points_to_the_bibliography_anchor_and_escapes_everything():
    found = citations.from_text(bib({"key": "evil2020", "author": "<script>alert(1)</script>",
                                     "title": 'Quotes " and <b>tags</b>'}))
    cite = found["evil2020"]
    assert cite.anchor == "cite-3-evil2020" == citations.CITE_ID.format(bibliography_count=3, key="evil2020")
    assert cite.href == f"{citations.REFERENCES_PAGE}#cite-3-evil2020"
    markup = cite.html()
    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup and "&quot;" in markup


def test_every_entry_of_the_book_gets_a_label_that_is_not_its_key():
    found = citations.citations()
    assert set(found) == set(bibliography.keys())
    for key, cite in found.items():
        assert cite.label != key
        assert re.search(r", (\d{4}|n\.d\.)[a-z]?$", cite.label), cite.label


def test_reading_citations_is_recorded_as_a_chapter_input():
    citations.citations()
    assert "references.bib" in runtime.files_read()


def test_an_unknown_key_says_how_to_fix_it():
    with pytest.raises(KeyError, match="not a key of references.bib"):
        citations.citation("nobody1999nothing")


def test_setup_hands_the_anchor_template_to_sphinxcontrib_bibtex():
    handlers = {}
    app = SimpleNamespace(connect=lambda event, handler: handlers.setdefault(event, handler))
    citations.setup(app)
    config = SimpleNamespace(bibtex_cite_id="")
    handlers["config-inited"](app, config)
    assert config.bibtex_cite_id == citations.CITE_ID
