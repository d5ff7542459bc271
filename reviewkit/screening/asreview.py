"""The screening queue to and from ASReview LAB.

- export_csv(): the records awaiting a title/abstract decision, ranked, in the tabular format ASReview LAB
  imports (columns record_id, title, abstract, doi, authors, year; ASReview keeps record_id as the record's id).
- import_labels(): the labels of an ASReview LAB export (its `included` column, or `asreview_label`: 1
  relevant, 0 irrelevant, empty unlabelled) back as one reviewer's independent title/abstract decisions in
  data/screening_decisions.csv. A label already recorded is skipped, so a second import of the same export
  changes nothing; a label that contradicts a recorded decision is a problem, never an overwrite.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reviewkit.model import inputs, schema
from reviewkit.model.problems import Problem
from reviewkit.screening import check as screening_check
from reviewkit.watch import log_tables

COLUMNS = ("record_id", "title", "abstract", "doi", "authors", "year")
LABEL_COLUMNS = ("included", "asreview_label", "label_included", "final_included")
STAGE = "title_abstract"


class LabelImportError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def export_csv(ranked) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in ranked:
        row = item.row
        writer.writerow([item.record_id, item.title, item.abstract, row.get("doi", ""), row.get("authors", ""),
                         row.get("year", "")])
    return out.getvalue()


def import_labels(path: Path, reviewer: str, date: str, dry_run: bool = False) -> tuple[list[dict], int]:
    """(decision rows added, labels already recorded). Raises LabelImportError with every problem, writing nothing."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise LabelImportError([Problem(name, None, None, f"cannot read the export ({error})",
                                    "export the project from ASReview LAB as CSV (UTF-8) and give its path")]) from None
    # ASReview LAB writes its export with pandas (RFC 4180 CSV), so the toolkit's one CSV reader reads it too and
    # a label is reported on the line where its row starts, even when an abstract spans several lines.
    try:
        columns, numbered = inputs.parse_csv_text(text.replace("\r\n", "\n"), name)
    except inputs.Unreadable as error:
        raise LabelImportError([error.problem]) from None
    label_column = next((c for c in LABEL_COLUMNS if c in columns), None)
    problems: list[Problem] = []
    if "record_id" not in columns or label_column is None:
        raise LabelImportError([Problem(name, 1, None, "the export has no record_id column or no label column "
                                    f"({', '.join(LABEL_COLUMNS)})",
                                    "import into ASReview LAB the file `reviewkit screen export` wrote (it keeps "
                                    "record_id), then export the project as CSV")])
    try:
        reviewers_file, reviewer_rows = screening_check._table(screening_check.REVIEWERS)
        log, decisions, _ = screening_check.load()
    except inputs.Unreadable as error:
        raise LabelImportError([error.problem]) from None
    if reviewer not in {row["reviewer_id"] for _, row in reviewer_rows}:
        problems.append(Problem(reviewers_file, None, "reviewer_id", f"reviewer '{reviewer}' is not in the list "
                                "of reviewers", "add the reviewer to data/reviewers.csv (kind person) first, or "
                                "give --reviewer an existing id"))
    known = {row["record_id"] for _, row in log}
    recorded = {(row["record_id"], row["stage"], row["reviewer"]): row["decision"] for _, row in decisions}
    others = {}
    for _, row in decisions:
        if row["stage"] == STAGE and row["role"] == "independent" and row["reviewer"] != reviewer:
            others.setdefault(row["record_id"], set()).add(row["reviewer"])
    added, already = [], 0
    for line, row in inputs.as_records(columns, numbered):
        record = row.get("record_id", "").strip()
        label = (row.get(label_column) or "").strip()
        if label in ("", "-1"):
            continue  # not labelled in ASReview
        if label not in ("0", "1"):
            problems.append(Problem(name, line, label_column, f"label {label!r} of record '{record}' is not 1 or 0",
                                    "export the labels from ASReview LAB unchanged"))
            continue
        if record not in known:
            problems.append(Problem(name, line, "record_id", f"record '{record}' is not in the screening log",
                                    "import only exports of queues `reviewkit screen export` wrote from this log"))
            continue
        decision = "include" if label == "1" else "exclude"
        before = recorded.get((record, STAGE, reviewer))
        if before == decision:
            already += 1
            continue
        if before is not None:
            problems.append(Problem(name, line, label_column, f"record '{record}' is labelled {decision} here but "
                                    f"'{reviewer}' already decided {before} on title and abstract",
                                    "a recorded decision is never overwritten: settle the disagreement with a "
                                    "resolution row, or correct the label in ASReview LAB"))
            continue
        if len(others.get(record, set())) >= 2:
            problems.append(Problem(name, line, "record_id", f"record '{record}' already has two independent "
                                    "title/abstract decisions by other reviewers",
                                    "leave it out of the import, or record the label as a resolution by hand"))
            continue
        added.append({"record_id": record, "stage": STAGE, "reviewer": reviewer, "role": "independent",
                      "decision": decision, "reason": "" if decision == "include" else "other", "date": date,
                      "note": f"Labelled {'relevant' if label == '1' else 'irrelevant'} in ASReview LAB ({path.name})"
                              + ("; ASReview records no reason for exclusion" if decision == "exclude" else "") + "."})
    if problems:
        raise LabelImportError(problems)
    if added and not dry_run:
        header, _ = log_tables.read(screening_check.DECISIONS)
        target = schema.resource_path(screening_check.DECISIONS)
        log_tables.write_all({target: log_tables.append(screening_check.DECISIONS, header, added)})
    return added, already
