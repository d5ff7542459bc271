"""Numbers that make sense: each impossible figure, unit or date an author can type into a CSV is refused by
`make check` as one problem naming file, line, field and fix, with no file changed; valid figures keep passing.

Targets are found from the data and the outcome vocabulary (the first row of an outcome, its sibling of the same
study and arm), so adding a study, a result or an outcome never breaks a case."""

from __future__ import annotations

import datetime

import pytest

from conftest import snapshot
from helpers import read_rows, set_cell, write_rows
from reviewkit.checks import dates
from reviewkit.checks.run import run_checks

RESULTS, STUDIES, OUTCOMES = "data/clinical_results.csv", "data/clinical_studies.csv", "data/outcomes.csv"
GROUP = ("study_id", "arm", "population", "time_point")


def problems(book, file=None):
    before = snapshot(book)
    found = run_checks()
    assert snapshot(book) == before, "a check must not change any file"
    return [p for p in found if file is None or p.file == file]


def only(found):
    assert len(found) == 1, "\n".join(map(str, found)) or "no problem found"
    problem = found[0]
    assert problem.message and problem.fix
    return problem


def rows(book, file):
    table = read_rows(book / file)
    return [dict(zip(table[0], row)) for row in table[1:]]


def result(book, outcome, **where):
    """The first result of ``outcome`` (whose cells match ``where``)."""
    return next(r for r in rows(book, RESULTS) if r["outcome"] == outcome and all(r[k] == v for k, v in where.items()))


def set_result(book, result_id, **cells) -> int:
    line = 0
    for column, value in cells.items():
        line = set_cell(book / RESULTS, result_id, column, value)
    return line


def in_years(years: int) -> datetime.date:
    today = datetime.date.today()
    return today.replace(year=today.year + years, day=min(today.day, 28))


# ------------------------------------------------------------------ impossible values
@pytest.mark.parametrize("outcome, value, words", [
    ("response_rate", "140", "[0, 100]"),
    ("p_value", "1.5", "(0, 1]"),
    ("median_os", "-3", "[0, )"),
])
def test_a_figure_outside_its_outcomes_range(book, outcome, value, words):
    row = result(book, outcome, relation="=")
    line = set_result(book, row["result_id"], value=value, ci_low="", ci_high="")
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == (RESULTS, line, "value")
    assert words in problem.message and "outcomes.csv" in problem.message and "source" in problem.fix


def test_a_negative_hazard_ratio_and_its_interval_are_refused(book):
    row = result(book, "hazard_ratio")
    line = set_result(book, row["result_id"], relation="=", value="-0.37", ci_low="-0.56", ci_high="-0.24")
    found = problems(book)
    assert {(p.file, p.line, p.field) for p in found} == {(RESULTS, line, f) for f in ("value", "ci_low", "ci_high")}
    assert all("above 0" in p.message for p in found)


def test_a_complete_response_rate_above_the_overall_one(book):
    overall = {(r["study_id"], r["arm"], r["population"], r["time_point"]): r
               for r in rows(book, RESULTS) if r["outcome"] == "response_rate" and r["relation"] == "="}
    complete = next(r for r in rows(book, RESULTS)
                    if r["outcome"] == "complete_response_rate" and tuple(r[c] for c in GROUP) in overall)
    ceiling = float(overall[tuple(complete[c] for c in GROUP)]["value"])
    line = set_result(book, complete["result_id"], relation="=", value=str(min(ceiling + 1, 100)), ci_low="", ci_high="")
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == (RESULTS, line, "value")
    assert "overall (objective) response rate" in problem.message and "among the responders" in problem.message


def test_more_complete_responses_than_patients(book):
    studies = {r["study_id"]: r for r in rows(book, STUDIES)}
    row = next(r for r in rows(book, RESULTS) if r["outcome"] == "complete_responses"
               and not r["population_n"] and studies[r["study_id"]]["n_patients"])
    patients = int(studies[row["study_id"]]["n_patients"])
    line = set_result(book, row["result_id"], value=str(patients + 2))
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == (RESULTS, line, "value")
    assert f"exceed the {patients} patients of study" in problem.message


def test_a_subgroup_count_larger_than_the_population_it_counts(book):
    row = next(r for r in rows(book, RESULTS) if r["outcome"] == "patients" and r["population_n"])
    line = set_result(book, row["result_id"], value=str(int(row["population_n"]) + 1))
    problem = only(problems(book))
    assert (problem.line, problem.field) == (line, "value") and "population_n" in problem.message


# ------------------------------------------------------------------ units
@pytest.mark.parametrize("outcome, unit", [("median_os", "weeks"), ("response_rate", "months")])
def test_a_unit_that_contradicts_its_outcome(book, outcome, unit):
    row = result(book, outcome)
    line = set_result(book, row["result_id"], unit=unit)
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == (RESULTS, line, "unit")
    assert unit in problem.message and "do not convert" in problem.fix


