"""The evidence model: whose statement a row is (the review's, or newer evidence) and how a result reads.

Every evidence table has a ``provenance`` column whose vocabulary lives in data/datapackage.json:
``review`` rows speak for the review; ``update`` and ``correction`` rows are newer evidence, shown as such.
The review's voice (key findings, counts, ranges) is computed from ``review`` rows only.
"""

from __future__ import annotations

import pandas as pd

from .glue import format_value

REVIEW = "review"


def of_review(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows that state what the review states."""
    return frame[frame["provenance"] == REVIEW]


def since_review(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of newer evidence (updates and corrections)."""
    return frame[frame["provenance"] != REVIEW]


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order the book presents them (their ``position``), the review's first."""
    rank = (frame["provenance"] != REVIEW).astype(int)
    return frame.assign(_rank=rank).sort_values(["_rank", "position"], kind="stable").drop(columns="_rank")


RELATION_WORDS = {"=": "", "<": "< ", "≤": "≤ ", ">": "> ", "≥": "≥ ", "up to": "up to ", "at least": "at least "}
UNIT_SUFFIX = {"percent": "%", "months": " months", "weeks": " weeks", "patients": " patients",
               "cells": " cells", "cells per infusion": " cells per infusion", "cells/kg": " cells/kg",
               "grade": "", "lines of therapy": " lines", "ratio": "", "P value": ""}
# A count of exactly one reads in the singular ("1 patient", "1 month"), never "1 patients".
SINGULAR_SUFFIX = {"months": " month", "weeks": " week", "patients": " patient", "cells": " cell",
                   "lines of therapy": " line"}


def unit_suffix(unit: str, value: str) -> str:
    """The unit as printed after ``value`` (already formatted): singular for exactly one."""
    if value == "1" and unit in SINGULAR_SUFFIX:
        return SINGULAR_SUFFIX[unit]
    return UNIT_SUFFIX.get(unit, " " + unit)


def result_text(row: pd.Series) -> str:
    """A result as readers see it: relation, value or range, unit and 95% CI, exactly as stored."""
    value = format_value(row["value"])
    if pd.notna(row.get("value_max")):
        value = f"{value}–{format_value(row['value_max'])}"
    if row["unit"] == "grade":
        value = f"grade {value}"
    if row["unit"] == "P value":
        return f"P {row['relation']} {value}"
    text = f"{RELATION_WORDS.get(row['relation'], row['relation'] + ' ')}{value}{unit_suffix(row['unit'], value)}"
    low, high = row.get("ci_low"), row.get("ci_high")
    if pd.notna(low) or pd.notna(high):
        low_text = format_value(low) if pd.notna(low) else "not reached"
        high_text = format_value(high) if pd.notna(high) else "not reached"
        text += f" (95% CI {low_text}–{high_text})"
    return text
