"""Words a reader understands for rows, values and references of the evidence (used by "What changed").

A row is named by a label built from its descriptive columns (never by its id alone); a value is printed as
the book prints it, with its unit; a reference as a citation. Everything reads the schema of the snapshot it
describes, so the words follow the columns and titles of that version.
"""

from __future__ import annotations

import re

from reviewkit.history.git import Snapshot, Table
from reviewkit.model import keys
from reviewkit.model.bibliography import plain
from reviewkit.model.figures import format_value
from reviewkit.i18n.generated import _, N_, translated

# What one row of a table is called. Other tables: "row of <table title>".
ROW_NOUNS = {
    "clinical_studies": N_("study"), "preclinical_studies": N_("preclinical study"), "clinical_results": N_("result"),
    "preclinical_targets": N_("preclinical target"), "approved_products": N_("approval"), "platforms": N_("platform"),
    "car_t_solid_targets": N_("CAR-T trial target"), "bottlenecks": N_("bottleneck or direction"),
    "glossary": N_("glossary term"), "source_checks": N_("source check"), "updates": N_("record of newer evidence"),
    "outcomes": N_("outcome"),
}
# Labels, tried in order on any table: the first whose columns (outside [...]) the table has, and whose
# cells are filled, names the row. {a|b} is the first non-empty of columns a, b; [...] is left out when a
# column in it is empty; a column with a foreign key to another table shows that row's label instead.
LABELS = (
    "{check_id}: {claim}",
    "{outcome}[, {arm}][ ({population})][ at {time_point}] of {study_id}",
    "{construct|armed_with}[ in {indication}][ (phase {phase})]",
    "{tumour_type}[, {bispecifics}][ ({model})]",
    "{target} in {study_id}",
    "{product}[, {agency}][, {approval_date|approval_month}]",
    "{abbreviation} ({expansion})",
    "{summary}", "{claim}", "{label|title|name}", "{platform}", "{target}", "{indication}",
)
UNIT_WORDS = {"percent": "%"}
MAX_LABEL = 110
EMPTY = N_("not given")


