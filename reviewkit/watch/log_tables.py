"""Reading the surveillance tables, and writing every changed file at once (or none)."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from reviewkit.model import inputs, records, schema


def read(name: str) -> tuple[list[str], list[dict]]:
    """(header, rows) of a data-package table; the schema's columns when the file does not exist yet."""
    path = schema.resource_path(name)
    if not path.is_file():
        return [f["name"] for f in schema.fields(name)], []
    header, numbered = inputs.read_records(path)  # the toolkit's one CSV reader: a broken file is Unreadable
    return header, [row for _, row in numbered]


def serialise(header: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue()


def append(name: str, header: list[str], rows: list[dict]) -> str:
    """The table's text with ``rows`` appended, existing lines kept byte for byte."""
    path = schema.resource_path(name)
    if not path.is_file():
        return serialise(header, rows)
    text = path.read_text(encoding="utf-8")
    if rows:
        text = (text if text.endswith("\n") else text + "\n") + serialise(header, rows).split("\n", 1)[1]
    return text


def registry_ids() -> list[str]:
    """Every registry id in the data: the cells of any column named registry_ids, split on ';'."""
    # As written: registry formats differ in case (NCT..., ChiCTR...), and the check validates each.
    return sorted({part.strip() for cell in records.column_cells("registry_ids")
                   for part in cell.split(";") if part.strip()})


def write_all(texts: dict[Path, str]) -> list[Path]:
    """Write every file whose text changed: all to temporary files first, then each moved into place with
    os.replace (atomic per file). A failure before the moves leaves every file as it was."""
    changed = {p: t for p, t in texts.items() if not p.is_file() or p.read_text(encoding="utf-8") != t}
    temporary: dict[Path, str] = {}
    try:
        for target, text in changed.items():
            handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            temporary[target] = name
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
    except BaseException:
        for name in temporary.values():
            Path(name).unlink(missing_ok=True)
        raise
    for target, name in temporary.items():
        mode = target.stat().st_mode & 0o777 if target.is_file() else 0o644
        os.chmod(name, mode)
        os.replace(name, target)
    return sorted(changed)
