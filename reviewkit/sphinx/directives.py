"""Directives that render pages straight from the data package (no notebook execution needed).

- ``{data-dictionary}``: every table of data/datapackage.json with its columns explained and download links.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from reviewkit.model import keys, paths, schema, statuses
from reviewkit.model.records import source_check_rows
from reviewkit.sphinx.evidence.source_checks import source_check_anchor
from reviewkit.i18n.generated import _

DATA_URL = "../data/"


def _constraints_text(field: dict) -> str:
    constraints = field.get("constraints", {})
    parts = []
    if constraints.get("required"):
        parts.append("required")
    if constraints.get("unique"):
        parts.append("unique")
    if "enum" in constraints:
        parts.append("one of: " + ", ".join(map(str, constraints["enum"])))
    if "minimum" in constraints:
        parts.append(f"≥ {constraints['minimum']}")
    if "maximum" in constraints:
        parts.append(f"≤ {constraints['maximum']}")
    if "pattern" in constraints:
        parts.append(f"pattern {constraints['pattern']}")
    return "; ".join(parts)


def _table(header: list[str], rows: list[list[str]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["reviewkit-dictionary"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head_row = nodes.row()
    for title in header:
        head_row += nodes.entry("", nodes.paragraph(text=title))
    head += head_row
    body = nodes.tbody()
    group += body
    for values in rows:
        row = nodes.row()
        for value in values:
            row += nodes.entry("", nodes.paragraph(text=value))
        body += row
    return table


class DataDictionary(SphinxDirective):
    """Every table of the data package: description, downloads, and one row per column."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(paths.datapackage_path()))
        # "What changed" links a new table to its section here.
        self.env.__dict__.setdefault("reviewkit_dictionary_docs", set()).add(self.env.docname)
        foreign = {}
        output: list[nodes.Node] = []
        for resource in schema.resources():
            for column, target in keys.references(resource).items():
                foreign[(resource["name"], column)] = (
                    "references.bib" if target == schema.REFERENCES_RESOURCE else target)
            section_id = resource["name"].replace("_", "-")
            section = nodes.section(ids=[section_id], names=[section_id])
            section += nodes.title(text=resource.get("title", resource["name"]))
            intro = nodes.paragraph()
            intro += nodes.literal(text=f"data/{resource['path']}")
            intro += nodes.Text(f" — {resource.get('description', '')} ")
            intro += nodes.reference("", "Download CSV", refuri=DATA_URL + resource["path"])
            section += intro
            rows = []
            for field in resource["schema"]["fields"]:
                constraints = _constraints_text(field)
                link = foreign.get((resource["name"], field["name"]))
                if link:
                    constraints = "; ".join(filter(None, [constraints, f"refers to {link}"]))
                rows.append([field["name"], field.get("type", "string"), field.get("unit", ""),
                             constraints, field.get("description", "")])
            section += _table(["Column", "Type", "Unit", "Constraints", "Meaning"], rows, [14, 8, 8, 20, 50])
            output.append(section)
        schema_link = nodes.paragraph()
        schema_link += nodes.Text(_("The complete machine-readable schema:") + " ")
        schema_link += nodes.reference("", "datapackage.json", refuri=DATA_URL + "datapackage.json")
        schema_link += nodes.Text(" " + _("(a Frictionless Data Package)."))
        return [schema_link, *output]


class source_check_table(nodes.General, nodes.Element):
    """Placeholder for the table of all checks; filled in once every chapter has been read."""


class SourceCheckTable(SphinxDirective):
    """``{source-check-table}``: every source check, each row linked to the chapter that shows it."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(paths.data_dir() / "source_checks.csv"))
        self.env.__dict__.setdefault("reviewkit_source_check_table_docs", set()).add(self.env.docname)
        return [source_check_table()]


def _cell(content, classes: list[str] | None = None) -> nodes.entry:
    entry = nodes.entry(classes=classes or [])
    entry += content if isinstance(content, nodes.Node) else nodes.paragraph(text=str(content))
    return entry


def fill_source_check_tables(app, doctree, fromdocname) -> None:
    placements = getattr(app.env, "reviewkit_source_check_docs", {})
    for placeholder in doctree.findall(source_check_table):
        table = nodes.table(classes=["reviewkit-sortable", "reviewkit-source-check-table"])
        columns = [("Check", 6), ("Section", 6), ("Claim", 24), ("The review", 14), ("The primary source", 24),
                   ("Status", 8), ("Shown in", 12)]
        group = nodes.tgroup(cols=len(columns))
        table += group
        for _, width in columns:
            group += nodes.colspec(colwidth=width)
        head_row = nodes.row()
        for title, _ in columns:
            head_row += _cell(title)
        group += nodes.thead("", head_row)
        body = nodes.tbody()
        group += body
        for check_id, (_, row) in sorted(source_check_rows().items()):
            table_row = nodes.row(ids=[source_check_anchor(check_id) + "-row"],
                                  classes=statuses.css_classes(row["status"]))
            shown = nodes.paragraph()
            docname = placements.get(check_id)
            if docname:
                uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + source_check_anchor(check_id)
                title = app.env.titles.get(docname)
                shown += nodes.reference("", title.astext() if title else docname, refuri=uri)
            else:
                shown += nodes.Text("not shown in any chapter")
            for index, value in enumerate((check_id, row["review_section"], row["claim"], row["review_value"],
                                           row["primary_source_value"], row["status"])):
                table_row += _cell(value, ["reviewkit-long"] if index in (2, 4) else None)
            table_row += _cell(shown)
            body += table_row
        # Wide: the page's full width on large screens, its own scroll region on small ones.
        placeholder.replace_self(nodes.container("", table, classes=["full-width", "reviewkit-wide"]))


def setup(app) -> dict:
    app.add_directive("data-dictionary", DataDictionary)
    app.add_directive("source-check-table", SourceCheckTable)
    app.add_node(source_check_table)
    app.connect("doctree-resolved", fill_source_check_tables)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
