"""Abbreviations in the boxes the build writes from data (update records, source checks, the landing list),
spelled out for a reader who has never seen them: the first use on a page is followed by its expansion in
square brackets (the editor's mark inside text quoted from a source), later ones carry it as a tooltip
(``<abbr title>``). Expansions come from data/glossary.csv, the one list of the book's abbreviations.

Prose is left alone: it spells out its own abbreviations, so an abbreviation the page's prose also uses
gets the tooltip only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from docutils import nodes

from . import records, schema

TABLE = "glossary"
# The boxes written from data, by their classes (reviewkit.evidence_updates, reviewkit.source_checks).
BOX_CLASSES = {"reviewkit-update", "reviewkit-since-review", "reviewkit-source-check"}
# Text inside these is a name, a link or code, not running text.
SKIP = (nodes.title, nodes.reference, nodes.literal, nodes.abbreviation, nodes.FixedTextElement, nodes.raw)


@lru_cache(maxsize=4)
def _glossary(_stamp: float) -> tuple[dict[str, str], re.Pattern | None]:
    terms = {row["abbreviation"]: row["expansion"] for _, row in records.rows(TABLE) if row.get("abbreviation")}
    if not terms:
        return terms, None
    # A whole token, not part of a longer name (CAR-T, IL-15, CD19, sBLA), though "gastric/GEJ" and
    # "HLA-mismatched" count; longest first, so T/NK and TCR-T are found whole, before NK and TCR.
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return terms, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w/]|-[A-Z0-9])")


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


def expand(doctree: nodes.document, terms: dict[str, str], pattern: re.Pattern) -> bool:
    """Spell out the abbreviations of the page's data boxes in place; True if the page has such a box."""
    texts = [node for node in doctree.findall(nodes.Text) if not _skipped(node)]
    boxed = [node for node in texts if _in_box(node)]
    if not boxed:
        return False
    prose = " ".join(node.astext() for node in texts if not _in_box(node))
    explained = set(pattern.findall(prose))
    for node in boxed:
        text = node.astext()
        if not pattern.search(text):
            continue
        parts: list[nodes.Node] = []
        position = 0
        for match in pattern.finditer(text):
            term = match.group(0)
            parts.append(nodes.Text(text[position:match.start()]))
            parts.append(nodes.abbreviation(term, term, explanation=terms[term]))
            if term not in explained:
                parts.append(nodes.Text(f" [{terms[term]}]"))
                explained.add(term)
            position = match.end()
        parts.append(nodes.Text(text[position:]))
        node.parent.replace(node, [part for part in parts if not isinstance(part, nodes.Text) or part.astext()])
    return True


def _on_doctree_read(app, doctree: nodes.document) -> None:
    terms, pattern = glossary()
    if pattern is not None and expand(doctree, terms, pattern):
        app.env.note_dependency(str(schema.resource_path(TABLE)))


def setup(app) -> dict:
    app.connect("doctree-read", _on_doctree_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
