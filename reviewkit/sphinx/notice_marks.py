"""Sphinx hook: a mark beside every citation of a work with a published notice (retraction, expression of
concern, correction), and "not watched" beside every citation of a work the watch could not check.

One rule for every page: it acts on the citation links sphinxcontrib-bibtex resolved (their target is the
entry's id on the references page, reviewkit.book.citations.Citation.anchor), so prose citations anywhere in the book get
the mark without a chapter doing anything. The marks are read from data/notices.csv and
data/watch_coverage.csv by the build, not by a chapter's kernel; when either file changes, every page is
written again.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

from docutils import nodes

from reviewkit.model import paths, records
from reviewkit.book import citations

NOTICES, COVERAGE = "data/notices.csv", "data/watch_coverage.csv"
WORDS = {"retraction": "Retracted", "expression_of_concern": "Expression of concern", "correction": "Corrected",
         "other": "Notice published"}
ORDER = ("retraction", "expression_of_concern", "correction", "other")  # the gravest first


@dataclass(frozen=True)
class Mark:
    text: str
    url: str | None
    grave: bool


def _rows(name: str) -> list[dict]:
    path = paths.root() / name
    if not path.is_file():
        return []
    return [row for _, row in records.read(path)]


def marks() -> dict[str, Mark]:
    """BibTeX key -> the mark its citations carry."""
    found: dict[str, Mark] = {}
    for row in _rows(COVERAGE):
        if row.get("reference") and row.get("outcome") in ("not_found", "not_watched"):
            found[row["reference"]] = Mark(f"not watched: {row.get('note') or 'could not be checked'}", None, False)
    by_key: dict[str, list[dict]] = {}
    for row in _rows(NOTICES):
        by_key.setdefault(row.get("reference", ""), []).append(row)
    for key, rows in by_key.items():
        rows.sort(key=lambda r: (ORDER.index(r.get("kind")) if r.get("kind") in ORDER else len(ORDER),
                                 r.get("published", "")))
        first = rows[0]
        text = f"{WORDS.get(first.get('kind'), 'Notice published')} {first.get('published', '')}".strip()
        if len(rows) > 1:
            text += f", and {len(rows) - 1} more notice{'s' if len(rows) > 2 else ''}"
        doi = first.get("notice_doi")
        found[key] = Mark(text, f"https://doi.org/{doi}" if doi else None,
                          first.get("kind") in ("retraction", "expression_of_concern"))
    return found


def _anchors(found: dict[str, Mark]) -> dict[str, str]:
    """The id of each marked work's entry on the references page (which has several bibliographies) -> its key."""
    known = citations.citations()
    return {known[key].anchor: key for key in found if key in known}


def _target(reference: nodes.reference) -> str:
    return reference.get("refid") or reference.get("refuri", "").rpartition("#")[2]


def add_marks(doctree: nodes.Node, found: dict[str, Mark]) -> int:
    """Insert a mark after each citation of a marked work; returns how many were inserted. A citation that
    sphinxcontrib-bibtex splits into two links ("Nieto et al. (2025)") gets one mark, after the last."""
    anchors = _anchors(found)
    citing = [(ref, anchors[_target(ref)]) for ref in doctree.findall(nodes.reference) if _target(ref) in anchors]
    added = 0
    for number, (reference, key) in enumerate(citing):
        following = citing[number + 1] if number + 1 < len(citing) else None
        if following and following[1] == key and _same_citation(reference, following[0]):
            continue
        mark = found[key]
        classes = ["reviewkit-notice-mark"] + (["reviewkit-notice-grave"] if mark.grave else [])
        label = nodes.inline(classes=classes)
        if mark.url:
            label += nodes.reference("", mark.text, refuri=mark.url, internal=False)
        else:
            label += nodes.Text(mark.text)
        node = nodes.inline()
        node += [nodes.Text(" ("), label, nodes.Text(")")]  # in a bracketed citation too: "[Lum et al., 2015 (...)]"
        parent = reference.parent
        parent.insert(parent.index(reference) + 1, node)
        added += 1
    return added


def mark_html(mark: Mark) -> str:
    classes = "reviewkit-notice-mark" + (" reviewkit-notice-grave" if mark.grave else "")
    text = html.escape(mark.text)
    inner = f'<a class="reference external" href="{html.escape(mark.url, quote=True)}">{text}</a>' if mark.url else text
    return f' (<span class="{classes}">{inner}</span>)'


# A citation as reviewkit.book.citations.Citation.html() writes it into a table cell.
CELL_CITATION = re.compile(r'(<a class="reviewkit-cite reference internal" href="[^"#]*#(?P<anchor>[^"]+)"[^>]*>.*?</a>)')


def add_marks_to_html(text: str, found: dict[str, Mark]) -> str:
    """The same marks after each citation in HTML a chapter's table printed."""
    anchors = {anchor: found[key] for anchor, key in _anchors(found).items()}
    return CELL_CITATION.sub(lambda m: m.group(1) + mark_html(anchors[m.group("anchor")])
                             if m.group("anchor") in anchors else m.group(1), text)


def _same_citation(first: nodes.Node, second: nodes.Node) -> bool:
    """True when only a few characters of punctuation lie between the two links in one parent."""
    if first.parent is not second.parent:
        return False
    parent = first.parent
    between = parent.children[parent.index(first) + 1:parent.index(second)]
    return all(isinstance(n, nodes.Text) for n in between) and len("".join(map(str, between)).strip()) <= 3


def _doctree_resolved(app, doctree, docname) -> None:
    found = marks()
    if found:
        add_marks(doctree, found)
        for raw in doctree.findall(nodes.raw):  # tables and boxes printed by chapters' code cells
            if "html" in raw.get("format", "").split() and "reviewkit-cite" in raw.astext():
                raw.replace_self(nodes.raw("", add_marks_to_html(raw.astext(), found), format=raw["format"]))


def _env_updated(app, env) -> list[str]:
    digest = hashlib.sha256(b"".join((paths.root() / n).read_bytes() for n in (NOTICES, COVERAGE)
                                     if (paths.root() / n).is_file())).hexdigest()
    if getattr(env, "reviewkit_notice_marks", None) == digest:
        return []
    env.reviewkit_notice_marks = digest
    return sorted(env.found_docs)


def setup(app) -> dict:
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("env-get-updated", _env_updated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
