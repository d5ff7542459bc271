"""The data package descriptor (data/datapackage.json): the one place a column's meaning lives."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from reviewkit.model import inputs, paths
from reviewkit.model.problems import Problem

# The bibliography is not a CSV; its keys are injected as this resource so that foreign keys
# from `reference` columns to references.bib are checked like any other.
REFERENCES_RESOURCE = "references"

# Table Schema type -> pandas dtype used by the loader.
PANDAS_DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "yearmonth": "string",
    "year": "Int64",
}


@cache
def _descriptor(path: str, mtime_ns: int) -> dict:
    return inputs.load_json(Path(path))


def descriptor() -> dict:
    """The parsed descriptor; raises inputs.Unreadable (with the line) if it is missing or not JSON."""
    path = paths.datapackage_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = None
    return _descriptor(str(path), mtime)


# A resource's file is a plain name inside data/ (it is published beside the pages as it is).
RESOURCE_PATH = re.compile(r"^[a-z0-9][a-z0-9_.-]*\.csv$")


def structure_problems(package) -> list[Problem]:
    """What the toolkit relies on in the descriptor, checked before anything reads it by name."""
    where = "data/datapackage.json"
    fix = "restore the descriptor's structure (git diff data/datapackage.json shows what changed)"

    def problem(field: str, message: str, fix: str = fix) -> Problem:
        return Problem(where, None, field, message, fix)

    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        return [problem("resources", "the descriptor must be an object with a list of 'resources'")]
    problems = []
    for index, resource in enumerate(package["resources"]):
        at = f"resources[{index}]"
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            problems.append(problem(at, "each resource must be an object with a 'name'"))
            continue
        if resource["name"] == REFERENCES_RESOURCE:
            continue
        at = f"resources[{resource['name']}]"
        if not isinstance(resource.get("path"), str) or not RESOURCE_PATH.match(resource["path"]):
            problems.append(problem(f"{at}.path", f"path {resource.get('path')!r} is not a CSV file name in data/",
                                    "give the resource's file as a plain name, e.g. \"path\": \"glossary.csv\""))
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields or not all(
                isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
            problems.append(problem(f"{at}.schema", "the resource needs a schema whose 'fields' are objects with a 'name'"))
            continue
        for key in ("primaryKey",):
            value = schema.get(key)
            names = [value] if isinstance(value, str) else value or []
            if not isinstance(names, list) or any(n not in {f["name"] for f in fields} for n in names):
                problems.append(problem(f"{at}.schema.{key}", f"{key} {value!r} names no field of the schema"))
        for fk in schema.get("foreignKeys", []):
            if not (isinstance(fk, dict) and fk.get("fields") and isinstance(fk.get("reference"), dict)
                    and "resource" in fk["reference"]):
                problems.append(problem(f"{at}.schema.foreignKeys", "each foreign key needs 'fields' and a "
                                        "'reference' with a 'resource'"))
    return problems


def resources() -> list[dict]:
    return [r for r in descriptor().get("resources", []) if r.get("name") != REFERENCES_RESOURCE]


def resource(name: str) -> dict:
    for candidate in resources():
        if candidate.get("name") == name:
            return candidate
    known = ", ".join(sorted(r["name"] for r in resources()))
    raise KeyError(f"data/datapackage.json has no table named '{name}'. Known tables: {known}.")


def resource_path(name: str) -> Path:
    return paths.data_dir() / resource(name)["path"]


def fields(name: str) -> list[dict]:
    return resource(name)["schema"]["fields"]


def primary_key(name: str) -> str | None:
    """The one field that names a row of table ``name`` (reviewkit.model.keys)."""
    from reviewkit.model import keys

    return keys.primary_key(resource(name))
