"""``{change-log}``: the "What changed" page, generated from the evidence at each version (reviewkit.history.timeline).

The history is read once per build, before any page (builder-inited): when it cannot be read the build
stops with the commit and file named. The page is re-read when that history changed. Its links are resolved once
every page has been read, to the place the book shows each row: the table row or source-check box that
carries the row's anchor, else the page of a row it refers to, else a chapter that declares its CSV
(narrowed by the row's own section or chapter column), else its table on the data page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from reviewkit.model import chapters
from reviewkit.history import git as history, rowlabels, timeline
from reviewkit.history.changes import CATEGORIES, RefLink, RowLink, TableLink
from reviewkit.history.git import Snapshot
from reviewkit.model.anchors import row_anchor
from reviewkit.sphinx.data_table import dictionary_id
from reviewkit.i18n.generated import _, translated

ROW_ID = re.compile(r'\bid="(row-[^"]+)"')
SECTION_COLUMNS = ("chapter", "review_section", "section")


class change_link(nodes.Inline, nodes.TextElement):
    """A link to where the book shows a row, table or reference; resolved after every page is read."""


class changes_by_chapter(nodes.General, nodes.Element):
    """Changes since the review, listed under the chapter that shows each (``group`` of every item); grouped
    once every page is read, when the book knows where each row is shown."""


def _on_builder_inited(app: Sphinx) -> None:
    try:
        app.reviewkit_timeline = timeline.timeline()
    except history.HistoryError as error:
        raise ExtensionError(f"cannot read the history of the evidence for 'What changed': {error}") from error


class ChangeLog(SphinxDirective):
    """``{change-log}``: every version, newest first, with its summary, classification and changes."""

    def run(self) -> list[nodes.Node]:
        self.env.__dict__.setdefault("reviewkit_changelog_docs", set()).add(self.env.docname)
        entries, _found = self.env.app.reviewkit_timeline
        return [self._entry(entry) for entry in entries]

    def _entry(self, entry: timeline.Entry) -> nodes.section:
        section = nodes.section(ids=[entry.anchor], names=[entry.anchor])
        section += nodes.title(text=entry.title)
        if entry.version:
            meta = nodes.paragraph(classes=["reviewkit-release"])
            meta += nodes.Text(_("Released {date}.").format(date=entry.version.date) + " ")
            meta += nodes.strong(text=translated(entry.version.classification_text) + ".")
            section += meta
            section += nodes.paragraph(text=entry.version.summary, classes=["reviewkit-release-summary"])
        if entry.baseline:
            section += nodes.paragraph(text=(
                _("Compared with {baseline}, the baseline of the first version: every update and correction "
                  "the book has made since, by chapter, with the review's figure → the newer one where a figure "
                  "changed. Each links to the place the book shows it.") if entry.changes else
                _("Nothing has been added to {baseline} yet.")).format(baseline=entry.baseline))
            if entry.changes:
                section += self._by_chapter(entry.changes)
            return section
        if entry.version is None and not entry.changes:
            section += nodes.paragraph(text=(
                _("No change to the data or the references since the last version. Changes to a chapter's text "
                  "show in its Last updated date.")))
        for category, heading in CATEGORIES.items():
            changes = [c for c in entry.changes if c.category == category]
            if not changes:
                continue
            section += nodes.paragraph("", "", nodes.strong(text=translated(heading)), classes=["reviewkit-change-group"])
            items = nodes.bullet_list(classes=["reviewkit-changes"])
            for change in changes:
                items += nodes.list_item("", self._paragraph(change))
            section += items
        return section

    @staticmethod
    def _paragraph(change) -> nodes.paragraph:
        paragraph = nodes.paragraph()
        for segment in change.segments:
            if isinstance(segment, str):
                paragraph += nodes.Text(segment)
            else:
                paragraph += change_link(segment[0], segment[0], target=segment[1])
        if change.place is not None:
            paragraph += change_link("", "", target=change.place, place=True)
        return paragraph

    def _by_chapter(self, changes) -> changes_by_chapter:
        order = list(CATEGORIES)
        node = changes_by_chapter()
        for change in sorted(changes, key=lambda c: order.index(c.category)):
            item = nodes.list_item("", self._paragraph(change), classes=[f"reviewkit-change-{change.category}"])
            item["group"] = change.group
            node += item
        return node


# ---------------------------------------------------------------- where the book shows a row
def _on_doctree_read(app: Sphinx, doctree) -> None:
    """Record where each row is shown: table rows with a row anchor (reviewkit.model.anchors), and boxes that name
    their row (``node["reviewkit_row"] = (table, key)``; a source check box names its check)."""
    places = app.env.__dict__.setdefault("reviewkit_row_places", {})
    for node in doctree.findall(nodes.Element):
        found = [(anchor, anchor) for anchor in node.get("ids", []) if anchor.startswith("row-")]
        if isinstance(node, nodes.raw) and "html" in node.get("format", ""):
            found += [(anchor, anchor) for anchor in ROW_ID.findall(node.astext())]
        row = node.get("reviewkit_row") or (("source_checks", (node["source_check"],))
                                            if node.get("source_check") else None)
        if row and node.get("ids"):
            found.append((row_anchor(row[0], tuple(row[1])), node["ids"][0]))
        for anchor, fragment in found:
            places.setdefault(anchor, (app.env.docname, fragment))


class Places:
    """Resolve a change's target to (docname, anchor) with the fallbacks described above."""

    def __init__(self, app: Sphinx):
        self.app, self.env = app, app.env
        self.rows = getattr(app.env, "reviewkit_row_places", {})
        self.snapshot = app.reviewkit_timeline[1]
        self.declared = [(c.name.removesuffix(".md").removesuffix(".ipynb"), set(c.data_files))
                         for c in chapters.all_chapters()]
        self.dictionary = sorted(getattr(app.env, "reviewkit_dictionary_docs", set()))

    def table(self, name: str) -> tuple[str, str] | None:
        return (self.dictionary[0], dictionary_id(name)) if self.dictionary else None

    def row(self, link: RowLink, depth: int = 0) -> tuple[str, str] | None:
        anchor = row_anchor(link.table, link.key)
        if anchor in self.rows:
            return self.rows[anchor]
        table = self.snapshot.tables.get(link.table)
        row = table.rows.get(link.key) if table else None
        if row is None:
            return None
        for column, target in rowlabels.foreign_keys(table).items():
            if target in self.snapshot.tables and row.get(column) and depth < 2:
                found = self.row(RowLink(target, (row[column],)), depth + 1)
                if found:
                    return found
        path = f"data/{table.resource.get('path')}"
        candidates = [doc for doc, files in self.declared if path in files and doc in self.env.found_docs]
        for column in SECTION_COLUMNS:
            value = (row.get(column) or "").strip()
            if not value or len(candidates) < 2:
                continue
            named = [doc for doc in candidates if value in (doc, doc.rsplit("/", 1)[-1], self.title(doc))]
            shown = [self.rows.get(row_anchor(link.table, key), ("", ""))[0] for key, other in table.rows.items()
                     if (other.get(column) or "").strip() == value]
            narrowed = named or [doc for doc in candidates if doc in shown]
            if narrowed:
                return narrowed[0], ""
        if candidates:
            return candidates[0], ""
        return self.table(link.table)

    def reference(self, link: RefLink) -> tuple[str, str] | None:
        domain = self.env.get_domain("cite")
        for citation in domain.citations:
            if citation.key == link.key:
                return citation.bibliography_key.docname, citation.citation_id
        return None

    def title(self, docname: str) -> str:
        title = self.env.titles.get(docname)
        return title.astext() if title else docname


