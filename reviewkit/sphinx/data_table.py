"""The book's one table builder, in Sphinx's own nodes.

- ``build``: a docutils table from a header and rows of cells (text or nodes), each row with its anchor and classes;
  the data dictionary and the table of source checks use it as it is.
- ``{data-table}``: what a chapter's kernel writes (reviewkit.book.tables, as MyST Markdown that myst-nb parses):
  docutils' ``list-table`` content whose cells are MyST, so a citation is sphinxcontrib-bibtex's own
  (``{cite:alp}``) and the link to the column definitions a ``{ref}``, both resolved and checked by Sphinx (``-n``).
  The directive wraps the table in a figure with its caption, a focusable scroll region named after it, and a
  line linking the CSV, the schema and the column definitions.
- the ``table-*`` roles: a word of the toolkit in an element of its own (a label, a badge, a registry status), so
  that a translated edition translates it whole (reviewkit.sphinx.output_text).

The data's text is never a message of Sphinx's own extraction (every text element is ``translatable=False``) and
is never typeset (no smart quotes): a cell shows exactly what its CSV holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.utils import SystemMessagePropagation
from docutils.parsers.rst.directives.tables import ListTable
from sphinx import addnodes

from reviewkit.model import schema
from reviewkit.book.table_markup import DIRECTIVE, NONE, ROLES
from reviewkit.i18n.generated import _

# Pages live one folder below the site root (chapters/), and the build copies data/ to the site root.
DATA_URL = "../data/"
FIGURE_CLASS = "reviewkit-table"
WIDE_CLASSES = ["reviewkit-table-wide", "full-width"]
LONG_CLASS = "reviewkit-long"
CITE_CLASS = "reviewkit-cite"


def dictionary_id(table: str) -> str:
    """The id of a table's section on the Data page (its column definitions), which links point to."""
    return table.replace("_", "-")


def dictionary_label(table: str) -> str:
    """The label of a table's section on the Data page, for ``{ref}``."""
    return "data-dictionary-" + dictionary_id(table)


class table_figure(nodes.figure):
    """A table with its caption and source line (HTML: a figure). Not Sphinx's figure: it is not numbered, and
    its caption holds the caption alone."""


class table_caption(nodes.caption):
    """A table's caption (HTML: its figcaption)."""


class table_region(nodes.General, nodes.Element):
    """The table's scroll region: focusable and named after the caption (HTML: a div with role=region)."""


class download_link(nodes.reference):
    """A link to a published data file that the browser downloads (HTML: ``<a download>``)."""


def _visit_figure(self, node: table_figure) -> None:
    self.body.append(self.starttag(node, "figure", ""))


def _depart_figure(self, node: table_figure) -> None:
    self.body.append("</figure>\n")


def _visit_caption(self, node: table_caption) -> None:
    self.body.append(self.starttag(node, "figcaption", ""))


def _depart_caption(self, node: table_caption) -> None:
    self.body.append("</figcaption>\n")


def _visit_region(self, node: table_region) -> None:
    self.body.append(self.starttag(node, "div", "", CLASS="reviewkit-table-scroll", tabindex="0", role="region",
                                   **{"aria-label": node["label"]}))


def _depart_region(self, node: table_region) -> None:
    self.body.append("</div>")


def _visit_download(self, node: download_link) -> None:
    self.body.append(self.starttag(node, "a", "", href=node["refuri"], download=""))


def _depart_download(self, node: download_link) -> None:
    self.body.append("</a>")


class column_header(nodes.entry):
    """A header cell (HTML: ``<th scope="col">``, so a screen reader reads it with each cell of its column)."""


def _visit_column_header(self, node: column_header) -> None:
    self.visit_entry(node)  # docutils writes <th class="head"> and keeps its column count
    self.body[-1] = self.body[-1].replace("<th ", '<th scope="col" ', 1)


def _depart_column_header(self, node: column_header) -> None:
    self.depart_entry(node)


