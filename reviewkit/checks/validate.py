"""Validation of data/ with the frictionless library, reported as author-facing problems."""

from __future__ import annotations

import json

import frictionless

from reviewkit.model import bibliography, inputs, keys, paths, schema
from reviewkit.checks import cells, foreign_keys
from reviewkit.checks.memo import CheckMemo
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


def _bibliography_keys() -> list[str] | None:
    """references.bib's keys ([] without the file); None if it cannot be read (its own check reports it)."""
    try:
        return bibliography.keys() if paths.bibliography_path().is_file() else []
    except inputs.Unreadable:
        return None


def _descriptor_with_references(skip: set[str], bib_keys: list[str] | None) -> dict:
    """The descriptor as frictionless validates it: references.bib's keys as a resource, and without the
    resources whose files cannot be read (they are reported already; reading them would only crash). Foreign
    keys between text columns are checked by checks.foreign_keys, so frictionless is not given them."""
    descriptor = json.loads(json.dumps(schema.descriptor()))
    unchecked = skip if bib_keys is not None else skip | {schema.REFERENCES_RESOURCE}
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("name") not in skip | {schema.REFERENCES_RESOURCE}]
    tables = {r["name"]: r for r in descriptor["resources"]}
    for resource in descriptor["resources"]:
        # Match columns to fields by name ("equal": same set, any order), so problems name the column.
        resource["schema"]["fieldsMatch"] = "equal"
        resource["schema"]["foreignKeys"] = [
            fk for fk in resource["schema"].get("foreignKeys", []) if fk["reference"]["resource"] not in unchecked
            and not any(foreign_keys.text_only(resource, parsed, tables, schema.REFERENCES_RESOURCE)
                        for parsed in keys.foreign_keys({"schema": {"foreignKeys": [fk]}}))]
    descriptor["resources"].append({
        "name": schema.REFERENCES_RESOURCE,
        "profile": "tabular-data-resource",
        "data": [["key"]] + [[key] for key in bib_keys or []],
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


def _validation_key(resource: dict) -> str:
    return f"data/{resource.get('path') or resource['name']}"  # references.bib's keys: data/references


def _fingerprint(memo: CheckMemo, resource: dict, bib_keys: list[str] | None) -> str:
    """What frictionless's verdict on one table depends on: the descriptor, the table's file, and the files (or
    bibliography keys) of the foreign keys it is given (checks.foreign_keys checks the others)."""
    if resource["name"] == schema.REFERENCES_RESOURCE:  # its keys, as a table with a primary key
        return memo.fingerprint((), settings=json.dumps(bib_keys))
    targets = [fk["reference"]["resource"] or resource["name"] for fk in resource["schema"].get("foreignKeys", [])]
    files = ("data/datapackage.json", _validation_key(resource),
             *(f"data/{schema.resource(t)['path']}" for t in targets if t != schema.REFERENCES_RESOURCE))
    settings = json.dumps(bib_keys) if schema.REFERENCES_RESOURCE in targets else ""
    return memo.fingerprint(files, settings=settings)


def validate_package(memo: CheckMemo | None = None) -> list[Problem]:
    """Every problem in data/: the descriptor, unreadable or undescribed files, cell hygiene, foreign keys, then
    everything frictionless finds in the readable tables. With the check ``memo``, frictionless reads only the
    tables whose verdict the memo does not hold for their content: after a CSV edit, that table alone."""
    try:
        package = schema.descriptor()
    except inputs.Unreadable as error:
        return [error.problem]
    problems = schema.structure_problems(package)
    if problems:
        return problems
    tables = {r["name"]: r for r in schema.resources()}
    files = cells.check(list(tables.values()))
    problems = list(files.problems)
    for resource in tables.values():
        if resource["name"] in files.headers:
            problems += _header_problems(resource, files.headers[resource["name"]])
    bib_keys = _bibliography_keys()
    problems += foreign_keys.problems(tables, files.records, files.headers, bib_keys,
                                      references=schema.REFERENCES_RESOURCE)
    descriptor = _descriptor_with_references(files.unreadable, bib_keys)
    pending = {}
    for resource in descriptor["resources"]:
        fingerprint = _fingerprint(memo, resource, bib_keys) if memo is not None else ""
        if memo is None or not memo.passed(_validation_key(resource), fingerprint):
            pending[resource["name"]] = fingerprint
    if not pending:
        return problems
    needed = set(pending) | {schema.REFERENCES_RESOURCE} | {
        fk["reference"]["resource"] for r in descriptor["resources"] if r["name"] in pending
        for fk in r["schema"].get("foreignKeys", [])}
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in needed]
    try:
        package = frictionless.Package(descriptor, basepath=str(paths.data_dir()))
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
        if memo is not None and task.name in pending and not task.errors and not report.errors:
            memo.record(_validation_key(tables.get(task.name) or {"name": task.name}), pending[task.name])
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
            if error.type == "foreign-key" and task.name in tables:
                fix = foreign_keys.fix(tables[task.name], field, tables, schema.REFERENCES_RESOURCE) or fix
            problems.append(Problem(file, row if row is not None else (1 if "label" in error.type else None),
                                    field, message, fix))
    return problems