def _group_by_chapter(app: Sphinx, node: changes_by_chapter, places: Places, fromdocname: str) -> None:
    """Replace the node by a heading per chapter (in reading order, linked) and its list of changes."""
    groups: dict[str, list] = {}
    for item in node.children:
        target = item.get("group")
        found = (places.row(target) if isinstance(target, RowLink) else
                 places.reference(target) if isinstance(target, RefLink) else None)
        groups.setdefault(found[0] if found else "", []).append(item)
    reading_order = [c.name.removesuffix(".md").removesuffix(".ipynb") for c in chapters.all_chapters()]
    output = []
    for docname in sorted(groups, key=lambda d: reading_order.index(d) if d in reading_order else len(reading_order)):
        heading = nodes.paragraph(classes=["reviewkit-change-group", "reviewkit-change-chapter"])
        if docname:
            uri = app.builder.get_relative_uri(fromdocname, docname)
            heading += nodes.strong("", "", nodes.reference("", places.title(docname), refuri=uri, internal=True))
        else:
            heading += nodes.strong(text=_("Elsewhere in the data"))
        items = nodes.bullet_list(classes=["reviewkit-changes"])
        for item in groups[docname]:
            items += item
        output += [heading, items]
    node.replace_self(output)


def _resolve(app: Sphinx, doctree, fromdocname: str) -> None:
    if fromdocname not in getattr(app.env, "reviewkit_changelog_docs", set()):
        return
    places = Places(app)
    for node in list(doctree.findall(changes_by_chapter)):
        _group_by_chapter(app, node, places, fromdocname)
    for node in list(doctree.findall(change_link)):
        target = node["target"]
        found = (places.row(target) if isinstance(target, RowLink) else
                 places.table(target.table) if isinstance(target, TableLink) else places.reference(target))
        if node.get("place"):
            if found is None or isinstance(target, RowLink) and found[0] == fromdocname:
                node.replace_self([])
            else:
                node.replace_self(nodes.Text(" " + _("in {page}").format(page=places.title(found[0]))))
            continue
        if found is None:
            node.replace_self(nodes.Text(node.astext()))
            continue
        uri = app.builder.get_relative_uri(fromdocname, found[0]) + (f"#{found[1]}" if found[1] else "")
        node.replace_self(nodes.reference("", node.astext(), refuri=uri, internal=True))


