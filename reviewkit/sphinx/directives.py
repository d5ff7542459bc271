"""Directives that render pages straight from the data package (no notebook execution needed).

- ``{data-dictionary}``: every table of data/datapackage.json with its columns explained and download links.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from reviewkit.model import keys, paths, schema, statuses
from reviewkit.model.records import source_check_rows
from reviewkit.sphinx.data_table import DATA_URL, build as build_table, dictionary_id, dictionary_label
from reviewkit.sphinx.evidence.source_checks import source_check_anchor
from reviewkit.i18n.generated import _



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
            # Its column definitions: a label tables refer to ({ref}, checked by the build), the id links use.
            section = nodes.section(ids=[dictionary_id(resource["name"])], names=[dictionary_label(resource["name"])])
            self.state.document.note_explicit_target(section, section)
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
            section += build_table(["Column", "Type", "Unit", "Constraints", "Meaning"], rows,
                                   classes=["reviewkit-dictionary"], widths=[14, 8, 8, 20, 50])
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


def fill_source_check_tables(app, doctree, fromdocname) -> None:
    placements = getattr(app.env, "reviewkit_source_check_docs", {})
    for placeholder in doctree.findall(source_check_table):
        columns = [("Check", 6), ("Section", 6), ("Claim", 24), ("The review", 14), ("The primary source", 24),
                   ("Status", 8), ("Shown in", 12)]
        rows, ids, classes = [], [], []
        for check_id, (_, row) in sorted(source_check_rows().items()):
            shown = nodes.paragraph()
            docname = placements.get(check_id)
            if docname:
                uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + source_check_anchor(check_id)
                title = app.env.titles.get(docname)
                shown += nodes.reference("", title.astext() if title else docname, refuri=uri)
            else:
                shown += nodes.Text("not shown in any chapter")
            rows.append([check_id, row["review_section"], row["claim"], row["review_value"],
                         row["primary_source_value"], row["status"], shown])
            ids.append(source_check_anchor(check_id) + "-row")
            classes.append(statuses.css_classes(row["status"]))
        table = build_table([title for title, _ in columns], rows, row_ids=ids, row_classes=classes,
                            classes=["reviewkit-sortable", "reviewkit-source-check-table"],
                            cell_classes={2: ["reviewkit-long"], 4: ["reviewkit-long"]},
                            widths=[width for _, width in columns])
        # Wide: the page's full width on large screens, its own scroll region on small ones.
        placeholder.replace_self(nodes.container("", table, classes=["full-width", "reviewkit-wide"]))


def setup(app) -> dict:
    app.add_directive("data-dictionary", DataDictionary)
    app.add_directive("source-check-table", SourceCheckTable)
    app.add_node(source_check_table)
    app.connect("doctree-resolved", fill_source_check_tables)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
