"""Validation of data/ with the frictionless library, reported as author-facing problems."""

from __future__ import annotations

import json

import frictionless

from reviewkit.model import bibliography, inputs, paths, schema
from reviewkit.checks import cells
from reviewkit.model.problems import Problem

# What to do about each kind of frictionless error, in an author's words.
FIXES = {
    "type-error": "write a value of the column's type (see its description in data/datapackage.json), "
                  "or leave the cell empty if the source gives none",
    "constraint-error": "use a value the schema allows for this column (data/datapackage.json lists them)",
    "required-error": "fill in this cell: the column is required",
    "unique-error": "ids must be unique: give this row its own id",
    "primary-key": "ids must be unique: give this row its own id",
    "foreign-key": "use an id or key that exists in the referenced table (for `reference`: a key of references.bib)",
    "extra-label": "unknown columns are rejected: add the column to the table's schema in data/datapackage.json "
                   "(with a title and description) or remove it",
    "missing-label": "add the column to the CSV header (leave its cells empty where the source gives no value)",
    "incorrect-label": "the header must match the schema's field names in order",
    "duplicate-label": "each column name appears once in the header",
    "blank-label": "give every column a name in the header row",
    "extra-cell": "this row has more cells than the header: check for an unquoted comma",
    "missing-cell": "this row has fewer cells than the header: check for a missing comma or quote",
    "blank-row": "delete the empty row",
    "encoding-error": "save the file as UTF-8",
    "source-error": "save the file as UTF-8 comma-separated values with one header row",
    "scheme-error": "restore the file or correct its path in data/datapackage.json",
}
DEFAULT_FIX = "compare the row with the schema in data/datapackage.json"


def _descriptor_with_references(skip: set[str]) -> dict:
    """The descriptor as frictionless validates it: references.bib's keys as a resource, and without the
    resources whose files cannot be read (they are reported already; reading them would only crash)."""
    descriptor = json.loads(json.dumps(schema.descriptor()))
    try:
        keys = bibliography.keys() if paths.bibliography_path().is_file() else []
        unchecked = skip
    except inputs.Unreadable:  # reported by the bibliography's check; its keys cannot be compared
        keys, unchecked = [], skip | {schema.REFERENCES_RESOURCE}
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("name") not in skip | {schema.REFERENCES_RESOURCE}]
    for resource in descriptor["resources"]:
        # Match columns to fields by name ("equal": same set, any order), so problems name the column.
        resource["schema"]["fieldsMatch"] = "equal"
        resource["schema"]["foreignKeys"] = [fk for fk in resource["schema"].get("foreignKeys", [])
                                             if fk["reference"]["resource"] not in unchecked]
    descriptor["resources"].append({
        "name": schema.REFERENCES_RESOURCE,
        "profile": "tabular-data-resource",
        "data": [["key"]] + [[key] for key in keys],
        "schema": {"fields": [{"name": "key", "type": "string"}], "primaryKey": ["key"]},
    })
    return descriptor


def _header_problems(resource: dict, header: list[str]) -> list[Problem]:
    """Header columns the schema does not know (columns are matched by name, so their order is free, but an
    unknown column is rejected rather than silently ignored)."""
    name = f"data/{resource['path']}"
    known = {field["name"] for field in resource["schema"]["fields"]}
    return [Problem(name, 1, column, f"column '{column}' is not in the schema", FIXES["extra-label"])
            for column in header if column not in known]


def _foreign_key_fix(resource_name: str, field: str | None) -> str | None:
    """Name the table (and file) whose ids the column must use, from the schema's foreign keys."""
    try:
        foreign_keys = schema.resource(resource_name)["schema"].get("foreignKeys", [])
    except KeyError:
        return None
    for foreign_key in foreign_keys:
        fields = foreign_key["fields"] if isinstance(foreign_key["fields"], str) else ",".join(foreign_key["fields"])
        if fields != field:
            continue
        target = foreign_key["reference"]["resource"]
        key = foreign_key["reference"]["fields"]
        if target == schema.REFERENCES_RESOURCE:
            return "use a key of references.bib (`make check` lists unknown ones) or add the entry there"
        return (f"use a {key} that exists in data/{schema.resource(target)['path']}, "
                f"or add that row there first")
    return None


def validate_package() -> list[Problem]:
    """Every problem in data/: the descriptor, unreadable or undescribed files, cell hygiene, then everything
    frictionless finds in the readable tables."""
    try:
        package = schema.descriptor()
    except inputs.Unreadable as error:
        return [error.problem]
    problems = schema.structure_problems(package)
    if problems:
        return problems
    files = cells.check(schema.resources())
    problems = list(files.problems)
    for resource in schema.resources():
        if resource["name"] in files.headers:
            problems += _header_problems(resource, files.headers[resource["name"]])
    try:
        package = frictionless.Package(_descriptor_with_references(files.unreadable), basepath=str(paths.data_dir()))
    except frictionless.FrictionlessException as error:
        reasons = [reason.message for reason in getattr(error, "reasons", [])] or [str(error)]
        return problems + [Problem("data/datapackage.json", None, None, reason,
                                   "fix the descriptor so it is a valid Tabular Data Package (see frictionless docs)")
                           for reason in reasons]
    report = package.validate()
    for error in report.errors:  # the descriptor itself
        problems.append(Problem("data/datapackage.json", None, None, error.message,
                                "fix the descriptor so it is a valid Data Package"))
    for task in report.tasks:
        file = f"data/{task.place}" if not str(task.place).startswith("data/") else str(task.place)
        for error in task.errors:
            row = files.line(task.name, getattr(error, "row_number", None))
            field = (getattr(error, "field_name", None) or getattr(error, "label", None)
                     or ", ".join(getattr(error, "field_names", None) or []) or None)
            cell = getattr(error, "cell", None)
            detail = error.note or error.description
            message = f"{error.title.lower()}: {detail}"
            if cell not in (None, ""):
                message += f" (cell value: {cell!r})"
            if error.type == "extra-label":
                message = f"column '{field}' is not in the schema"
            elif error.type == "missing-label":
                message = f"required column '{field}' is missing from the header"
            fix = FIXES.get(error.type, DEFAULT_FIX)
            if error.type == "foreign-key":
                fix = _foreign_key_fix(task.name, field) or fix
            problems.append(Problem(file, row if row is not None else (1 if "label" in error.type else None),
                                    field, message, fix))
    return problems