def _entry(content, classes: Iterable[str] = (), kind: type[nodes.entry] = nodes.entry) -> nodes.entry:
    entry = kind(classes=list(classes))
    if isinstance(content, str):
        entry += nodes.paragraph(text=content)
    elif isinstance(content, nodes.Node):
        entry += content if isinstance(content, (nodes.Body, nodes.Structural)) else nodes.paragraph("", "", content)
    else:
        entry += list(content)
    return entry


def build(header: list, rows: list[list], *, classes: Iterable[str] = (), row_ids: list[str] | None = None,
          row_classes: list[list[str]] | None = None, cell_classes: dict[int, list[str]] | None = None,
          widths: list[int] | None = None) -> nodes.table:
    """A table of ``header`` and ``rows``; a cell is text, a node or a list of nodes. ``row_ids``/``row_classes``:
    per body row (an empty id: none); ``cell_classes``: per column, for its header and body cells."""
    cell_classes = cell_classes or {}
    table = nodes.table(classes=list(classes) + ([] if widths else ["colwidths-auto"]))
    group = nodes.tgroup(cols=len(header))
    table += group
    for index in range(len(header)):
        group += nodes.colspec(colwidth=widths[index]) if widths else nodes.colspec()
    group += nodes.thead("", nodes.row("", *(_entry(title, cell_classes.get(i, ()), column_header)
                                             for i, title in enumerate(header))))
    body = nodes.tbody()
    group += body
    for number, cells in enumerate(rows):
        row = nodes.row(ids=[row_ids[number]] if row_ids and row_ids[number] else [],
                        classes=list(row_classes[number]) if row_classes else [])
        row += [_entry(cell, cell_classes.get(i, ())) for i, cell in enumerate(cells)]
        body += row
    return table


def figure(table: nodes.table, caption: str, source: nodes.paragraph, wide: bool = False) -> table_figure:
    """A table with its caption, in a scroll region named after it, and its source line."""
    node = table_figure(classes=[FIGURE_CLASS, *(WIDE_CLASSES if wide else [])])
    node += table_caption(caption, caption)
    region = table_region(label=caption)
    region += table
    node += [region, source]
    node["support_smartquotes"] = False  # a cell shows exactly what its CSV holds
    for element in node.findall(nodes.TextElement):
        # Translated by reviewkit.sphinx.output_text, word by word. (Inline nodes are never extracted; Sphinx
        # unwraps an inline that carries the attribute at all.)
        if not isinstance(element, nodes.Inline):
            element["translatable"] = False
    return node


def source_line(table: str, source: str, docname: str) -> nodes.paragraph:
    """"Source: …. Data: x.csv (schema, column definitions)": the CSV as published, its schema and the
    table's column definitions on the Data page (a cross-reference, checked by the build)."""
    line = nodes.paragraph(classes=["reviewkit-table-source"])
    if source:
        line += [nodes.inline("", _("Source:")), nodes.Text(" "), nodes.inline("", source), nodes.Text(". ")]
    csv_name = schema.resource(table)["path"]
    definitions = addnodes.pending_xref("", nodes.inline("", _("column definitions")), refdomain="std",
                                        reftype="ref", reftarget=dictionary_label(table), refexplicit=True,
                                        refwarn=True, refdoc=docname)
    line += [nodes.inline("", _("Data:")), nodes.Text(" "),
             download_link("", csv_name, refuri=DATA_URL + csv_name), nodes.Text(" ("),
             nodes.reference("", _("schema"), refuri=DATA_URL + "datapackage.json"), nodes.Text(", "),
             definitions, nodes.Text(")")]
    return line


def _tokens(value: str | None) -> list[str]:
    return (value or "").split()


def _column_indices(value: str | None) -> set[int]:
    """``:long:``: column indices (0 is the first), separated by spaces."""
    return {directives.nonnegative_int(token) for token in _tokens(value)}


def _join_text(node: nodes.Element) -> None:
    """Adjacent text nodes as one (a cell's text is one message, however the parser split it)."""
    for element in list(node.findall(nodes.Element)):
        merged: list[nodes.Node] = []
        for child in element.children:
            if merged and isinstance(child, nodes.Text) and isinstance(merged[-1], nodes.Text):
                merged[-1] = nodes.Text(merged[-1] + child)
            else:
                merged.append(child)
        if len(merged) != len(element.children):
            element.children = []
            element.extend(merged)


