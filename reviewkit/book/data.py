"""Loading the book's tables: typed by their schema, validated, and recorded as chapter inputs."""

from __future__ import annotations

import os
from functools import cache

import pandas as pd

from reviewkit.model import paths, schema
from reviewkit.book import runtime
from reviewkit.model.problems import CheckFailed


@cache
def _validated(fingerprint: tuple) -> None:
    from reviewkit.checks import validate  # frictionless: only imported where the package is validated here

    problems = validate.validate_package()
    if problems:
        raise CheckFailed(problems)


def _fingerprint() -> tuple:
    files = [paths.datapackage_path(), paths.bibliography_path()]
    files += [paths.data_dir() / r["path"] for r in schema.resources()]
    return tuple((str(f), f.stat().st_mtime_ns if f.exists() else None) for f in files)


VALIDATED_BY_BUILD = runtime.VALIDATED_BY_BUILD


def ensure_valid() -> None:
    """Raise CheckFailed (listing every problem) unless data/ passes validation; cached per file state,
    and skipped inside a build whose pre-build check already passed."""
    if os.environ.get(VALIDATED_BY_BUILD) == str(paths.root()):
        return
    with runtime.toolkit_read():  # validation opens every table; only what a chapter loads is its input
        _validated(_fingerprint())


def load(name: str) -> pd.DataFrame:
    """The table ``name`` of data/datapackage.json as a DataFrame typed by its schema.

    Empty cells are missing values (<NA>); dates are parsed; rows keep the file's order.
    """
    ensure_valid()
    resource = schema.resource(name)
    path = schema.resource_path(name)
    dtypes, dates = {}, []
    for field in resource["schema"]["fields"]:
        if field["type"] == "date":
            dates.append(field["name"])
            dtypes[field["name"]] = "string"
        else:
            dtypes[field["name"]] = schema.PANDAS_DTYPES.get(field["type"], "string")
    with runtime.toolkit_read():
        frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    for column in dates:
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    runtime.record_read(paths.relative(path))
    return frame


def row(name: str, row_id: str) -> pd.Series:
    """One row of a table by its primary key."""
    frame = load(name)
    key = schema.primary_key(name)
    match = frame[frame[key] == row_id]
    if match.empty:
        raise KeyError(f"data/{schema.resource(name)['path']} has no row with {key} = '{row_id}'. "
                       f"Known: {', '.join(frame[key].astype(str))}.")
    return match.iloc[0]


def field_titles(name: str) -> dict[str, str]:
    """Column name -> its human title from the schema (used as table headers)."""
    return {f["name"]: f.get("title", f["name"]) for f in schema.fields(name)}
