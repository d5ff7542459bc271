"""Directives that render pages straight from the data package (no notebook execution needed).

- ``{data-dictionary}``: every table of data/datapackage.json with its columns explained and download links.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from . import paths, schema

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
        foreign = {}
        output: list[nodes.Node] = []
        for resource in schema.resources():
            for fk in resource["schema"].get("foreignKeys", []):
                fields = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
                target = fk["reference"]["resource"]
                foreign[(resource["name"], fields)] = (
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
        schema_link += nodes.Text("The complete machine-readable schema: ")
        schema_link += nodes.reference("", "datapackage.json", refuri=DATA_URL + "datapackage.json")
        schema_link += nodes.Text(" (a Frictionless Data Package).")
        return [schema_link, *output]