def _as_shown(history: tuple[list[timeline.Entry], Snapshot]) -> str:
    """The history as the page shows it: without the snapshots' ``where`` (a commit, "uncommitted changes"),
    which only error messages name."""
    def shown(snapshot: Snapshot | None) -> Snapshot | None:
        return None if snapshot is None else dataclasses.replace(snapshot, where="")

    entries, current = history
    return repr(([dataclasses.replace(entry, snapshot=shown(entry.snapshot)) for entry in entries], shown(current)))


def _on_env_get_outdated(app, env, added, changed, removed) -> list[str]:
    # The page is re-read when the history it shows changed (a commit, a tag, an edit of the evidence);
    # its links are re-resolved whenever where the book shows a row changed (_on_env_get_updated).
    digest = hashlib.sha256(_as_shown(app.reviewkit_timeline).encode("utf-8")).hexdigest()
    if getattr(env, "reviewkit_timeline_digest", None) == digest:
        return []
    env.reviewkit_timeline_digest = digest
    return sorted(d for d in getattr(env, "reviewkit_changelog_docs", set()) if d in env.found_docs and d not in changed)


def _on_env_get_updated(app, env) -> list[str]:
    # The links go to wherever the book shows each row (see Places): rewritten when any of that moved.
    from reviewkit.sphinx.rebuilds import rewritten_when_changed

    citations = sorted((c.key, c.bibliography_key.docname, c.citation_id) for c in env.get_domain("cite").citations)
    state = (sorted(getattr(env, "reviewkit_row_places", {}).items()),
             sorted(getattr(env, "reviewkit_dictionary_docs", set())),
             sorted((doc, title.astext()) for doc, title in env.titles.items()),
             # the files each page declares, as recorded when it was read (reviewkit.sphinx.rebuilds): no chapter is read here
             sorted((doc, sorted(inputs)) for doc, inputs in getattr(env, "reviewkit_inputs", {}).items()), citations)
    return rewritten_when_changed(env, "change-log", getattr(env, "reviewkit_changelog_docs", set()), state)


def _on_env_purge_doc(app, env, docname) -> None:
    places = getattr(env, "reviewkit_row_places", {})
    for anchor in [a for a, (doc, _) in places.items() if doc == docname]:
        del places[anchor]
    getattr(env, "reviewkit_changelog_docs", set()).discard(docname)
    getattr(env, "reviewkit_dictionary_docs", set()).discard(docname)


def _on_env_merge_info(app, env, docnames, other) -> None:
    env.__dict__.setdefault("reviewkit_row_places", {}).update(
        {a: place for a, place in getattr(other, "reviewkit_row_places", {}).items() if place[0] in docnames})
    for name in ("reviewkit_changelog_docs", "reviewkit_dictionary_docs"):
        env.__dict__.setdefault(name, set()).update(d for d in getattr(other, name, set()) if d in docnames)


def setup(app: Sphinx) -> dict:
    app.add_node(change_link)
    app.add_node(changes_by_chapter)
    app.add_directive("change-log", ChangeLog)
    app.connect("builder-inited", _on_builder_inited, priority=600)  # after the source check (500)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("doctree-resolved", _resolve)
    app.connect("env-get-outdated", _on_env_get_outdated)
    app.connect("env-get-updated", _on_env_get_updated)
    app.connect("env-purge-doc", _on_env_purge_doc)
    app.connect("env-merge-info", _on_env_merge_info)
    # env_version: bump when the shape of the data kept in the environment changes (a fresh read then).
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 3}
