"""The evidence model: studies and long-form results with provenance. Bad evidence rows are rejected by
`make check` with file, line, field and fix; the review's voice is computed from the review's rows only."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import snapshot
from helpers import line_of, read_rows, set_cell, write_rows
from reviewkit.book import data, evidence
from reviewkit.checks import rules
from reviewkit.model import schema
from reviewkit.checks.run import run_checks


def problems_for(book, **where):
    before = snapshot(book)
    problems = run_checks()
    assert snapshot(book) == before, "a check must not change any file"
    return [p for p in problems if all(getattr(p, key) == value for key, value in where.items())]


def only(problems):
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def first_row(path, **match) -> dict:
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if all(row[key] == value for key, value in match.items()):
                return row
    pytest.skip(f"no row of {path.name} matches {match}")


@pytest.fixture
def results(book):
    return book / "data" / "clinical_results.csv"


@pytest.fixture
def studies(book):
    return book / "data" / "clinical_studies.csv"


def append_row(path, values: dict) -> int:
    rows = read_rows(path)
    rows.append([values.get(column, "") for column in rows[0]])
    write_rows(path, rows)
    return len(rows)


def test_outcome_outside_the_vocabulary(book, results):
    row = first_row(results, provenance="review")
    line = set_cell(results, row["result_id"], "outcome", "quality_of_life_score")
    problem = only(problems_for(book, file="data/clinical_results.csv", field="outcome"))
    assert problem.line == line and "quality_of_life_score" in problem.message
    assert "data/outcomes.csv" in problem.fix


def test_confidence_interval_upside_down(book, results):
    row = first_row(results, provenance="review")
    set_cell(results, row["result_id"], "ci_low", "9")
    line = set_cell(results, row["result_id"], "ci_high", "1")
    found = problems_for(book, file="data/clinical_results.csv", line=line)
    assert any(p.field == "ci_low" and "exceeds its high end" in p.message for p in found)


def test_value_outside_its_own_interval(book, results):
    row = next(r for r in csv.DictReader(results.open(encoding="utf-8")) if r["relation"] == "=")
    value = float(row["value"])
    set_cell(results, row["result_id"], "ci_low", repr(value + 1))
    line = set_cell(results, row["result_id"], "ci_high", repr(value + 2))
    problem = only(problems_for(book, file="data/clinical_results.csv", field="value"))
    assert problem.line == line and "outside its own 95% CI" in problem.message


def test_update_row_with_a_review_section(book, studies):
    row = first_row(studies, provenance="review")
    set_cell(studies, row["study_id"], "provenance", "update")
    line = set_cell(studies, row["study_id"], "added", "2026-11-27")
    problem = only(problems_for(book, file="data/clinical_studies.csv", field="review_section"))
    assert problem.line == line and "update row names review section" in problem.message
    assert "leave review_section empty" in problem.fix


def test_update_row_without_added_date(book, studies):
    row = first_row(studies, provenance="update")
    line = set_cell(studies, row["study_id"], "added", "")
    problem = only(problems_for(book, file="data/clinical_studies.csv", field="added"))
    assert problem.line == line and "no added date" in problem.message


def test_review_row_with_added_date(book, studies):
    row = first_row(studies, provenance="review")
    line = set_cell(studies, row["study_id"], "added", "2026-01-01")
    problem = only(problems_for(book, file="data/clinical_studies.csv", field="added"))
    assert problem.line == line


@pytest.mark.parametrize("registry_id", ["NCT0407474", "nct04074746", "NCT04074746;NCT01420874", "CT.gov 123"])
def test_malformed_registry_id(book, studies, registry_id):
    row = first_row(studies, provenance="review")
    line = set_cell(studies, row["study_id"], "registry_ids", registry_id)
    problem = only(problems_for(book, file="data/clinical_studies.csv", field="registry_ids"))
    assert problem.line == line and registry_id in problem.message


def test_result_for_a_study_that_does_not_exist(book, results):
    row = first_row(results, provenance="review")
    line = set_cell(results, row["result_id"], "study_id", "no_such_study")
    problem = only(problems_for(book, file="data/clinical_results.csv", field="study_id"))
    assert problem.line == line and "data/clinical_studies.csv" in problem.fix


def test_duplicate_result(book, results):
    rows = read_rows(results)
    copy = list(rows[1])
    copy[0] = copy[0] + "_again"
    rows.append(copy)
    write_rows(results, rows)
    problem = only(problems_for(book, file="data/clinical_results.csv", field="result_id"))
    assert problem.line == len(rows) and f"duplicates result {rows[1][0]}" in problem.message


def test_range_upside_down(book, results):
    row = first_row(results, provenance="review")
    set_cell(results, row["result_id"], "value", "4")
    line = set_cell(results, row["result_id"], "value_max", "3")
    found = problems_for(book, file="data/clinical_results.csv", line=line)
    assert any(p.field == "value_max" and "down to" in p.message for p in found)


def test_subgroup_larger_than_its_study(book, results, studies):
    study = next(r for r in csv.DictReader(studies.open(encoding="utf-8")) if r["n_patients"])
    result = first_row(results, study_id=study["study_id"])
    line = set_cell(results, result["result_id"], "population_n", str(int(study["n_patients"]) * 10))
    problem = only(problems_for(book, file="data/clinical_results.csv", field="population_n"))
    assert problem.line == line and "exceeds" in problem.message


def test_approval_month_contradicting_its_date(book):
    products = book / "data" / "approved_products.csv"
    row = next(r for r in csv.DictReader(products.open(encoding="utf-8")) if r["approval_date"])
    line = set_cell(products, row["product_id"], "approval_month", "1999-01")
    problem = only(problems_for(book, file="data/approved_products.csv", field="approval_month"))
    assert problem.line == line


def test_update_row_without_a_source(book, studies):
    row = first_row(studies, provenance="update")
    line = set_cell(studies, row["study_id"], "reference", "")
    found = problems_for(book, file="data/clinical_studies.csv", line=line)
    assert any("names no source" in p.message or p.field == "reference" for p in found)


def test_every_rule_applies_to_every_table_with_its_columns():
    """Rules are declared by columns, so a table that has the columns is checked without code changes."""
    for resource in schema.resources():
        columns = {f["name"] for f in resource["schema"]["fields"]}
        if {"provenance", "added"} <= columns:
            assert any(rule.columns == ("provenance", "added") for rule in rules.ROW_RULES)


def test_the_review_voice_uses_review_rows_only():
    for name in ("clinical_studies", "clinical_results", "approved_products", "preclinical_studies"):
        frame = data.load(name)
        review, newer = evidence.of_review(frame), evidence.since_review(frame)
        assert len(review) + len(newer) == len(frame)
        assert set(review.provenance) <= {"review"}
        assert "review" not in set(newer.provenance)


def test_result_text_keeps_the_source_digits():
    row = pd.Series({"value": 3.25, "value_max": pd.NA, "relation": "=", "unit": "months",
                     "ci_low": 2.86, "ci_high": 4.53})
    assert evidence.result_text(row) == "3.25 months (95% CI 2.86–4.53)"
    row = pd.Series({"value": 36.5, "value_max": pd.NA, "relation": "=", "unit": "months",
                     "ci_low": 8.3, "ci_high": pd.NA})
    assert evidence.result_text(row) == "36.5 months (95% CI 8.3–not reached)"
    row = pd.Series({"value": 0.0001, "value_max": pd.NA, "relation": "<", "unit": "P value",
                     "ci_low": pd.NA, "ci_high": pd.NA})
    assert evidence.result_text(row) == "P < 0.0001"
    row = pd.Series({"value": 1e6, "value_max": 1e8, "relation": "=", "unit": "cells/kg",
                     "ci_low": pd.NA, "ci_high": pd.NA})
    assert evidence.result_text(row) == "10⁶–10⁸ cells/kg"


def test_result_text_reads_a_count_of_one_in_the_singular():
    def text(value, unit, value_max=pd.NA, relation="="):
        return evidence.result_text(pd.Series({"value": value, "value_max": value_max, "relation": relation,
                                               "unit": unit, "ci_low": pd.NA, "ci_high": pd.NA}))
    assert text(1, "patients") == "1 patient"
    assert text(1.0, "months") == "1 month"
    assert text(1, "lines of therapy", relation="at least") == "at least 1 line"
    assert text(2, "patients") == "2 patients"
    assert text(1.5, "weeks") == "1.5 weeks"
    assert text(1, "weeks", value_max=3) == "1–3 weeks"  # a range reads in the plural
    assert text(1, "percent") == "1%"


def test_update_record_shown_nowhere_or_twice(book):
    updates = book / "data" / "updates.csv"
    row = first_row(updates)
    chapter = book / (row["chapter"] + ".md")
    text = chapter.read_text(encoding="utf-8")
    directive = f":::{{evidence-update}} {row['update_id']}\n:::\n"
    assert directive in text
    chapter.write_text(text.replace(directive, ""), encoding="utf-8")
    problem = only(problems_for(book, file="data/updates.csv", field="chapter"))
    assert problem.line == line_of(updates, row["update_id"]) and "is not shown" in problem.message
    chapter.write_text(text + "\n" + directive, encoding="utf-8")
    problem = only(problems_for(book, field=row["update_id"]))
    assert "again" in problem.message
