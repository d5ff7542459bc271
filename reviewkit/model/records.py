"""The data tables read as text records, through the safe reader (reviewkit.model.inputs): for `make check`, the
build's directives and the watch, which need rows and their file lines but no typed loading or validation.
"""

from __future__ import annotations

import math

from reviewkit.model import inputs, schema

Row = dict[str, str]


def rows(name: str) -> list[tuple[int, Row]]:
    """(line where the row starts in the file, row with stripped cells) of table ``name``; [] without its file."""
    path = schema.resource_path(name)
    if not path.is_file():
        return []
    _, records = inputs.read_records(path)
    return [(line, {key: value.strip() for key, value in row.items()}) for line, row in records]


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
