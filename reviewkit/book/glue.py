"""Putting data values into prose with myst-nb glue, formatted the same way everywhere.

A glued value is referenced in a chapter as {glue:text}`<row id>.<column>` (see glue_row), so every
number in a sentence names the CSV cell it comes from.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from myst_nb import glue as _myst_glue

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class PlainText(str):
    """A string whose text/plain repr is itself, so {glue:text} shows it without quotes."""

    def __repr__(self) -> str:
        return str(self)


def format_value(value) -> str:
    """A cell value as the book prints it: exact digits, never rounded.

    Integers print as themselves, decimals with their own digits (57.4, 92.9); values of 100,000 or
    more with a power of ten (8e10 -> "8 × 10¹⁰", 1.6e8 -> "1.6 × 10⁸").
    """
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        raise ValueError("cannot format a missing value; the source gives none")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        value = value.item() if hasattr(value, "item") else value
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if abs(number) >= 100_000:
            sign, digits, exponent = number.normalize().as_tuple()
            power = len(digits) - 1 + exponent
            mantissa = Decimal((sign, digits, -(len(digits) - 1))).normalize()
            text = f"{mantissa:f}"
            return f"10{str(power).translate(SUPERSCRIPT)}" if text == "1" else f"{text} × 10{str(power).translate(SUPERSCRIPT)}"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return f"{number:f}" if isinstance(value, float) else str(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


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
    from reviewkit.book.evidence import result_text

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
