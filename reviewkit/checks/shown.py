"""`make check` rules of what the chapters show: every source check is shown once, next to its claim, and every
update record once, in the chapter it names, beside the statement it changes. A finding may not be hidden, nor
shown twice.

The rows are read as text (reviewkit.model.records), the chapters as authors write them
(reviewkit.model.chapters): no kernel, no Sphinx.
"""

from __future__ import annotations

from reviewkit.model import records
from reviewkit.model.chapters import Chapter
from reviewkit.model.problems import Problem


def placements(chapters: list[Chapter], ids_in, known, *, noun: str, key: str, table: str,
               why: str) -> tuple[dict[str, tuple[str, int]], list[Problem]]:
    """Where each row shown with a directive is shown: ``ids_in(chapter)`` lists (line, id). An unknown id,
    or a row shown twice, is a problem (a row is shown once, beside the statement it concerns)."""
    shown: dict[str, tuple[str, int]] = {}
    problems = []
    for chapter in chapters:
        for line, row_id in ids_in(chapter):
            if row_id not in known:
                problems.append(Problem(chapter.name, line, row_id, f"shows unknown {noun} '{row_id}'",
                                        f"use a {key} of {table}"))
            elif row_id in shown:
                first = shown[row_id]
                problems.append(Problem(chapter.name, line, row_id,
                                        f"shows {noun} {row_id} again (first in {first[0]}:{first[1]})",
                                        f"show each {noun} once, {why}"))
            else:
                shown[row_id] = (chapter.name, line)
    return shown, problems


def source_checks_shown(chapters: list[Chapter], *, complete_book: bool = True) -> list[Problem]:
    """Every row of data/source_checks.csv is shown once, next to its claim: a finding may not be hidden."""
    rows = records.source_check_rows()
    shown, problems = placements(chapters, Chapter.source_checks, rows, noun="source check", key="check_id",
                                 table="data/source_checks.csv", why="next to the claim it concerns")
    for check_id, (line, row) in rows.items():
        if complete_book and check_id not in shown:
            problems.append(Problem(
                "data/source_checks.csv", line, check_id,
                f"source check {check_id} ({row['status']}: {row['claim']}) is shown in no chapter",
                f"add ':::{{source-check}} {check_id}' after the claim in its chapter (review section "
                f"{row['review_section']}); a finding may not be hidden"))
    return problems


def updates_shown(chapters: list[Chapter], *, complete_book: bool = True) -> list[Problem]:
    """Every record of data/updates.csv is shown once, in the chapter it names, beside the statement it changes."""
    rows = records.update_rows()
    shown, problems = placements(chapters, Chapter.evidence_updates, rows, noun="update", key="update_id",
                                 table="data/updates.csv", why="beside the statement of the review it changes "
                                 "(elsewhere, link to it with {ref}`text <update-u01>`)")
    if complete_book:
        for update_id, (line, row) in rows.items():
            if shown.get(update_id, ("",))[0].removesuffix(".md") != row["chapter"]:
                problems.append(Problem(
                    "data/updates.csv", line, "chapter",
                    f"update {update_id} is not shown in {row['chapter']}",
                    f"add ':::{{evidence-update}} {update_id}' to {row['chapter']}.md beside the review's statement "
                    "it changes (or correct the row's chapter)"))
    return problems


def check(chapters: list[Chapter], *, complete_book: bool = True) -> list[Problem]:
    return source_checks_shown(chapters, complete_book=complete_book) + updates_shown(
        chapters, complete_book=complete_book)
