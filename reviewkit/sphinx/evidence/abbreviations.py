"""Abbreviations in the boxes the build writes from data (update records, source checks, the landing list),
spelled out for a reader who has never seen them, as a journal spells out a table's: each box ends with
"Abbreviations: DCR, disease control rate; ..." for those it is the first on its page to use. The box's own
text, which quotes its source, is not changed. Expansions come from data/glossary.csv, the one list of the book's
abbreviations.

Prose is left alone: it spells out its own abbreviations, so one the page's prose also uses is not listed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from docutils import nodes

from reviewkit.model import records, schema
from reviewkit.i18n.generated import _
from reviewkit.sphinx.data_table import table_figure

TABLE = "glossary"
# The boxes written from data, by their classes (reviewkit.sphinx.evidence.updates, reviewkit.sphinx.evidence.source_checks).
BOX_CLASSES = {"reviewkit-update", "reviewkit-since-review", "reviewkit-source-check"}
# Text inside these is a name, a link, code or a table's data, not running text that spells out its abbreviations.
SKIP = (nodes.title, nodes.reference, nodes.literal, nodes.FixedTextElement, nodes.raw, table_figure)


def pattern_for(terms) -> re.Pattern:
    """The pattern that finds any of ``terms`` as a whole token: not part of a longer name (CAR-T, IL-15,
    CD19, sBLA), though "gastric/GEJ" and "HLA-mismatched" count; longest first, so T/NK and TCR-T are found
    whole, before NK and TCR."""
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w/]|-[A-Z0-9])")


@lru_cache(maxsize=4)
def _glossary(_stamp: int) -> tuple[dict[str, str], re.Pattern | None]:
    terms = {row["abbreviation"]: row["expansion"] for _, row in records.rows(TABLE) if row.get("abbreviation")}
    return terms, (pattern_for(terms) if terms else None)


def glossary() -> tuple[dict[str, str], re.Pattern | None]:
    """abbreviation -> expansion, and the pattern that finds any of them in text."""
    if TABLE not in {resource["name"] for resource in schema.resources()}:
        return {}, None
    path = schema.resource_path(TABLE)
    return _glossary(path.stat().st_mtime_ns if path.exists() else 0)


def _in_box(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and BOX_CLASSES & set(parent.get("classes", [])):
            return True
        parent = parent.parent
    return False


def _skipped(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, SKIP):
            return True
        parent = parent.parent
    return False


def _outermost_boxes(doctree: nodes.document) -> list[nodes.Element]:
    return [node for node in doctree.findall(nodes.Element)
            if BOX_CLASSES & set(node.get("classes", [])) and not _in_box(node)]


def _note(terms: dict[str, str], used: list[str]) -> nodes.paragraph:
    note = nodes.paragraph(classes=["reviewkit-abbreviations"])
    note += nodes.emphasis(text=_("Abbreviations: "))
    note += nodes.Text("; ".join(f"{term}, {terms[term]}" for term in used) + ".")
    return note


def expand(doctree: nodes.document, terms: dict[str, str], pattern: re.Pattern) -> bool:
    """Spell out the abbreviations of the page's data boxes; True if the page has such a box."""
    boxes = _outermost_boxes(doctree)
    if not boxes:
        return False
    prose = " ".join(node.astext() for node in doctree.findall(nodes.Text) if not _in_box(node) and not _skipped(node))
    explained = set(pattern.findall(prose))
    for box in boxes:
        used: list[str] = []
        for node in box.findall(nodes.Text):
            if _skipped(node):
                continue
            for term in pattern.findall(node.astext()):
                if term not in explained:
                    used.append(term)
                    explained.add(term)
        if not used:
            continue
        body = next((child for child in box.findall(nodes.container)
                     if "reviewkit-source-check-body" in child.get("classes", [])), None)
        if isinstance(box, nodes.bullet_list):  # the landing list: the note follows it
            box.parent.insert(box.parent.index(box) + 1, _note(terms, used))
        else:
            (body if body is not None else box).append(_note(terms, used))
    return True


def _on_doctree_read(app, doctree: nodes.document) -> None:
    terms, pattern = glossary()
    if pattern is not None and expand(doctree, terms, pattern):
        app.env.note_dependency(str(schema.resource_path(TABLE)))


def setup(app) -> dict:
    app.connect("doctree-read", _on_doctree_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
