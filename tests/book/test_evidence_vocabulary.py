"""The evidence vocabulary as readers see it: evidence since the review is told apart from evidence the review
did not include, every newer figure says how it is known (kind of source, what was read, confidence), and
qualifiers that live in the data (one-sided, of patients, matched not confirmed, read on a mirror) reach
every table that shows the figure."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from helpers import read_rows, write_rows
from reviewkit.book import evidence, tables
from reviewkit.sphinx.evidence import updates as evidence_updates
from reviewkit.model import schema
from reviewkit.checks.run import run_checks


def enum_of(resource: dict, field: str) -> list[str]:
    for column in resource["schema"]["fields"]:
        if column["name"] == field:
            return column.get("constraints", {}).get("enum", [])
    return []


def test_every_provenance_in_the_schema_has_words_for_readers():
    """A provenance value added to any table's vocabulary without words for readers fails here."""
    values = {value for resource in schema.resources() for value in enum_of(resource, "provenance")}
    assert {"review", "update", "not_in_review", "correction"} <= values
    for value in values:
        for form in ("badge", "heading", "legend"):
            assert evidence.provenance_word(value, form)
    assert evidence.provenance_word("update", "heading") != evidence.provenance_word("not_in_review", "heading")
    assert "since" not in evidence.provenance_word("not_in_review", "heading").lower()


def test_every_source_kind_in_the_schema_has_a_label():
    kinds = enum_of(schema.resource("updates"), "source_kind")
    assert kinds and set(kinds) == set(evidence.SOURCE_KINDS)
    assert "not peer-reviewed" in evidence.source_kind_label("company_announcement")


@pytest.mark.parametrize(("date", "expected"), [
    ("2025-02", "before"), ("2024", "before"), ("2025-05-09", "before"), ("2025-05-13", "after"),
    ("2025-06 (online)", "after"), ("2026", "after"), ("2025", "unknown"), ("2025-05", "unknown"),
    ("2025 (PMID issued about January 2025)", "unknown"),
])
def test_publication_dates_are_placed_against_the_review(date, expected):
    from reviewkit.checks import dates

    assert dates.relative_to_review(date) == expected


def record(**values) -> dict:
    base = {"update_id": "U99", "provenance": "update", "source_kind": "company_announcement",
            "what_was_read": "press release", "confidence": "medium", "confidence_note": "",
            "date_published": "2026-01-01", "claim": "A claim.", "unconfirmed": ""}
    return {**base, **values}


def test_how_we_know_names_the_kind_what_was_read_and_confidence():
    line = evidence.how_we_know(record())
    assert "Company announcement (not peer-reviewed)" in line and "press release" in line and "medium" in line
    line = evidence.how_we_know(record(source_kind="peer_reviewed_paper", confidence="high",
                                       confidence_note="high (figures); low (the rest)"))
    assert "Peer-reviewed paper" in line and "high (figures); low (the rest)" in line


def test_landing_groups_keep_since_and_not_in_the_review_apart():
    rows = [record(update_id="A", date_published="2024-02"), record(update_id="B", provenance="not_in_review"),
            record(update_id="C", provenance="correction"), record(update_id="D", date_published="2026-06-01")]
    groups = dict(evidence_updates.grouped(rows))
    assert [row["update_id"] for row in groups[("update",)]] == ["D", "A"]  # newest first
    assert [row["update_id"] for row in groups[("not_in_review",)]] == ["B"]
    assert [row["update_id"] for row in groups[("correction",)]] == ["C"]
    assert evidence_updates.grouped([record(provenance="not_in_review")])[0][0] == ("not_in_review",)


def result(**values) -> pd.Series:
    base = {"value": 1.0, "value_max": pd.NA, "relation": "=", "unit": "percent", "ci_low": pd.NA, "ci_high": pd.NA}
    return pd.Series({**base, **values})


def test_qualifiers_in_the_unit_reach_the_figure():
    assert evidence.result_text(result(value=0.0416, unit="one-sided P value")) == "one-sided P = 0.0416"
    assert evidence.result_text(result(value=0.0416, unit="P value")) == "P = 0.0416"
    assert evidence.result_text(result(value=79.3, unit="percent of patients")) == "79.3% of patients"
    assert evidence.result_text(result(value=4.2, unit="years")) == "4.2 years"
    for unit in enum_of(schema.resource("clinical_results"), "unit"):  # every unit of the vocabulary renders
        assert evidence.result_text(result(value=2.0, unit=unit))


def test_a_table_row_from_a_record_says_how_it_is_known(book):
    updates = book / "data" / "updates.csv"
    rows = read_rows(updates)
    header = rows[0]
    new = dict.fromkeys(header, "")
    new.update(record(update_id="U98", provenance="not_in_review", source_kind="news_report",
                      what_was_read="a news summary", confidence="low"))
    new.update(added="2026-12-05", kind="trial_result", topic="test", chapter="chapters/index",
               source_citation="A news report", date_published="2024-03")
    rows.append([new[column] for column in header])
    write_rows(updates, rows)
    row = pd.Series({"provenance": "not_in_review", "added": "2026-12-05", "reference": pd.NA, "update_id": "U98"})
    cell = tables._evidence_cell(row)
    assert "Not in the review" in cell and "News report" in cell and "a news summary" in cell and "low" in cell
    assert tables._evidence_cell(pd.Series({"provenance": "review"})) == "Review"


def test_a_matched_registry_id_shows_as_not_confirmed(book):
    row = pd.Series({"registry_ids": "NCT01234567", "registry_match": "matched"})
    assert "matched, not confirmed" in tables._registry_cell(row)
    row = pd.Series({"registry_ids": "NCT01234567", "registry_match": "stated"})
    assert "not confirmed" not in tables._registry_cell(row)


def test_a_record_dated_before_the_review_cannot_be_since_it(book):
    updates = book / "data" / "updates.csv"
    with updates.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    line = next(n for n, r in enumerate(rows, start=2) if r["provenance"] == "update")
    table = read_rows(updates)
    header = table[0]
    table[line - 1][header.index("date_published")] = "2024-06 (before the review)"
    write_rows(updates, table)
    problems = [p for p in run_checks() if p.file == "data/updates.csv" and p.field == "date_published"]
    assert len(problems) == 1 and problems[0].line == line and "not_in_review" in problems[0].fix
