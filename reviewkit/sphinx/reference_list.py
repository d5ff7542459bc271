"""The references page: the review, its references numbered as the review numbers them, and the sources the book
adds, each with its kind. Built from sphinxcontrib-bibtex's own ``{bibliography}`` directives (a ``:filter:`` on
the ``reviewref`` field, the review's number of an entry: the one place that numbering lives) with pybtex styles
registered here, and ``{reference-counts}``, the page's opening sentence, counted from references.bib.

- ``review_numbers`` (formatting style): labels each entry with its ``reviewref`` and sorts by it, so the page's
  [10] is the review's reference 10.
- ``added_sources`` (formatting style): starts each entry with its kind, as the evidence that cites it records it
  (a ``source_kind`` column of any table, e.g. data/updates.csv), else as its BibTeX type says.
"""

from __future__ import annotations

from collections import defaultdict

import pybtex.plugin
from docutils import nodes
from pybtex.richtext import Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from sphinx.util.docutils import SphinxDirective

from reviewkit.model import bibliography, paths, records, schema
from reviewkit.model.bibliography import REVIEW_NUMBER, review_doi, review_number
from reviewkit.model.provenance import SOURCE_KINDS
from reviewkit.i18n.generated import _

KIND_COLUMN = "source_kind"
ENTRY_TYPE_KINDS = {"article": "Journal article", "book": "Book", "inproceedings": "Conference paper"}


def _kind_tables() -> list[str]:
    return [resource["name"] for resource in schema.resources()
            if {f["name"] for f in resource["schema"]["fields"]} >= {"reference", KIND_COLUMN}]


def kind_inputs() -> list[str]:
    """The data files the kinds are read from (the references page depends on them)."""
    return [str(schema.resource_path(name)) for name in _kind_tables()]


def kinds() -> dict[str, list[str]]:
    """Reference key -> the kinds of source the data records for it, in the words readers see."""
    found: dict[str, list[str]] = defaultdict(list)
    for name in _kind_tables():
        for _, row in records.rows(name):
            if row.get("reference") and row.get(KIND_COLUMN):
                label = SOURCE_KINDS.get(row[KIND_COLUMN], row[KIND_COLUMN].capitalize())
                if label not in found[row["reference"]]:
                    found[row["reference"]].append(label)
    return found


def kind_of(key: str, entry_type: str, fields) -> str:
    recorded = kinds().get(key)
    if recorded:
        return "; ".join(recorded)
    howpublished = bibliography.plain(fields.get("howpublished", ""))
    return ENTRY_TYPE_KINDS.get(entry_type.lower()) or howpublished or entry_type.capitalize()


class ReviewNumberLabels(BaseLabelStyle):
    """[n] for the review's reference n; the review itself (no number) is [Review]."""

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            number = review_number(entry.fields)
            yield "Review" if number is None else str(number)


class ReviewNumberSorting(BaseSortingStyle):
    def sorting_key(self, entry):
        return review_number(entry.fields) or 0


class ReviewNumbers(PlainStyle):
    """The review's references: numbered and ordered as the review numbers them."""

    default_label_style = "review_number"
    default_sorting_style = "review_number"


class AddedSources(PlainStyle):
    """The book's added sources: each starts with its kind."""

    def format_entry(self, label, entry, bib_data=None):
        formatted = super().format_entry(label, entry, bib_data)
        kind = kind_of(entry.key, entry.type, entry.fields)
        return FormattedEntry(formatted.key, Text(Tag("strong", kind), ". ", formatted.text), formatted.label)


def counts(path=None) -> dict[str, int]:
    """What the page's opening sentence says, counted from references.bib."""
    entries = bibliography.parse(path).entries

    def field(entry, name: str) -> str:
        return str(getattr(entry.fields_dict.get(name), "value", "")).strip()

    numbered = [int(field(e, REVIEW_NUMBER)) for e in entries if field(e, REVIEW_NUMBER).isdigit()]
    review = [e for e in entries if field(e, "doi").lower() == review_doi()]
    return {"entries": len(entries), "review": len(numbered), "highest": max(numbered, default=0),
            "added": len(entries) - len(numbered) - len(review),
            "with_doi": sum(1 for e in entries if field(e, "doi"))}


class ReferenceCounts(SphinxDirective):
    """``{reference-counts}``: the references page's opening sentence, with its counts computed."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(paths.bibliography_path()))
        for path in kind_inputs():
            self.env.note_dependency(path)
        found = counts()
        without = found["entries"] - found["with_doi"]
        text = (_("This page lists the review itself; its {review} references, numbered [1]–[{highest}] as the review "
                  "numbers them, so that a number in the review's text leads to its paper here; and the {added} "
                  "sources the book adds (evidence after or outside the review, and corrections to it), each with its "
                  "kind.") + " " + (
            _("{with_doi} of the {entries} entries carry a DOI; the other {without} (press releases, news reports, "
              "notices and other web pages) carry their web address.") if without else
            _("{with_doi} of the {entries} entries carry a DOI."))).format(without=without, **found)
        return [nodes.paragraph(text=text, classes=["reviewkit-reference-counts"])]


def setup(app) -> dict:
    pybtex.plugin.register_plugin("pybtex.style.labels", "review_number", ReviewNumberLabels, force=True)
    pybtex.plugin.register_plugin("pybtex.style.sorting", "review_number", ReviewNumberSorting, force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", "review_numbers", ReviewNumbers, force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", "added_sources", AddedSources, force=True)
    app.add_directive("reference-counts", ReferenceCounts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
