"""What the toolkit relies on in data/datapackage.json, declared here so that an author cannot loosen it.

The descriptor stays the place an author reads and extends: new tables, columns, values and stricter constraints
are welcome. But the book's pages and rules assume some of it: that every result belongs to a study (a result
pointing at no study would vanish from every page yet stay in the published CSV), that a figure has a value, a
relation and a unit, that a count is at least 1. Frictionless enforces those only while the descriptor says so,
so each is declared again here, and a descriptor that drops or loosens one is itself a problem.
"""

from __future__ import annotations

import json

from reviewkit.model import paths, schema
from reviewkit.model.problems import Problem

FILE = "data/datapackage.json"
REFERENCE_COLUMN = "reference"  # every column of this name is a key of references.bib

# table -> its primary key (rows are found, linked and published by it).
PRIMARY_KEYS = {
    "clinical_studies": "study_id",
    "clinical_results": "result_id",
    "outcomes": "outcome_id",
    "platforms": "platform_id",
    "updates": "update_id",
    "approved_products": "product_id",
    "source_checks": "check_id",
    "preclinical_studies": "study_id",
    "preclinical_targets": "target_id",
    "glossary": "abbreviation",
}
# (table, column) -> (table, column) it must name a row of.
FOREIGN_KEYS = {
    ("clinical_results", "study_id"): ("clinical_studies", "study_id"),
    ("clinical_results", "outcome"): ("outcomes", "outcome_id"),
    ("clinical_results", "update_id"): ("updates", "update_id"),
    ("clinical_studies", "platform"): ("platforms", "platform_id"),
    ("clinical_studies", "update_id"): ("updates", "update_id"),
    ("approved_products", "update_id"): ("updates", "update_id"),
    ("approved_products", "source_check"): ("source_checks", "check_id"),
    ("source_checks", "study_id"): ("clinical_studies", "study_id"),
    ("source_checks", "product_id"): ("approved_products", "product_id"),
    ("preclinical_targets", "study_id"): ("preclinical_studies", "study_id"),
}
# (table, column) -> (type, constraints it must keep: required true, a minimum at least this, an enum).
COLUMNS = {
    ("clinical_studies", "provenance"): ("string", {"required": True, "enum": True}),
    ("clinical_studies", "added"): ("date", {}),
    ("clinical_studies", "n_patients"): ("integer", {"minimum": 1}),
    ("clinical_studies", "arms"): ("integer", {"minimum": 1}),
    ("clinical_results", "study_id"): ("string", {"required": True}),
    ("clinical_results", "provenance"): ("string", {"required": True, "enum": True}),
    ("clinical_results", "added"): ("date", {}),
    ("clinical_results", "outcome"): ("string", {"required": True}),
    ("clinical_results", "population_n"): ("integer", {"minimum": 1}),
    ("clinical_results", "relation"): ("string", {"required": True, "enum": True}),
    ("clinical_results", "value"): ("number", {"required": True}),
    ("clinical_results", "value_max"): ("number", {}),
    ("clinical_results", "ci_low"): ("number", {}),
    ("clinical_results", "ci_high"): ("number", {}),
    ("clinical_results", "unit"): ("string", {"required": True, "enum": True}),
    ("outcomes", "units"): ("string", {"required": True}),
    ("outcomes", "range"): ("string", {"required": True}),
    ("outcomes", "range_reason"): ("string", {"required": True}),
    ("outcomes", "at_most"): ("string", {}),
    ("outcomes", "at_most_reason"): ("string", {}),
    ("approved_products", "approval_date"): ("date", {}),
    ("approved_products", "approval_month"): ("yearmonth", {"required": True}),
    ("approved_products", "provenance"): ("string", {"required": True, "enum": True}),
    ("updates", "provenance"): ("string", {"required": True, "enum": True}),
    ("updates", "added"): ("date", {"required": True}),
    ("updates", "date_published"): ("string", {"required": True}),
    ("source_checks", "status"): ("string", {"required": True, "enum": True}),
}
RESTORE = "(git diff data/datapackage.json shows what changed; the toolkit's rules and pages rely on it)"


def _lines() -> list[str]:
    return paths.datapackage_path().read_text(encoding="utf-8").splitlines()


def _line(lines: list[str], table: str, column: str | None = None) -> int | None:
    """The line of the table's "name" in the descriptor, or of its column's "name" after it."""
    start = next((i for i, line in enumerate(lines) if line.strip().rstrip(",") == f'"name": {json.dumps(table)}'),
                 None)
    if start is None or column is None:
        return None if start is None else start + 1
    found = next((i for i in range(start + 1, len(lines))
                  if lines[i].strip().rstrip(",") == f'"name": {json.dumps(column)}'), None)
    return start + 1 if found is None else found + 1


def _foreign_keys(resource: dict) -> set[tuple[str, str, str]]:
    found = set()
    for fk in resource["schema"].get("foreignKeys", []) or []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        fields, target = fk.get("fields"), fk["reference"].get("fields")
        fields = [fields] if isinstance(fields, str) else fields or []
        target = [target] if isinstance(target, str) else target or []
        if len(fields) == 1 and len(target) == 1:
            found.add((fields[0], fk["reference"].get("resource", ""), target[0]))
    return found


