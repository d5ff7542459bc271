"""How a value and a result read on the pages, exactly as stored: every digit kept, nothing rounded.

The pages, the glued sentences, the tables, the charts and What changed all print a cell through here, so one
figure reads the same wherever it appears.
"""

from __future__ import annotations

import sys
from decimal import Decimal

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _pandas():
    """pandas if something already imported it. A value can be one of pandas' own (NA, NaT, Timestamp) only then,
    so the build, which reads these words outside the kernels, never has to import it."""
    return sys.modules.get("pandas")


def is_missing(value) -> bool:
    """No value in one cell: None, NaN, or what pandas counts as missing (NA, NaT, numpy's NaN and NaT)."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    pandas = _pandas()
    return pandas is not None and not isinstance(value, str) and pandas.isna(value) is True


def format_value(value) -> str:
    """A cell value as the book prints it: exact digits, never rounded.

    Integers print as themselves, decimals with their own digits (57.4, 92.9); values of 100,000 or
    more with a power of ten (8e10 -> "8 × 10¹⁰", 1.6e8 -> "1.6 × 10⁸").
    """
    if is_missing(value):
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
    pandas = _pandas()
    if pandas is not None and isinstance(value, pandas.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


RELATION_WORDS = {"=": "", "<": "< ", "≤": "≤ ", ">": "> ", "≥": "≥ ", "up to": "up to ", "at least": "at least "}
UNIT_SUFFIX = {"percent": "%", "percent of patients": "% of patients", "months": " months", "weeks": " weeks",
               "years": " years", "patients": " patients",
               "cells": " cells", "cells per infusion": " cells per infusion", "cells/kg": " cells/kg",
               "grade": "", "lines of therapy": " lines", "ratio": "", "P value": "", "one-sided P value": ""}
# A P value is written before its value, with the qualifier its unit carries.
P_VALUE_UNITS = {"P value": "P", "one-sided P value": "one-sided P"}
# A count of exactly one reads in the singular ("1 patient", "1 month"), never "1 patients".
SINGULAR_SUFFIX = {"months": " month", "weeks": " week", "years": " year", "patients": " patient", "cells": " cell",
                   "lines of therapy": " line"}


def unit_suffix(unit: str, value: str) -> str:
    """The unit as printed after ``value`` (already formatted): singular for exactly one."""
    if value == "1" and unit in SINGULAR_SUFFIX:
        return SINGULAR_SUFFIX[unit]
    return UNIT_SUFFIX.get(unit, " " + unit)


def result_text(row) -> str:
    """A result as readers see it: relation, value or range, unit and 95% CI, exactly as stored."""
    value = format_value(row["value"])
    if not is_missing(row.get("value_max")):
        value = f"{value}–{format_value(row['value_max'])}"
    if row["unit"] == "grade":
        value = f"grade {value}"
    if row["unit"] in P_VALUE_UNITS:
        return f"{P_VALUE_UNITS[row['unit']]} {row['relation']} {value}"
    text = f"{RELATION_WORDS.get(row['relation'], row['relation'] + ' ')}{value}{unit_suffix(row['unit'], value)}"
    low, high = row.get("ci_low"), row.get("ci_high")
    if not is_missing(low) or not is_missing(high):
        low_text = "not reached" if is_missing(low) else format_value(low)
        high_text = "not reached" if is_missing(high) else format_value(high)
        text += f" (95% CI {low_text}–{high_text})"
    return text