def _clip(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def foreign_keys(table: Table) -> dict[str, str]:
    """Column -> the table it refers to."""
    return keys.references(table.resource)


def row_label(snapshot: Snapshot, table_name: str, key: tuple[str, ...], depth: int = 0) -> str:
    table = snapshot.tables.get(table_name)
    row = table.rows.get(key) if table else None
    if row is None:
        return " / ".join(key)
    links = foreign_keys(table)

    def value(column: str) -> str:
        text = (row.get(column) or "").strip()
        target = links.get(column)
        if text and target == "references":
            return short_reference(snapshot.references.get(text), text)
        if text and target in snapshot.tables and depth < 2:
            return row_label(snapshot, target, (text,), depth + 1)
        return text

    columns = set(row)
    label = next((text for template in LABELS if applies(template, columns) and (text := fill(template, value))), "")
    if not label:  # any descriptive text column
        column = next((f["name"] for f in table.fields if f["name"] not in table.key_fields
                       and f.get("type", "string") == "string" and "enum" not in f.get("constraints", {})
                       and f["name"] not in links and value(f["name"])), None)
        label = value(column) if column else ""
        parent = next((c for c, target in links.items() if target in snapshot.tables and target != table_name
                       and target not in ("updates", "source_checks") and row.get(c)), None)
        if label and parent and depth < 2:  # e.g. a result "of" the study it belongs to
            label = f"{_clip(label, 60)} of {value(parent)}"
    return _clip(label) if label else " / ".join(key)


def applies(template: str, columns: set[str]) -> bool:
    required = FIELD.findall(re.sub(r"\[[^\]]*\]", "", template))
    return all(any(name in columns for name in names.split("|")) for names in required)


FIELD = re.compile(r"\{([^}]+)\}")
PART = re.compile(r"\[([^\]]*)\]|\{([^}]+)\}")


def fill(template: str, value) -> str:
    """Fill a LABELS template; empty when a column outside [...] is empty."""
    def first(names: str) -> str:
        return next((v for v in (value(name) for name in names.split("|")) if v), "")

    if not all(first(names) for names in FIELD.findall(re.sub(r"\[[^\]]*\]", "", template))):
        return ""

    def part(match: re.Match) -> str:
        if match.group(2) is not None:
            return first(match.group(2))
        inner = match.group(1)
        return FIELD.sub(lambda m: first(m.group(1)), inner) if all(first(n) for n in FIELD.findall(inner)) else ""

    return PART.sub(part, template)


def row_noun(snapshot: Snapshot, table_name: str) -> str:
    if table_name in ROW_NOUNS:
        return translated(ROW_NOUNS[table_name])
    return _("row of {table}").format(table=table_title(snapshot, table_name))


def table_title(snapshot: Snapshot, table_name: str) -> str:
    table = snapshot.tables.get(table_name)
    return translated((table.resource.get("title") if table else None) or table_name.replace("_", " "))


def field_title(table: Table, column: str) -> str:
    field = table.field(column) or {}
    return translated(field.get("title") or column.replace("_", " "))


def unit(table: Table, column: str, row: dict[str, str]) -> str:
    """The column's unit from the schema, else (long-form tables) the row's own `unit` cell for a number."""
    field = table.field(column) or {}
    text = field.get("unit") or ""
    if not text and field.get("type") in ("number", "integer") and column != "unit":
        text = (row.get("unit") or "").strip()
    return UNIT_WORDS.get(text, text)


def display_value(snapshot: Snapshot, table: Table, column: str, text: str) -> str:
    """A cell as a reader should see it: a reference as a citation, a row of another table by its label."""
    target = foreign_keys(table).get(column)
    if text.strip() and target == "references":
        return short_reference(snapshot.references.get(text.strip()), text.strip())
    if text.strip() and target in snapshot.tables and target != "updates":
        return row_label(snapshot, target, (text.strip(),))
    return format_cell(table, column, text)


def format_cell(table: Table, column: str, text: str) -> str:
    """A cell as the book prints it (numbers with all their digits, 8e10 as 8 × 10¹⁰)."""
    text = text.strip()
    if not text:
        return EMPTY
    kind = (table.field(column) or {}).get("type")
    try:
        if kind == "integer":
            return format_value(int(text))
        if kind == "number":
            return format_value(float(text))
    except ValueError:
        pass
    return text


def _authors(fields: dict) -> list[str]:
    """Surnames (a braced name, such as {Big Molecule Watch}, is an organisation: kept whole), with
    "others" (BibTeX's et al.) kept as the last item."""
    names = [n.strip() for n in re.split(r"\s+and\s+", fields.get("author", "")) if n.strip()]
    surnames = []
    for name in names:
        if name.startswith("{") and name.endswith("}"):
            surnames.append(plain(name))
        else:
            name = plain(name)
            surnames.append(name if name.lower() == "others" else
                            name.split(",")[0].strip() if "," in name else name.split()[-1])
    return surnames


def short_reference(fields: dict | None, key: str = "") -> str:
    """E.g. 'Lum et al. 2015' (the key itself when the entry is unknown)."""
    if not fields:
        return key
    authors = _authors(fields)
    who = (authors[0] + (" et al." if len(authors) > 2 or "others" in authors[1:] else
                         f" and {authors[1]}" if len(authors) == 2 else "")
           if authors else _clip(plain(fields.get("title", key)), 60))
    return f"{who} {fields.get('year', '')}".strip()


def format_reference(fields: dict) -> str:
    """A one-line citation: authors, title, journal year;volume(issue):pages, DOI."""
    authors = [a for a in _authors(fields) if a.lower() != "others"]
    more = len(authors) > 3 or "others" in _authors(fields)
    who = ", ".join(authors[:3]) + (" et al." if more else "") if authors else ""
    title = plain(fields.get("title", "")).strip(" .")
    venue = plain(fields.get("journal") or fields.get("publisher") or fields.get("howpublished") or "")
    where = f"{venue} {fields.get('year', '')}".strip()
    if fields.get("volume"):
        where += f";{fields['volume']}" + (f"({fields['number']})" if fields.get("number") else "")
    if fields.get("pages"):
        where += f":{fields['pages'].replace('--', '–')}"
    parts = [p for p in (who, title, where) if p]
    text = " ".join(p if p.endswith(".") else p + "." for p in parts)
    return text + (f" doi:{fields['doi']}" if fields.get("doi") else "")
