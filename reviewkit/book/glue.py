"""Putting data values into prose with myst-nb glue, formatted the same way everywhere.

A glued value is referenced in a chapter as {glue:text}`<row id>.<column>` (see glue_row), so every
number in a sentence names the CSV cell it comes from.
"""

from __future__ import annotations

import pandas as pd
from myst_nb import glue as _myst_glue

# How a value reads lives in reviewkit.model.figures (What changed prints cells with it too); chapters find it here.
from reviewkit.model.figures import format_value, result_text


class PlainText(str):
    """A string whose text/plain repr is itself, so {glue:text} shows it without quotes."""

    def __repr__(self) -> str:
        return str(self)


def glue_value(name: str, value) -> str:
    """Glue one value under ``name`` (no colons) for {glue:text}; returns the text shown."""
    if ":" in name:
        raise ValueError(f"glue name '{name}' must not contain ':' (myst-nb reads it as a format spec)")
    text = PlainText(format_value(value))
    _myst_glue(name, text, display=False)
    return text


def glue_row(row: pd.Series, row_id: str | None = None) -> dict[str, str]:
    """Glue every non-empty cell of a row as ``<row id>.<column>``; returns name -> text."""
    row_id = row_id or str(row.iloc[0])
    glued = {}
    for column, value in row.items():
        if pd.isna(value):
            continue
        name = f"{row_id}.{column}"
        glued[name] = glue_value(name, value)
    return glued


def glue_table(frame: pd.DataFrame) -> dict[str, str]:
    """glue_row for every row of a table (ids from its first column)."""
    glued = {}
    for _, row in frame.iterrows():
        glued.update(glue_row(row))
    return glued


def glue_chart(name: str, chart) -> None:
    """Glue a chart for a ``{glue:figure}`` (numbered, captioned), without displaying it where it is made."""
    _myst_glue(name, chart, display=False)


def glue_results(results: pd.DataFrame) -> dict[str, str]:
    """Glue each result (data/clinical_results.csv) as ``<result_id>.<column>`` and, under ``<result_id>``
    itself, the result as readers see it (relation, value or range, unit, 95% CI)."""
    glued = {}
    for _, row in results.iterrows():
        glued.update(glue_row(row))
        glued[row["result_id"]] = glue_value(row["result_id"], PlainText(result_text(row)))
    return glued


def text_fragment(pattern: str, text: str, where: str) -> str:
    """The part of a free-text data cell that ``pattern`` captures (its first group, else the whole match).

    For figures the review states only inside a sentence (a cost range, a P value, a date in a claim):
    they stay in their one CSV cell, and the build stops with the cell named if its wording changes.
    """
    import re

    match = re.search(pattern, text or "")
    if match is None:
        raise ValueError(f"{where}: the pattern {pattern!r} is not in {text!r}. The cell's wording changed: "
                         "update the chapter that reads it.")
    return match.group(1) if match.groups() else match.group(0)
