"""The ids of the references page's entries (reviewkit/sphinx/citations.py): the template sphinxcontrib-bibtex
is given, and the id the toolkit expects for each entry (notice marks find citations by it)."""

from __future__ import annotations

from types import SimpleNamespace

from reviewkit.model import bibliography
from reviewkit.sphinx import citations

ENTRY = """@article{{{key},
  author = {{{author}}},
  title = {{A title}},
  journal = {{J}},
  year = {{2020}},
  doi = {{{doi}}},{extra}
}}
"""


def bib(*entries: dict) -> str:
    return "\n".join(ENTRY.format(**{"author": "Nieto, Y", "doi": f"10.1000/{entry['key']}", "extra": "",
                                     **entry}) for entry in entries)


def test_each_entry_is_found_under_the_id_of_the_bibliography_that_lists_it():
    found = citations.from_text(bib({"key": "added2020"}, {"key": "numbered2020", "extra": "\n  reviewref = {7},"}))
    assert found["added2020"] == "cite-3-added2020" == citations.CITE_ID.format(bibliography_count=3, key="added2020")
    assert found["numbered2020"] == f"cite-{bibliography.REVIEW_REFERENCES}-numbered2020"


def test_an_id_is_a_safe_html_id_whatever_the_key():
    found = citations.from_text(bib({"key": "Odd_Key:2020"}))
    assert found["Odd_Key:2020"] == "cite-3-odd-key-2020"


def test_every_entry_of_the_book_has_an_id():
    assert set(citations.anchors()) == set(bibliography.keys())


def test_setup_hands_the_anchor_template_to_sphinxcontrib_bibtex():
    handlers = {}
    app = SimpleNamespace(connect=lambda event, handler: handlers.setdefault(event, handler))
    citations.setup(app)
    config = SimpleNamespace(bibtex_cite_id="")
    handlers["config-inited"](app, config)
    assert config.bibtex_cite_id == citations.CITE_ID
