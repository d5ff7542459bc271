"""Sphinx hook: a mark beside every citation of a work with a published notice (retraction, expression of
concern, correction), and "not watched" beside every citation of a work the watch could not check.

One rule for every page: it acts on the citation links sphinxcontrib-bibtex resolved (their target is the
entry's id on the references page, reviewkit.sphinx.citations), so citations anywhere in the book, prose and tables,
get the mark without a chapter doing anything. The marks are read from data/notices.csv and
data/watch_coverage.csv by the build, not by a chapter's kernel; when either file changes, every page is
written again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from docutils import nodes

from reviewkit.model import paths, records
from reviewkit.sphinx import citations

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
    known = citations.anchors()
    return {known[key]: key for key in found if key in known}


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
