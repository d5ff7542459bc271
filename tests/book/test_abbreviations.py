"""Abbreviations in the data boxes are spelled out from the glossary, without changing the boxes' quoted text."""

from __future__ import annotations

from docutils import frontend, nodes, utils
from docutils.parsers.rst import Parser

from reviewkit.sphinx.evidence import abbreviations

TERMS = {"DCR": "disease control rate", "IRC": "independent review committee", "PFS": "progression-free survival",
         "T/NK": "T cells and natural killer cells", "NK": "natural killer (cell)", "IL": "interleukin",
         "NOC/c": "Notice of Compliance with Conditions"}


def _pattern():
    return abbreviations.pattern_for(TERMS)


def _document(prose: str, *boxes: str) -> nodes.document:
    settings = frontend.get_default_settings(Parser)
    document = utils.new_document("test", settings)
    document += nodes.paragraph(text=prose)
    for text in boxes:
        box = nodes.admonition(classes=["reviewkit-update"])
        box += nodes.title(text="Since the review · IRC in a title is not spelled out")
        box += nodes.paragraph(text=text)
        document += box
    return document


def _notes(document) -> list[str]:
    return [note.astext() for note in document.findall(nodes.paragraph)
            if "reviewkit-abbreviations" in note["classes"]]


def test_first_use_on_a_page_is_spelled_out_and_the_quote_is_unchanged():
    quote = "IRC median PFS 3.25 vs 1.77 months; DCR 63% vs 25%; NOC/c granted"
    document = _document("Median PFS is the trial's primary endpoint.", quote, "DCR again; IRC again")
    assert abbreviations.expand(document, TERMS, _pattern())
    first, second = list(document.findall(nodes.admonition))
    assert first[1].astext() == quote  # the quoted text reads exactly as before
    assert _notes(document) == ["Abbreviations: IRC, independent review committee; DCR, disease control rate; "
                                "NOC/c, Notice of Compliance with Conditions."]  # PFS: the prose uses it
    assert second[1].astext() == "DCR again; IRC again"  # spelled out once a page: no second note


def test_only_whole_abbreviations_are_found():
    document = _document("Nothing here.", "IL-15 armed T/NK cells and CAR-NK cells; sIRC, DCRs")
    abbreviations.expand(document, TERMS, _pattern())
    assert _notes(document) == ["Abbreviations: T/NK, T cells and natural killer cells."]


def test_a_page_without_data_boxes_is_left_alone():
    document = _document("IRC and DCR in prose.")
    before = document.pformat()
    assert not abbreviations.expand(document, TERMS, _pattern())
    assert document.pformat() == before


def test_a_table_is_not_prose_that_spells_out_its_abbreviations():
    from reviewkit.sphinx import data_table

    document = _document("Nothing here.", "DCR 63% vs 25%")
    table = data_table.build(["Outcome"], [["DCR"]])
    document.insert(0, data_table.figure(table, "IRC-assessed outcomes", nodes.paragraph(text="Data: x.csv")))
    abbreviations.expand(document, TERMS, _pattern())
    assert _notes(document) == ["Abbreviations: DCR, disease control rate."]
