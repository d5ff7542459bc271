"""The data package descriptor (data/datapackage.json): the one place a column's meaning lives."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from . import paths

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
    return json.loads(Path(path).read_text(encoding="utf-8"))


def descriptor() -> dict:
    path = paths.datapackage_path()
    return _descriptor(str(path), path.stat().st_mtime_ns)


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


def primary_key(name: str) -> str:
    key = resource(name)["schema"].get("primaryKey")
    return key[0] if isinstance(key, list) else key
