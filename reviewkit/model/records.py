"""The data tables read as text records, through the safe reader (reviewkit.model.inputs): for `make check`, the
build's directives and the watch, which need rows and their file lines but no typed loading or validation.
"""

from __future__ import annotations

import math
from pathlib import Path

from reviewkit.model import inputs, keys, paths, schema
from reviewkit.model.problems import Problem

Row = dict[str, str]

# The resources of data/datapackage.json the toolkit reads by name.
SOURCE_CHECKS, UPDATES = "source_checks", "updates"
# The columns of data/source_checks.csv the toolkit reads by name (its boxes, the audit table, the rules).
SOURCE_CHECK_COLUMNS = ("check_id", "review_section", "claim", "review_value", "primary_source_value", "status",
                        "what_was_read", "note")


def read(path: Path, required: tuple[str, ...] = ()) -> list[tuple[int, Row]]:
    """(line where the row starts in the file, row with stripped cells) of the CSV file ``path``.

    ``required``: columns the caller reads by name; one missing from the header is Unreadable (line 1)."""
    header, records = inputs.read_records(path)
    missing = [column for column in required if column not in header]
    if missing:
        raise inputs.Unreadable(Problem(paths.relative(path), 1, missing[0],
                                        f"column '{missing[0]}' is missing from the header (it was renamed or deleted)",
                                        "restore the column's name: the build reads it by name "
                                        "(see data/datapackage.json)"))
    return [(line, {key: value.strip() for key, value in row.items()}) for line, row in records]


def rows(name: str) -> list[tuple[int, Row]]:
    """(line where the row starts in the file, row with stripped cells) of table ``name``; [] without its file."""
    path = schema.resource_path(name)
    if not path.is_file():
        return []
    return read(path)


def by_id(path: Path, field: str, required: tuple[str, ...] = ()) -> dict[str, tuple[int, Row]]:
    """Rows of the CSV ``path`` by their one-field key ``field``: {id: (line, row)}, {} without the file.
    A repeated or empty id is left to the validation (the data package's primaryKey) to report."""
    if not path.is_file():
        return {}
    found, _ = keys.index(read(path, (field, *required)), [field], paths.relative(path))
    return {key[0]: entry for key, entry in found.items()}


def rows_by_key(name: str) -> dict[str, Row]:
    """Rows of table ``name`` by its primary key (one field; keys.normalise), {} without its file. Look a row up
    by ``keys.normalise(value)``, as the foreign-key check does, so a reference it passes is found here too."""
    resource = next((r for r in schema.resources() if r["name"] == name), None)
    field = keys.primary_key(resource) if resource else None
    if field is None:
        return {}
    return {key: row for key, (_, row) in by_id(schema.resource_path(name), field).items()}


def source_check_rows() -> dict[str, tuple[int, Row]]:
    """check_id -> (line in data/source_checks.csv, row), read as text: the build's directives and `make check`
    need no kernel or validation. Raises inputs.Unreadable, with the line, for a broken file."""
    return by_id(schema.resource_path(SOURCE_CHECKS), "check_id", SOURCE_CHECK_COLUMNS)


def update_rows() -> dict[str, tuple[int, Row]]:
    """update_id -> (line in data/updates.csv, row), read as text (no kernel or validation needed)."""
    if UPDATES not in {resource["name"] for resource in schema.resources()}:
        return {}
    return by_id(schema.resource_path(UPDATES), "update_id")


def column_cells(field: str) -> list[str]:
    """Every non-empty cell of every table that has a column named ``field`` (e.g. all `reference` keys)."""
    found = []
    for resource in schema.resources():
        if any(f["name"] == field for f in resource["schema"]["fields"]):
            found += [row[field] for _, row in rows(resource["name"]) if row.get(field)]
    return found


def number(text: str) -> float | None:
    """A cell as a finite number, or None (empty, not a number, NaN or infinite: the schema's rules say why)."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None
