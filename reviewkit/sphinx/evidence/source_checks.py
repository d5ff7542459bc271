"""Source checks beside the claims they concern: ``{source-check} SC17`` and ``{source-check-legend}``.

How a check is shown follows its status (reviewkit/model/statuses.py): where the source agrees, a compact mark
(a native <details> element: keyboard-accessible, works without JavaScript) that opens to the full finding,
which is in the HTML either way; otherwise a visible box, the most prominent where the source disagrees.
Every element carries the class ``reviewkit-source-check`` and the anchor ``source-check-<id>``.
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from reviewkit.model import paths, statuses
from reviewkit.model.records import source_check_rows
from reviewkit.i18n.generated import _, translated

COMPACT_CLASS = "reviewkit-source-check-compact"
SCRIPT = "reviewkit-source-checks.js"


def source_check_anchor(check_id: str) -> str:
    return f"source-check-{check_id.lower()}"


class source_check_mark(nodes.General, nodes.Element):
    """A compact check: <details> whose <summary> is the mark and whose body is the finding."""


class source_check_summary(nodes.TextElement):
    """The always-visible label of a compact check."""


def _finding(check_id: str, row: dict) -> list[nodes.Node]:
    status = row["status"]
    claim = nodes.paragraph()
    claim += nodes.strong(text=_("The review: "))
    claim += nodes.Text(f"{row['claim']} — {row['review_value']}.")
    source = nodes.paragraph()
    source += nodes.strong(text=_("The primary source: "))
    source += nodes.Text(f"{row['primary_source_value']}.")
    detail = nodes.paragraph()
    label = translated(statuses.LABELS.get(status, status.capitalize()))
    detail += nodes.emphasis(text=f"{label}: {translated(statuses.presentation(status).meaning)}. ")
    if row.get("note"):
        detail += nodes.Text(row["note"] + " ")
    detail += nodes.Text(_("What was read: {what}.").format(what=row["what_was_read"] or _("not stated")) + " ")
    detail += nodes.reference("", _("All checks"), refuri=f"evidence-audit.html#{source_check_anchor(check_id)}-row")
    return [claim, source, detail]


def render(check_id: str, row: dict) -> nodes.Element:
    """The node of one check: a compact mark or a box, as its status asks."""
    status = row["status"]
    shown = statuses.presentation(status)
    classes = ["reviewkit-source-check", *statuses.css_classes(status)]
    if shown.display == "compact":
        mark = source_check_mark(classes=classes, ids=[source_check_anchor(check_id)])
        summary = source_check_summary()
        # The symbol is decoration (hidden from screen readers): the label says the status in words.
        summary += nodes.raw("", f'<span class="reviewkit-source-check-icon" aria-hidden="true">'
                                 f"{html.escape(shown.icon)}</span>", format="html")
        summary += nodes.Text(" " + _title(check_id, status))
        mark += summary
        body = nodes.container(classes=["reviewkit-source-check-body"])
        body.extend(_finding(check_id, row))
        mark += body
        mark["source_check"] = check_id
        return mark
    box = nodes.admonition(classes=[*classes, shown.admonition], ids=[source_check_anchor(check_id)])
    box["source_check"] = check_id
    box += nodes.title(text=_title(check_id, status))
    box.extend(_finding(check_id, row))
    return box


def _title(check_id: str, status: str) -> str:
    return _("Source check {id}: {status}").format(id=check_id, status=translated(statuses.CODES.get(status, status)))


class SourceCheck(SphinxDirective):
    """``{source-check} SC17``: the audit's finding on a claim, beside the review's statement.

    Rendered from data/source_checks.csv at build time, so a corrected row corrects every page.
    """

    required_arguments = 1
    optional_arguments = 20  # several checks may follow one claim: {source-check} SC07 SC08

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(paths.data_dir() / "source_checks.csv"))
        self.env.note_dependency(str(paths.datapackage_path()))
        rows = {check_id: row for check_id, (_, row) in source_check_rows().items()}
        output = []
        for check_id in self.arguments:
            row = rows.get(check_id)
            if row is None:
                raise self.error(f"unknown source check '{check_id}': data/source_checks.csv has "
                                 f"{', '.join(sorted(rows))}. Fix: use one of those ids.")
            placements = self.env.__dict__.setdefault("reviewkit_source_check_docs", {})
            if placements.get(check_id, self.env.docname) != self.env.docname:
                raise self.error(f"source check {check_id} is already shown in {placements[check_id]}; "
                                 "show each check once, next to the claim it concerns")
            placements[check_id] = self.env.docname
            try:
                output.append(render(check_id, row))
            except KeyError as error:
                raise self.error(f"source check {check_id}: {error.args[0]}") from None
        return output


class SourceCheckLegend(SphinxDirective):
    """``{source-check-legend}``: every status, what it means and how the book shows it."""

    SHOWN = {"compact": "shown beside the claim as a small mark that opens to the finding",
             "box": "shown beside the claim in a box",
             "prominent": "shown beside the claim in a highlighted box"}

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(paths.datapackage_path()))
        items = nodes.bullet_list()
        for status in statuses.names():
            shown = statuses.presentation(status)
            item = nodes.paragraph()
            item += nodes.strong(text=status)
            item += nodes.Text(f": {shown.meaning}; {self.SHOWN[shown.display]}.")
            items += nodes.list_item("", item)
        return [items]


# ---------------------------------------------------------------- HTML (and plain fallbacks)
def _visit_mark_html(self, node: source_check_mark) -> None:
    self.body.append(self.starttag(node, "details"))


def _depart_mark_html(self, node: source_check_mark) -> None:
    self.body.append("</details>\n")


def _visit_summary_html(self, node: source_check_summary) -> None:
    self.body.append(self.starttag(node, "summary", ""))


def _depart_summary_html(self, node: source_check_summary) -> None:
    self.body.append("</summary>\n")


def _pass(self, node) -> None:
    pass


def _add_script(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Opens a compact check when a link targets it (it opens on a click without JavaScript anyway).
    if COMPACT_CLASS in context.get("body", ""):
        app.add_js_file(SCRIPT, loading_method="defer")


def setup(app: Sphinx) -> dict:
    passthrough = (_pass, _pass)
    app.add_node(source_check_mark, html=(_visit_mark_html, _depart_mark_html), latex=passthrough,
                 text=passthrough, man=passthrough, texinfo=passthrough)
    app.add_node(source_check_summary, html=(_visit_summary_html, _depart_summary_html), latex=passthrough,
                 text=passthrough, man=passthrough, texinfo=passthrough)
    app.add_directive("source-check", SourceCheck)
    app.add_directive("source-check-legend", SourceCheckLegend)
    app.connect("html-page-context", _add_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
