"""The source audit's figures, derived from data/source_checks.csv."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewkit.model import statuses

if TYPE_CHECKING:  # `make check` reads the audit without loading pandas
    import pandas as pd


def count_name(status: str) -> str:
    """Glue name of a status count, e.g. 'NOT FOUND' -> 'checks_not_found'."""
    return "checks_" + status.lower().replace(" ", "_")


def status_counts(checks: pd.DataFrame) -> dict[str, int]:
    """Checks per status, in the schema's order, including statuses with no check."""
    counts = checks["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in statuses.names()}
