"""The source audit's figures, derived from data/source_checks.csv."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from . import paths, statuses

if TYPE_CHECKING:  # `make check` reads the audit without loading pandas
    import pandas as pd


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
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["check_id"]: (line, row) for line, row in enumerate(csv.DictReader(handle), start=2)}