def test_a_new_outcome_without_a_unit(book):
    table = read_rows(book / OUTCOMES)
    header = table[0]
    new = dict(zip(header, [""] * len(header)), outcome_id="time_to_response", title="Time to response",
               description="Median time to response.", range="[0, )", range_reason="a duration is not negative")
    table.append([new[column] for column in header])
    write_rows(book / OUTCOMES, table)
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == (OUTCOMES, len(table), "units")


def test_an_outcome_unit_unknown_to_the_results(book):
    line = set_cell(book / OUTCOMES, "median_os", "units", "months; fortnights")
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == (OUTCOMES, line, "units") and "fortnights" in problem.message


def test_a_relation_to_an_unknown_outcome(book):
    line = set_cell(book / OUTCOMES, "complete_response_rate", "at_most", "respons_rate")
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == (OUTCOMES, line, "at_most")


# ------------------------------------------------------------------ valid figures keep passing
def test_valid_figures_pass(book):
    hazard = result(book, "hazard_ratio")
    set_result(book, hazard["result_id"], relation="=", value="1.2", ci_low="0.9", ci_high="1.6")
    # A response rate of 0 % where no complete or partial response rate of the same group is above it.
    groups = {tuple(r[c] for c in GROUP) for r in rows(book, RESULTS)
              if r["outcome"] in ("complete_response_rate", "partial_response_rate")}
    response = next(r for r in rows(book, RESULTS) if r["outcome"] == "response_rate" and r["relation"] == "="
                    and tuple(r[c] for c in GROUP) not in groups)
    set_result(book, response["result_id"], value="0", ci_low="", ci_high="")
    p_value = result(book, "p_value")
    set_result(book, p_value["result_id"], relation="=", value="1")
    assert problems(book) == []


def test_weeks_pass_where_weeks_are_the_outcomes_unit(book):
    table = read_rows(book / OUTCOMES)
    header = table[0]
    new = dict(zip(header, [""] * len(header)), outcome_id="time_to_response", title="Time to response",
               description="Median time to response.", units="weeks", range="[0, )",
               range_reason="a duration is not negative")
    table.append([new[column] for column in header])
    write_rows(book / OUTCOMES, table)
    results = read_rows(book / RESULTS)
    copy = dict(zip(results[0], results[1]))
    copy.update(result_id=f"{copy['study_id']}__time_to_response", outcome="time_to_response", relation="=",
                value="6", value_max="", ci_low="", ci_high="", unit="weeks", time_point="", comparison="")
    results.append([copy[column] for column in results[0]])
    write_rows(book / RESULTS, results)
    assert problems(book) == []


# ------------------------------------------------------------------ dates
def test_an_approval_in_the_future(book):
    future = in_years(5)
    path = book / "data" / "approved_products.csv"
    product = rows(book, "data/approved_products.csv")[0]["product_id"]
    set_cell(path, product, "approval_month", future.strftime("%Y-%m"))
    line = set_cell(path, product, "approval_date", future.isoformat())
    found = problems(book)
    assert {(p.line, p.field) for p in found} == {(line, "approval_date"), (line, "approval_month")}
    assert all("after today" in p.message and "happened" in p.fix for p in found)


def test_a_row_added_in_the_future_and_one_added_today(book):
    row = next(r for r in rows(book, RESULTS) if r["added"])
    line = set_result(book, row["result_id"], added=in_years(5).isoformat())
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == (RESULTS, line, "added")
    set_result(book, row["result_id"], added=datetime.date.today().isoformat())
    assert problems(book) == []


def test_a_publication_date_that_is_no_date(book):
    update = rows(book, "data/updates.csv")[0]["update_id"]
    line = set_cell(book / "data" / "updates.csv", update, "date_published", "2026-13-45")
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == ("data/updates.csv", line, "date_published")
    assert "not a date" in problem.message


def test_evidence_published_before_the_review_is_not_since_the_review(book):
    update = next(r for r in rows(book, "data/updates.csv") if r["provenance"] in dates.AFTER_REVIEW)["update_id"]
    line = set_cell(book / "data" / "updates.csv", update, "date_published", "2019-03-01")
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == ("data/updates.csv", line, "date_published")
    assert dates.REVIEW_RECEIVED.isoformat() in problem.message and "did not include" in problem.fix


def test_the_review_received_date_itself_is_not_after_the_review(book):
    update = next(r for r in rows(book, "data/updates.csv") if r["provenance"] in dates.AFTER_REVIEW)["update_id"]
    set_cell(book / "data" / "updates.csv", update, "date_published", dates.REVIEW_RECEIVED.isoformat())
    assert only(problems(book)).field == "date_published"
    the_day_after = dates.REVIEW_RECEIVED + datetime.timedelta(days=1)
    set_cell(book / "data" / "updates.csv", update, "date_published", the_day_after.isoformat())
    assert problems(book) == []


