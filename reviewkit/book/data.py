"""Loading the book's tables: typed by their schema, validated, and recorded as chapter inputs."""

from __future__ import annotations

from functools import cache

import pandas as pd

from reviewkit.model import inputs, paths, schema
from reviewkit.book import runtime
from reviewkit.model.problems import CheckFailed


@cache
def _validated(fingerprint: tuple) -> None:
    """Once per state of the files: nothing to do where the check memo holds the data as passed as they are now
    (a build checks them before its kernels run, reviewkit.checks.run); otherwise validate them here."""
    from reviewkit.checks.run import passed

    if passed("data"):
        return
    from reviewkit.checks import validate  # frictionless: only imported where the package is validated here

    problems = validate.validate_package()
    if problems:
        raise CheckFailed(problems)


def _fingerprint() -> tuple:
    files = [paths.datapackage_path(), paths.bibliography_path()]
    files += [paths.data_dir() / r["path"] for r in schema.resources()]
    return tuple((str(f), f.stat().st_mtime_ns if f.exists() else None) for f in files)


BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def ensure_valid() -> None:
    """Raise CheckFailed (listing every problem) unless data/ passed the check or passes validation; decided
    once per state of the files (_validated)."""
    with runtime.toolkit_read():  # validation opens every table; only what a chapter loads is its input
        _validated(_fingerprint())


def typed_frame(header: list[str], rows: list[tuple[int, list[str]]], dtypes: dict[str, str]) -> pd.DataFrame:
    """The rows of the toolkit's one CSV reader (reviewkit.model.inputs) as a DataFrame: empty cells missing
    (<NA>), each column of its pandas dtype. Built from the reader's rows, not by pandas' own parser, so a
    chapter sees exactly the rows (and cells) that `make check` validated and the history compares."""
    frame = pd.DataFrame([cells for _, cells in rows if cells], columns=header, dtype="string")
    frame = frame.mask(frame == "")
    for column in header:
        kind = dtypes.get(column, "string")
        if kind in ("Int64", "Float64"):
            frame[column] = pd.to_numeric(frame[column]).astype(kind)
        elif kind == "boolean":  # the spellings frictionless accepts for a boolean (its default trueValues/falseValues)
            frame[column] = frame[column].str.lower().map(BOOLEANS).astype("boolean")
        elif kind != "string":
            frame[column] = frame[column].astype(kind)
    return frame


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
        header, rows = inputs.read_csv_cells(path)
    frame = typed_frame(header, rows, dtypes)
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
