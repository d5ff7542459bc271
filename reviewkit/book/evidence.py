"""The evidence model: whose statement a row is (the review's, or newer evidence) and how a result reads.

Every evidence table has a ``provenance`` column whose vocabulary lives in data/datapackage.json:
``review`` rows speak for the review; ``update`` (published after the review was received),
``not_in_review`` (published before it, but not included in it) and ``correction`` rows are evidence that is
not the review's, shown as such. The review's voice (key findings, counts, ranges) is computed from ``review``
rows only. How readers see each value of the vocabulary (badges, headings, chart legends) is decided here.
"""

from __future__ import annotations

import pandas as pd

from reviewkit.book.glue import format_value
from reviewkit.i18n.generated import _, N_, translated

REVIEW = "review"
# How each value of the provenance vocabulary (data/datapackage.json) reads: a table badge, a heading for a
# box or a list, and a chart legend. tests/book/test_evidence_vocabulary.py checks every schema value has one.
PROVENANCE = {
    "review": {"badge": N_("Review"), "heading": N_("The review"), "legend": N_("the review")},
    "update": {"badge": N_("Since the review"), "heading": N_("Since the review"),
               "legend": N_("since the review")},
    "not_in_review": {"badge": N_("Not in the review"), "heading": N_("Not in the review (published before it)"),
                      "legend": N_("not in the review (published before it)")},
    "correction": {"badge": N_("Correction"), "heading": N_("Correction to the review"),
                   "legend": N_("correction to the review")},
}

# What kind of source a newer figure comes from (updates.source_kind), as readers see it.
SOURCE_KINDS = {
    "peer_reviewed_paper": N_("Peer-reviewed paper"),
    "conference_abstract": N_("Conference abstract (not a full peer-reviewed paper)"),
    "company_announcement": N_("Company announcement (not peer-reviewed)"),
    "news_report": N_("News report (second-hand)"),
    "registry_record": N_("Trial-registry record"),
    "regulator_notice": N_("Regulator's notice"),
    "mirror": N_("Mirror (a third-party copy of a record)"),
    "bibliographic_record": N_("Bibliographic record (a database entry, such as PubMed's)"),
}


def provenance_word(provenance: str, form: str = "badge") -> str:
    """How a provenance value reads to readers (``form``: badge, heading or legend)."""
    return translated(PROVENANCE[provenance][form])


def source_kind_label(kind: str) -> str:
    return translated(SOURCE_KINDS[kind])


def how_we_know_parts(row) -> list[tuple[str, str]]:
    """How a newer figure is known, as (label, value) pairs: kind of source, what was read, confidence.
    ``row`` is a record of data/updates.csv (a mapping). Labels are toolkit text (translated per edition)."""
    confidence = row.get("confidence_note") or row.get("confidence")
    return [("", source_kind_label(row["source_kind"])), (_("what was read:"), row["what_was_read"]),
            (_("confidence:"), confidence)]


def how_we_know(row) -> str:
    """One line saying how a newer figure is known: kind of source, what was read, confidence."""
    return "; ".join(f"{label} {value}" if label else value for label, value in how_we_know_parts(row))


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


def result_text(row: pd.Series) -> str:
    """A result as readers see it: relation, value or range, unit and 95% CI, exactly as stored."""
    value = format_value(row["value"])
    if pd.notna(row.get("value_max")):
        value = f"{value}–{format_value(row['value_max'])}"
    if row["unit"] == "grade":
        value = f"grade {value}"
    if row["unit"] in P_VALUE_UNITS:
        return f"{P_VALUE_UNITS[row['unit']]} {row['relation']} {value}"
    text = f"{RELATION_WORDS.get(row['relation'], row['relation'] + ' ')}{value}{unit_suffix(row['unit'], value)}"
    low, high = row.get("ci_low"), row.get("ci_high")
    if pd.notna(low) or pd.notna(high):
        low_text = format_value(low) if pd.notna(low) else "not reached"
        high_text = format_value(high) if pd.notna(high) else "not reached"
        text += f" (95% CI {low_text}–{high_text})"
    return text