def test_every_date_column_is_parsed():
    assert dates.span("2026-02-29") is None and dates.span("2026-13") is None
    assert dates.span("2024-02-29 (online)") == (datetime.date(2024, 2, 29),) * 2
    assert dates.span("2025-02") == (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))


# ------------------------------------------------------------------ one trial, one row
def _two_studies_with_ids(book):
    return [r for r in rows(book, STUDIES) if r["registry_ids"]][:2]


def test_the_same_registry_id_under_two_studies(book):
    first, second = _two_studies_with_ids(book)
    registry_id = first["registry_ids"].split("; ")[0]
    line = set_cell(book / STUDIES, second["study_id"], "registry_ids", registry_id)
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == (STUDIES, line, "registry_ids")
    assert registry_id in problem.message and first["study_id"] in problem.message and "registry_note" in problem.fix


def test_two_reports_of_one_trial_linked_by_their_note_pass(book):
    first, second = _two_studies_with_ids(book)
    set_cell(book / STUDIES, second["study_id"], "registry_ids", first["registry_ids"])
    set_cell(book / STUDIES, second["study_id"], "registry_note",
             f"The final analysis of the trial of {first['study_id']} (the interim report).")
    assert problems(book) == []


# ------------------------------------------------------------------ the toolkit's expectations of the schema
PACKAGE = "data/datapackage.json"


def edit_package(book, change):
    import json

    path = book / PACKAGE
    package = json.loads(path.read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    change(resources)
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path.read_text(encoding="utf-8").splitlines()


def field_of(resource, name):
    return next(f for f in resource["schema"]["fields"] if f["name"] == name)


def line_of_field(lines, table, column):
    start = lines.index(next(line for line in lines if line.strip() == f'"name": "{table}",'))
    return next(i for i in range(start, len(lines)) if lines[i].strip() == f'"name": "{column}",') + 1


def test_a_removed_foreign_key_is_a_problem_not_a_vanished_result(book):
    def drop(resources):
        keys = resources["clinical_results"]["schema"]["foreignKeys"]
        resources["clinical_results"]["schema"]["foreignKeys"] = [k for k in keys if k["fields"] != "study_id"]
    lines = edit_package(book, drop)
    row = rows(book, RESULTS)[0]
    set_result(book, row["result_id"], study_id="no_such_study")
    problem = only(problems(book))
    assert (problem.file, problem.line) == (PACKAGE, line_of_field(lines, "clinical_results", "study_id"))
    assert problem.field == "resources[clinical_results].schema.foreignKeys"
    assert "clinical_studies.study_id" in problem.message and '"resource": "clinical_studies"' in problem.fix


@pytest.mark.parametrize("table, column, change, words", [
    ("clinical_studies", "n_patients", lambda f: f["constraints"].pop("minimum"), "minimum"),
    ("clinical_studies", "n_patients", lambda f: f["constraints"].update(minimum=0), "minimum"),
    ("clinical_results", "value", lambda f: f["constraints"].pop("required"), "required"),
    ("clinical_results", "unit", lambda f: f["constraints"].pop("enum"), "enum"),
    ("clinical_results", "value", lambda f: f.update(type="string"), "type"),
])
def test_a_loosened_constraint_is_a_problem(book, table, column, change, words):
    lines = edit_package(book, lambda resources: change(field_of(resources[table], column)))
    problem = only(problems(book, PACKAGE))
    assert problem.line == line_of_field(lines, table, column) and words in problem.field
    assert "again" in problem.fix


def test_a_removed_primary_key_is_a_problem(book):
    edit_package(book, lambda resources: resources["outcomes"]["schema"].pop("primaryKey"))
    problem = only(problems(book, PACKAGE))
    assert problem.field == "resources[outcomes].schema.primaryKey" and "outcome_id" in problem.fix


def test_an_author_may_extend_and_tighten_the_schema(book):
    def extend(resources):
        field_of(resources["clinical_studies"], "n_patients")["constraints"]["minimum"] = 2
        field_of(resources["clinical_results"], "unit")["constraints"]["enum"].append("days")
        resources["clinical_results"]["schema"]["fields"].append(
            {"name": "extra_note", "type": "string", "title": "Extra note", "description": "A new column."})
    edit_package(book, extend)
    table = read_rows(book / RESULTS)
    write_rows(book / RESULTS, [row + (["extra_note"] if i == 0 else [""]) for i, row in enumerate(table)])
    assert problems(book) == []


# ------------------------------------------------------------------ what the build reads: CITATION.cff, versions.yml
def test_citation_naming_a_version_never_released(book):
    (book / "versions.yml").write_text("versions: []\n", encoding="utf-8")  # nothing released yet
    path = book / "CITATION.cff"
    text = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.startswith(("version:", "date-released:")))
    path.write_text(text.replace("license:", 'version: "0.1.0"\nlicense:', 1), encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if row.startswith("version:"))
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == ("CITATION.cff", line, "version")
    assert "no version has been released" in problem.message and "make release" in problem.fix


