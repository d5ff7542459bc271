"""Directives that render pages straight from the data package (no notebook execution needed).

- ``{data-dictionary}``: every table of data/datapackage.json with its columns explained and download links.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from . import paths, schema
from .audit import source_check_rows

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


STATUS_MEANING = {
    "MATCH": "the primary source gives the same value",
    "PARTIAL": "the core value agrees, but its scope, subgroup or wording differs",
    "MISMATCH": "the primary source gives a different value, or does not contain the claim",
    "NOT FOUND": "the value is not in what was read (not evidence that the review is wrong)",
}
STATUS_CLASS = {"MATCH": "tip", "PARTIAL": "note", "MISMATCH": "warning", "NOT FOUND": "seealso"}


def source_check_anchor(check_id: str) -> str:
    return f"source-check-{check_id.lower()}"


class SourceCheck(SphinxDirective):
    """``{source-check} SC17``: the audit's finding on a claim, beside the review's statement.

    Rendered from data/source_checks.csv at build time, so a corrected row corrects every page.
    """

    required_arguments = 1
    optional_arguments = 20  # several check ids may share one admonition: {source-check} SC07 SC08

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(paths.data_dir() / "source_checks.csv"))
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
            status = row["status"]
            admonition = nodes.admonition(classes=["reviewkit-source-check", STATUS_CLASS.get(status, "note"),
                                                   f"status-{status.lower().replace(' ', '-')}"],
                                          ids=[source_check_anchor(check_id)])
            admonition["source_check"] = check_id
            admonition += nodes.title(text=f"Source check {check_id}: {status}")
            claim = nodes.paragraph()
            claim += nodes.strong(text="The review: ")
            claim += nodes.Text(f"{row['claim']} — {row['review_value']}.")
            admonition += claim
            source = nodes.paragraph()
            source += nodes.strong(text="The primary source: ")
            source += nodes.Text(f"{row['primary_source_value']}.")
            admonition += source
            detail = nodes.paragraph()
            detail += nodes.emphasis(text=f"{status.capitalize()}: {STATUS_MEANING.get(status, '')}. ")
            if row.get("note"):
                detail += nodes.Text(row["note"] + " ")
            detail += nodes.Text(f"What was read: {row['what_was_read'] or 'not stated'}. ")
            detail += nodes.reference("", "All checks", refuri=f"evidence-audit.html#{source_check_anchor(check_id)}-row")
            admonition += detail
            output.append(admonition)
        return output


class source_check_table(nodes.General, nodes.Element):
    """Placeholder for the table of all checks; filled in once every chapter has been read."""


class SourceCheckTable(SphinxDirective):
    """``{source-check-table}``: every source check, each row linked to the chapter that shows it."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(paths.data_dir() / "source_checks.csv"))
        self.env.__dict__.setdefault("reviewkit_source_check_table_docs", set()).add(self.env.docname)
        return [source_check_table()]


def _cell(content) -> nodes.entry:
    entry = nodes.entry()
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
            table_row = nodes.row(ids=[source_check_anchor(check_id) + "-row"], classes=[
                "status-" + row["status"].lower().replace(" ", "-")])
            shown = nodes.paragraph()
            docname = placements.get(check_id)
            if docname:
                uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + source_check_anchor(check_id)
                title = app.env.titles.get(docname)
                shown += nodes.reference("", title.astext() if title else docname, refuri=uri)
            else:
                shown += nodes.Text("not shown in any chapter")
            for value in (check_id, row["review_section"], row["claim"], row["review_value"],
                          row["primary_source_value"], row["status"]):
                table_row += _cell(value)
            table_row += _cell(shown)
            body += table_row
        placeholder.replace_self(table)


def _id_list(ids: list[str], limit: int = 8) -> str:
    if not ids:
        return "—"
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


class ChangeLog(SphinxDirective):
    """``{change-log}``: the git history of data/ and references.bib, with rows added, changed, removed."""

    def run(self) -> list[nodes.Node]:
        from . import history

        self.env.__dict__.setdefault("reviewkit_history_docs", {})[self.env.docname] = history.head()
        try:
            commits = history.commits()
        except Exception as error:  # not a git checkout (e.g. a source tarball)
            return [nodes.paragraph(text=f"The change history is not available in this copy of the book ({error}).")]
        rows = []
        for commit in commits:
            for change in commit.files or [history.FileChange("(no tracked file)")]:
                rows.append([commit.date, commit.subject, change.path, _id_list(change.added),
                             _id_list(change.changed), _id_list(change.removed)])
        if not rows:
            return [nodes.paragraph(text="No change to the evidence has been committed yet.")]
        table = _table(["Date", "Change", "File", "Added", "Changed", "Removed"], rows, [10, 30, 16, 15, 15, 14])
        table["classes"].append("reviewkit-sortable")
        return [table]
