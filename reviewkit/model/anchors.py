"""Anchors of the places the book shows a row of the data, so that "What changed" can link to them.

Tables give each row the id ``row_anchor(table, key)``; source-check boxes and update boxes carry
it too. reviewkit.sphinx.changelog collects these ids from every page and links each change to its row.
"""

from __future__ import annotations

import re

from reviewkit.model import keys

# Anchors already written by this kernel: one chapter executes in one kernel, so each anchor appears once
# per page even when a row is shown in two tables ("What changed" links to the first).
_written: set[str] = set()


def row_anchor(table: str, key: tuple[str, ...]) -> str:
    """The id of the place a row of ``table`` (a data package resource) with primary key ``key`` is shown."""
    return "row-" + re.sub(r"[^a-z0-9]+", "-", f"{table}--{'--'.join(key)}".lower()).strip("-")


def row_anchor_once(table: str, fields: list[str], row) -> str:
    """The anchor of a table row (a pandas Series), or "" when its key is unknown or already on the page."""
    key = keys.key_of(row, fields)
    if not fields or not all(key):
        return ""
    anchor = row_anchor(table, key)
    if anchor in _written:
        return ""
    _written.add(anchor)
    return anchor