def test_citation_disagreeing_with_the_latest_release(book):
    (book / "versions.yml").write_text("versions:\n- version: '2026.11'\n  date: '2026-11-30'\n"
                                       "  classification: corrections-only\n  summary: First.\n", encoding="utf-8")
    path = book / "CITATION.cff"
    path.write_text(path.read_text(encoding="utf-8") + 'version: "2026.11"\ndate-released: "2026-11-29"\n',
                    encoding="utf-8")
    problem = only(problems(book))
    assert (problem.file, problem.field) == ("CITATION.cff", "date-released") and "2026-11-30" in problem.fix
    path.write_text(path.read_text(encoding="utf-8").replace("2026-11-29", "2026-11-30"), encoding="utf-8")
    assert problems(book) == []


def test_citation_that_is_not_citation_file_format(book):
    path = book / "CITATION.cff"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    found = problems(book)
    assert found and all(p.file == "CITATION.cff" and "Citation File Format" in p.message for p in found)


def test_a_release_dated_in_the_future(book):
    future = in_years(1)
    (book / "versions.yml").write_text(f"versions:\n- version: '{future:%Y.%m}'\n  date: '{future.isoformat()}'\n"
                                       "  classification: corrections-only\n  summary: Soon.\n", encoding="utf-8")
    problem = only(problems(book, "versions.yml"))
    assert (problem.line, problem.field) == (2, "date") and "after today" in problem.message


# ------------------------------------------------------------------ _toc.yml and chapters the build could not place
@pytest.mark.parametrize("written, words", [("{entry}.md", "without its suffix"), ("./{entry}", "plain path"),
                                            ("chapters/../{entry}", "plain path")])
def test_a_toc_entry_the_pdf_edition_could_not_place(book, written, words):
    from reviewkit.model.toc import toc_files

    entry = toc_files(book)[-1]
    toc = book / "_toc.yml"
    text = toc.read_text(encoding="utf-8")
    toc.write_text(text.replace(f"file: {entry}\n", f"file: {written.format(entry=entry)}\n"), encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.endswith(f"file: {entry}"))
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == ("_toc.yml", line, written.format(entry=entry))
    assert words in problem.fix + problem.message and entry in problem.fix


def test_directives_nested_too_deep(book):
    from reviewkit.model.mystdoc import MAX_NESTING

    depth = MAX_NESTING + 5
    opening = [":" * (depth - level + 2) + "{note}" for level in range(depth)]
    closing = [":" * (level + 3) for level in range(depth)]
    chapter = book / "chapters" / "outlook.md"
    old = chapter.read_text(encoding="utf-8").rstrip("\n")
    chapter.write_text(old + "\n\n" + "\n".join([*opening, "Deep.", *closing]) + "\n", encoding="utf-8")
    first = old.count("\n") + 3
    problem = only(problems(book))
    assert (problem.file, problem.line, problem.field) == ("chapters/outlook.md", first + MAX_NESTING, "note")
    assert f"line {first}" in problem.message and f"at most {MAX_NESTING}" in problem.fix


def test_directives_nested_a_few_levels_pass(book):
    chapter = book / "chapters" / "outlook.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n::::{note}\n:::{tip}\nNested.\n:::\n::::\n",
                       encoding="utf-8")
    assert problems(book) == []


def test_a_provenance_the_pages_cannot_label(book):
    lines = edit_package(book, lambda resources: field_of(resources["updates"], "provenance")["constraints"]["enum"]
                         .append("rumour"))
    problem = only(problems(book, PACKAGE))
    assert problem.line == line_of_field(lines, "updates", "provenance") and "rumour" in problem.message
    assert "reviewkit/model/provenance.py PROVENANCE" in problem.fix


def test_every_provenance_shown_as_since_the_review_is_dated_after_it():
    """The hook between the pages' labels and the date rule: a row labelled 'Since the review' is held to the
    review's received date (reviewkit.checks.dates.AFTER_REVIEW)."""
    from reviewkit.model.provenance import PROVENANCE

    since = {value for value, words in PROVENANCE.items() if "since the review" in words["badge"].lower()}
    before = {value for value, words in PROVENANCE.items() if "not in the review" in words["badge"].lower()}
    assert since == set(dates.AFTER_REVIEW) and before == set(dates.BEFORE_REVIEW)
