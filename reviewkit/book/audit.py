"""The source audit's figures, derived from data/source_checks.csv."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewkit.model import inputs, paths, statuses
from reviewkit.model.problems import Problem

if TYPE_CHECKING:  # `make check` reads the audit without loading pandas
    import pandas as pd

# The columns the build reads by name (the boxes, the audit table and the coverage rule).
COLUMNS_READ = ("check_id", "review_section", "claim", "review_value", "primary_source_value", "status",
                "what_was_read", "note")


def count_name(status: str) -> str:
    """Glue name of a status count, e.g. 'NOT FOUND' -> 'checks_not_found'."""
    return "checks_" + status.lower().replace(" ", "_")


def status_counts(checks: pd.DataFrame) -> dict[str, int]:
    """Checks per status, in the schema's order, including statuses with no check."""
    counts = checks["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in statuses.names()}


def source_check_rows() -> dict[str, tuple[int, dict]]:
    """check_id -> (line in data/source_checks.csv, row), read without the loader so that the build's
    directives and `make check` need no kernel or validation."""
    path = paths.data_dir() / "source_checks.csv"
    if not path.is_file():
        return {}
    header, rows = inputs.read_records(path)  # raises inputs.Unreadable, with the line, for a broken file
    missing = [column for column in COLUMNS_READ if column not in header]
    if missing:
        raise inputs.Unreadable(Problem(paths.relative(path), 1, missing[0],
                                        f"column '{missing[0]}' is missing from the header (it was renamed or deleted)",
                                        "restore the column's name: the build reads it by name "
                                        "(see data/datapackage.json)"))
    return {row["check_id"]: (line, row) for line, row in rows}