def _labels(resources: dict) -> dict[tuple[str, str], tuple[dict, str]]:
    """(table, column) -> (the labels the pages show for its values, where they live): a value with no label
    would pass the check and stop the build. Every table with a provenance column is shown with its labels."""
    from reviewkit.model.provenance import PROVENANCE

    labels = (PROVENANCE, "reviewkit/model/provenance.py PROVENANCE")
    return {(name, "provenance"): labels for name, resource in resources.items()
            if any(f["name"] == "provenance" for f in resource.get("schema", {}).get("fields", []))}


def label_problems(resources: dict, lines: list[str]) -> list[Problem]:
    problems = []
    for (table, column), (labels, where) in _labels(resources).items():
        field = next((f for f in resources.get(table, {}).get("schema", {}).get("fields", []) if f["name"] == column),
                     None)
        for value in ((field or {}).get("constraints") or {}).get("enum") or []:
            if value not in labels:
                problems.append(Problem(FILE, _line(lines, table, column), f"resources[{table}].{column}",
                                        f"the value '{value}' of {table}.{column} has no label for the pages, so the "
                                        "build could not show its rows",
                                        f"add a label for '{value}' to {where} (what readers see beside such a row)"))
    return problems


def check() -> list[Problem]:
    """Every expectation of the toolkit the descriptor no longer meets, at the line of its table or column."""
    resources = {r["name"]: r for r in schema.resources()}
    lines = _lines()
    problems: list[Problem] = []

    def problem(table, column, field, message, fix=RESTORE):
        problems.append(Problem(FILE, _line(lines, table, column), field, message, fix))

    for table in sorted({*PRIMARY_KEYS, *(t for t, _ in COLUMNS), *(t for t, _ in FOREIGN_KEYS)}):
        if table not in resources:
            problem(table, None, f"resources[{table}]", f"the table {table} is missing from the descriptor",
                    f"add the resource and its file again {RESTORE}")
    for table, key in PRIMARY_KEYS.items():
        if table in resources and schema.primary_key(table) != key:
            problem(table, None, f"resources[{table}].schema.primaryKey", f"the primary key of {table} is "
                    f"{resources[table]['schema'].get('primaryKey')!r}, not ['{key}']: its rows could repeat an id",
                    f'set "primaryKey": ["{key}"] again {RESTORE}')
    for (table, column), (target, target_column) in FOREIGN_KEYS.items():
        if table in resources and (column, target, target_column) not in _foreign_keys(resources[table]):
            problem(table, column, f"resources[{table}].schema.foreignKeys",
                    f"{table}.{column} has no foreign key to {target}.{target_column}: a row naming no {target} "
                    "would pass the check and vanish from the pages",
                    f'add {{"fields": "{column}", "reference": {{"resource": "{target}", "fields": '
                    f'"{target_column}"}}}} to its foreignKeys again')
    for table, resource in resources.items():
        names = {f["name"] for f in resource["schema"]["fields"]}
        if REFERENCE_COLUMN in names and (REFERENCE_COLUMN, schema.REFERENCES_RESOURCE, "key") not in _foreign_keys(resource):
            problem(table, REFERENCE_COLUMN, f"resources[{table}].schema.foreignKeys",
                    f"{table}.{REFERENCE_COLUMN} has no foreign key to references.bib: an unknown key would pass",
                    f'add {{"fields": "{REFERENCE_COLUMN}", "reference": {{"resource": "{schema.REFERENCES_RESOURCE}", '
                    '"fields": "key"}} to its foreignKeys again')
    for (table, column), (kind, constraints) in COLUMNS.items():
        if table not in resources:
            continue
        field = next((f for f in resources[table]["schema"]["fields"] if f["name"] == column), None)
        at = f"resources[{table}].{column}"
        if field is None:
            problem(table, None, at, f"the column {table}.{column} is missing from the schema",
                    f"add the column (with its cells) again {RESTORE}")
            continue
        if field.get("type", "string") != kind:
            problem(table, column, f"{at}.type", f"{table}.{column} is typed {field.get('type', 'string')!r}, not "
                    f"{kind!r}: its cells would no longer be read as {kind}s", f'set "type": "{kind}" again')
        have = field.get("constraints") or {}
        if constraints.get("required") and have.get("required") is not True:
            problem(table, column, f"{at}.constraints.required", f"{table}.{column} is no longer required",
                    f'set "required": true in its constraints again {RESTORE}')
        if "minimum" in constraints and not (isinstance(have.get("minimum"), (int, float))
                                             and have["minimum"] >= constraints["minimum"]):
            problem(table, column, f"{at}.constraints.minimum", f"{table}.{column} has minimum "
                    f"{have.get('minimum', 'none')}, below the {constraints['minimum']} the book relies on",
                    f'set "minimum": {constraints["minimum"]} (or more) in its constraints again')
        if constraints.get("enum") and not have.get("enum"):
            problem(table, column, f"{at}.constraints.enum", f"{table}.{column} has lost its vocabulary (enum): "
                    "any value would pass", f"put the enum of allowed values back again {RESTORE}")
    return problems + label_problems(resources, lines)
