"""One trial, one row: the same trial-registry id under two studies is a problem unless the rows link them.

Two reports of one trial (an interim and a final analysis, the review's report and a newer one) are linked, not
repeated: the later row's registry_note names the other row's study_id and says how the two relate. Otherwise
the same patients would be counted, charted and summarised twice. Every table with a `registry_ids` column is
checked, so a new table of studies is covered without code changes.
"""

from __future__ import annotations

import re

from reviewkit.model import paths, records, schema
from reviewkit.model.problems import Problem

COLUMN = "registry_ids"
NOTE = "registry_note"


def _ids(cell: str) -> list[str]:
    """The well-formed registry ids of a cell, as written (a malformed one is its own problem, reported by the
    registries' format rule, not here as well)."""
    from reviewkit.model.registries import registry_of

    return [part.strip() for part in cell.split(";") if part.strip() and registry_of(part.strip()) is not None]


def _names(note: str, study_id: str) -> bool:
    return re.search(rf"(?<![a-z0-9_]){re.escape(study_id)}(?![a-z0-9_])", note) is not None


def check() -> list[Problem]:
    problems = []
    for resource in schema.resources():
        columns = {field["name"] for field in resource["schema"]["fields"]}
        if COLUMN not in columns or not schema.resource_path(resource["name"]).is_file():
            continue
        key = schema.primary_key(resource["name"])
        file = paths.relative(schema.resource_path(resource["name"]))
        first: dict[str, tuple[int, dict]] = {}
        for line, row in records.rows(resource["name"]):
            ids = _ids(row.get(COLUMN, ""))
            for registry_id in sorted({i for i in ids if ids.count(i) > 1}):
                problems.append(Problem(file, line, COLUMN, f"{registry_id} is listed twice in this row",
                                        "list each registry id once"))
            for registry_id in dict.fromkeys(ids):
                if registry_id not in first:
                    first[registry_id] = (line, row)
                    continue
                other_line, other = first[registry_id]
                if _names(row.get(NOTE, ""), other[key]) or _names(other.get(NOTE, ""), row[key]):
                    continue
                problems.append(Problem(
                    file, line, COLUMN, f"{registry_id} is also the trial of {other[key]} (line {other_line}): "
                    "the same patients would be counted twice",
                    f"if this is another report of that trial, say so in {NOTE}, naming {other[key]} and how the "
                    "two reports relate (e.g. interim and final analysis); if it is a different trial, correct the id"))
    return problems
