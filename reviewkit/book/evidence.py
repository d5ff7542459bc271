"""The evidence model: whose statement a row is (the review's, or newer evidence) and how a result reads.

Every evidence table has a ``provenance`` column whose vocabulary lives in data/datapackage.json:
``review`` rows speak for the review; ``update`` (published after the review was received),
``not_in_review`` (published before it, but not included in it) and ``correction`` rows are evidence that is
not the review's, shown as such. The review's voice (key findings, counts, ranges) is computed from ``review``
rows only. The words of the vocabulary live in reviewkit.model.provenance and how a result reads in
reviewkit.model.figures (What changed words rows with them too); here, the helpers chapters call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewkit.i18n.generated import _, translated
# The vocabulary and how a result reads have their homes below every part; a chapter finds them here.
from reviewkit.model.figures import RELATION_WORDS, result_text  # noqa: F401
from reviewkit.model.provenance import PROVENANCE, REVIEW, SOURCE_KINDS  # noqa: F401

if TYPE_CHECKING:  # the build reads the words above without importing pandas; the chapters' kernels have it
    import pandas as pd


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
