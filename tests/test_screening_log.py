"""`make check` rules of the screening log, on copies of the book with fixture rows."""

from __future__ import annotations

import json

import pytest

from helpers import read_rows, write_rows
from reviewkit.check import run_checks

LOG = "data/screening_log.csv"


def ensure_evidence_table(root):
    """The sweep's records link to data/updates.csv (update_id); give the copy a minimal one if it has none."""
    package = json.loads((root / "data" / "datapackage.json").read_text())
    if not any(r["name"] == "updates" for r in package["resources"]):
        package["resources"].append({"name": "updates", "path": "updates.csv", "profile": "tabular-data-resource",
                                     "schema": {"fields": [{"name": "update_id", "type": "string"}],
                                                "primaryKey": ["update_id"]}})
        (root / "data" / "datapackage.json").write_text(json.dumps(package, indent=2))
        (root / "data" / "updates.csv").write_text("update_id\n" + "".join(f"U{i:02d}\n" for i in range(1, 11)))


def log_problems(root=None):
    return [p for p in run_checks() if p.file == LOG]


def add_row(root, **cells) -> int:
    rows = read_rows(root / LOG)
    header = rows[0]
    row = {"record_id": "pmid41000001", "sources": "pubmed", "date_found": "2026-11-07",
           "title": "A candidate", "decision": "pending", **cells}
    rows.append([row.get(column, "") for column in header])
    write_rows(root / LOG, rows)
    return len(rows)


@pytest.fixture
def log_book(book):
    ensure_evidence_table(book)
    return book


def test_the_books_screening_log_passes(log_book):
    assert log_problems() == []


@pytest.mark.parametrize("cells, field, words", [
    ({"decision": "included", "date_decided": "2026-11-08"}, "evidence_table", "does not link"),
    ({"decision": "included", "date_decided": "2026-11-08", "evidence_table": "updates", "evidence_id": "U99"},
     "evidence_id", "does not have"),
    ({"decision": "included", "date_decided": "2026-11-08", "evidence_table": "nowhere", "evidence_id": "U01"},
     "evidence_table", "does not declare"),
    ({"decision": "excluded", "date_decided": "2026-11-08"}, "exclusion_reason", "without a reason"),
    ({"decision": "excluded", "date_decided": "2026-11-08", "exclusion_reason": "other"}, "note", "without saying why"),
    ({"decision": "excluded", "exclusion_reason": "off_topic"}, "date_decided", "without the date"),
    ({"decision": "included", "evidence_table": "updates", "evidence_id": "U01"}, "date_decided", "without the date"),
    ({"decision": "excluded", "exclusion_reason": "off_topic", "date_decided": "2026-11-01"}, "date_decided",
     "before it was found"),
    ({"exclusion_reason": "off_topic"}, "exclusion_reason", "is pending but exclusion_reason is filled in"),
    ({"pmid": "40571757"}, "pmid", "has the PMID 40571757"),
])
def test_each_rule_names_the_row_and_field(log_book, cells, field, words):
    line = add_row(log_book, **cells)
    problems = log_problems()
    assert [(p.line, p.field) for p in problems] == [(line, field)], problems
    assert words in problems[0].message and problems[0].fix


def test_a_reason_outside_the_vocabulary_is_rejected_by_the_schema(log_book):
    line = add_row(log_book, decision="excluded", date_decided="2026-11-08", exclusion_reason="boring")
    assert any(p.line == line and p.field == "exclusion_reason" for p in log_problems())


def test_valid_decisions_pass(log_book):
    add_row(log_book, decision="excluded", date_decided="2026-11-08", exclusion_reason="not_primary_evidence")
    add_row(log_book, record_id="nct07000001", nct_id="NCT07000001", decision="included",
            date_decided="2026-11-09", evidence_table="updates", evidence_id="U03")
    add_row(log_book, record_id="pmid41000003", pmid="41000003")
    assert log_problems() == []


def test_links_to_any_table_with_a_primary_key(log_book):
    study = read_rows(log_book / "data" / "clinical_studies.csv")[1][0]
    add_row(log_book, decision="included", date_decided="2026-11-08", evidence_table="clinical_studies",
            evidence_id=study)
    assert log_problems() == []


def test_without_the_evidence_table_the_check_reports_instead_of_crashing(book):
    package = json.loads((book / "data" / "datapackage.json").read_text())
    package["resources"] = [r for r in package["resources"] if r["name"] != "updates"]
    (book / "data" / "datapackage.json").write_text(json.dumps(package, indent=2))
    problems = log_problems()
    assert problems and all(p.field == "evidence_table" and "'updates'" in p.message for p in problems)


def test_a_broken_strategy_file_fails_make_check(book):
    path = book / "surveillance" / "search-strategy.yml"
    path.write_text(path.read_text().replace("  - chapters/outlook\n", "  - chapters/no-such-chapter\n"))
    problems = [p for p in run_checks() if p.file == "surveillance/search-strategy.yml"]
    assert len(problems) == 1 and "no-such-chapter" in problems[0].message and problems[0].line