class DataTable(ListTable):
    """``{data-table} caption``: list-table content (a header row, then one row per data row) of the resource
    ``:table:``; ``:row-ids:`` and ``:row-provenance:`` give each body row its anchor and its provenance ("-":
    none), ``:long:`` the columns of long text, ``:wide:`` the page's full width, ``:source:`` where the rows
    come from."""

    required_arguments, optional_arguments = 1, 0
    final_argument_whitespace = True
    has_content = True
    option_spec = {"table": directives.unchanged_required, "source": directives.unchanged,
                   "row-ids": directives.unchanged, "row-provenance": directives.unchanged,
                   "long": _column_indices, "wide": directives.flag}

    def run(self) -> list[nodes.Node]:
        table_name = self.options.get("table", "")
        if table_name not in {resource["name"] for resource in schema.resources()}:
            raise self.error(f"'{table_name}' is not a table of data/datapackage.json. Fix: name one in :table:.")
        parsed = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, parsed)
        try:
            self.check_list_content(parsed)
        except SystemMessagePropagation as problem:  # docutils' own message: not a two-level list
            return [problem.args[0]]
        header, *rows = [[item.children for item in row_list[0]] for row_list in parsed[0]]
        ids, provenance = _tokens(self.options.get("row-ids")), _tokens(self.options.get("row-provenance"))
        for name, values in (("row-ids", ids), ("row-provenance", provenance)):
            if values and len(values) != len(rows):
                raise self.error(f":{name}: names {len(values)} rows, the table has {len(rows)}. Fix: one per row.")
        long = self.options.get("long", set())
        table = build(header, rows, row_ids=[i if i != NONE else "" for i in ids] or None,
                      row_classes=[[f"provenance-{p}"] if p != NONE else [] for p in provenance] or None,
                      cell_classes={index: [LONG_CLASS] for index in long})
        for row, value in zip(table.findall(nodes.row), [NONE, *provenance]):
            for badge in row.findall(nodes.inline):
                if "reviewkit-badge" in badge["classes"] and value != NONE:
                    badge["classes"].append(f"reviewkit-badge-{value}")
        for xref in list(table.findall(addnodes.pending_xref)):
            if xref.get("refdomain") == "cite":  # a citation keeps to one line
                wrapper = nodes.inline(classes=[CITE_CLASS])
                xref.parent.replace(xref, wrapper)  # (not replace_self: it would give the wrapper the xref's id)
                wrapper += xref
        _join_text(table)
        docname = self.state.document.settings.env.docname
        return [figure(table, self.arguments[0], source_line(table_name, self.options.get("source", ""), docname),
                       wide="wide" in self.options)]


def figures(doctree: nodes.Node) -> Iterator[table_figure]:
    """The tables of a page."""
    return doctree.findall(table_figure)


def _span_role(classes: list[str]):
    def span(name, rawtext, text, lineno, inliner, options=None, content=None):
        return [nodes.inline(rawtext, text, classes=list(classes))], []
    return span


def _parse_outputs_as_myst(app, config) -> None:
    # Tables reach the page as MyST that a kernel printed (text/markdown): myst-nb parses it as the chapters are
    # parsed, so their directive and roles work (its default, CommonMark, would show them as text).
    config.nb_render_markdown_format = "myst"


def setup(app) -> dict:
    app.connect("config-inited", _parse_outputs_as_myst)
    app.add_directive(DIRECTIVE, DataTable)
    for name, classes in ROLES.items():
        app.add_role(name, _span_role(classes))
    app.add_node(table_figure, html=(_visit_figure, _depart_figure))
    app.add_node(table_caption, html=(_visit_caption, _depart_caption))
    app.add_node(table_region, html=(_visit_region, _depart_region))
    app.add_node(download_link, html=(_visit_download, _depart_download))
    app.add_node(column_header, html=(_visit_column_header, _depart_column_header))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
