"""Foreign keys of data/ (reviewkit.checks.foreign_keys), on small tables: each value that names no row of its
table is one problem with file, line, field and fix; and, in a copy of the book, frictionless reads again only
the table an edit changed (reviewkit.checks.validate with the check memo)."""

from __future__ import annotations

import frictionless

from helpers import set_cell
from reviewkit.checks import foreign_keys, validate
from reviewkit.checks.memo import CheckMemo
from reviewkit.checks.run import run_checks
from reviewkit.model import paths

TABLES = {
    "studies": {"name": "studies", "path": "studies.csv", "schema": {
        "fields": [{"name": "study_id", "type": "string"}, {"name": "reference", "type": "string"}],
        "primaryKey": ["study_id"],
        "foreignKeys": [{"fields": "reference", "reference": {"resource": "references", "fields": "key"}}]}},
    "results": {"name": "results", "path": "results.csv", "schema": {
        "fields": [{"name": "result_id", "type": "string"}, {"name": "study_id", "type": "string"}],
        "primaryKey": ["result_id"],
        "foreignKeys": [{"fields": ["study_id"], "reference": {"resource": "studies", "fields": ["study_id"]}}]}},
}
HEADERS = {"studies": ["study_id", "reference"], "results": ["result_id", "study_id"]}


def records(studies, results):
    return {"studies": [(line, dict(zip(HEADERS["studies"], row))) for line, row in enumerate(studies, start=2)],
            "results": [(line, dict(zip(HEADERS["results"], row))) for line, row in enumerate(results, start=2)]}


def problems(studies, results, bib=("lum2015",), tables=TABLES, headers=HEADERS):
    return foreign_keys.problems(tables, records(studies, results), headers, None if bib is None else list(bib),
                                 references="references")


def test_values_that_name_rows_pass_and_an_empty_cell_names_nothing():
    assert problems([["s1", "lum2015"], ["s2", ""]], [["r1", "s1"], ["r2", "s2"], ["r3", ""]]) == []


def test_a_value_naming_no_row_is_one_problem_with_line_field_and_fix():
    found = problems([["s1", "lum2015"]], [["r1", "s1"], ["r2", "s9"]])
    assert len(found) == 1
    problem = found[0]
    assert (problem.file, problem.line, problem.field) == ("data/results.csv", 3, "study_id")
    assert '"s9"' in problem.message and "studies" in problem.message
    assert problem.fix == "use a study_id that exists in data/studies.csv, or add that row there first"


def test_values_are_compared_exactly_as_text():
    found = problems([["s1", "lum2015"]], [["r1", " s1"], ["r2", "S1"]])
    assert [p.line for p in found] == [2, 3]


def test_an_unknown_bibliography_key_names_references_bib():
    found = problems([["s1", "nobody2099"]], [])
    assert [(p.file, p.line, p.field) for p in found] == [("data/studies.csv", 2, "reference")]
    assert "nobody2099" in found[0].message and "references.bib" in found[0].fix


def test_an_unreadable_bibliography_or_table_says_nothing_more_about_what_refers_to_it():
    assert problems([["s1", "nobody2099"]], [], bib=None) == []
    only_results = {"results": records([], [["r1", "s9"]])["results"]}
    assert foreign_keys.problems(TABLES, only_results, HEADERS, [], references="references") == []


def test_a_column_missing_from_a_header_is_left_to_its_own_problem():
    headers = {**HEADERS, "studies": ["reference"]}
    assert problems([["s1", "lum2015"]], [["r1", "s9"]], headers=headers) == []


def test_a_foreign_key_the_descriptor_gets_wrong_is_one_problem_of_the_descriptor():
    broken = {**TABLES, "results": {**TABLES["results"], "schema": {**TABLES["results"]["schema"], "foreignKeys": [
        {"fields": "study_id", "reference": {"resource": "trials", "fields": "trial_id"}},
        {"fields": "study_id", "reference": {"resource": "studies", "fields": "nope"}}]}}}
    found = problems([["s1", "lum2015"]], [["r1", "s9"]], tables=broken)
    assert [(p.file, p.line, p.field) for p in found] == [("data/datapackage.json", None,
                                                           "resources[results].schema.foreignKeys")] * 2
    assert "'trials'" in found[0].message and "studies.nope" in found[1].message


def test_a_foreign_key_over_typed_columns_is_left_to_frictionless():
    typed = {**TABLES, "results": {**TABLES["results"], "schema": {**TABLES["results"]["schema"], "fields": [
        {"name": "result_id", "type": "string"}, {"name": "study_id", "type": "integer"}]}}}
    fk = foreign_keys.keys.foreign_keys(typed["results"])[0]
    assert not foreign_keys.text_only(typed["results"], fk, typed, "references")
    assert problems([["s1", "lum2015"]], [["r1", "s9"]], tables=typed) == []


def tables_frictionless_reads(monkeypatch) -> list[set[str]]:
    """The tables of each package frictionless validates (references.bib's keys aside)."""
    read = []
    real = frictionless.Package.validate

    def validate_and_record(package, *args, **kwargs):
        read.append(set(package.resource_names) - {"references"})
        return real(package, *args, **kwargs)

    monkeypatch.setattr(frictionless.Package, "validate", validate_and_record)
    return read


def test_frictionless_reads_again_only_the_table_an_edit_changed(book, monkeypatch):
    """The copy's check memo holds every table's validation; after one CSV edit, frictionless is given that
    table alone (and references.bib's keys), and a problem it finds is reported on every run."""
    read = tables_frictionless_reads(monkeypatch)
    line = set_cell(book / "data" / "clinical_studies.csv", "afm13_nk_lymphoma_phase1", "n_patients", "many")
    for _ in range(2):
        found = run_checks()
        assert [(p.file, p.line, p.field) for p in found] == [("data/clinical_studies.csv", line, "n_patients")]
    assert read == [{"clinical_studies"}] * 2
    assert "data" not in CheckMemo(paths.root()).passed_groups


def test_without_the_memo_every_table_is_validated(book, monkeypatch):
    read = tables_frictionless_reads(monkeypatch)
    assert validate.validate_package() == []
    assert read == [{r["name"] for r in validate.schema.resources()}]


def test_a_bibliography_edit_validates_its_keys_and_no_table(book, monkeypatch):
    from helpers import BIBTEX_ENTRY

    read = tables_frictionless_reads(monkeypatch)
    bib = book / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n" + BIBTEX_ENTRY.replace("lum2015targeted", "zz2099new"),
                   encoding="utf-8")
    run_checks()
    assert read == [set()], "references.bib's keys alone"


def test_a_foreign_key_to_its_own_table():
    tree = {"nodes": {"name": "nodes", "path": "nodes.csv", "schema": {
        "fields": [{"name": "id", "type": "string"}, {"name": "parent", "type": "string"}], "primaryKey": ["id"],
        "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]}}}
    rows = {"nodes": [(2, {"id": "a", "parent": ""}), (3, {"id": "b", "parent": "a"}), (4, {"id": "c", "parent": "x"})]}
    found = foreign_keys.problems(tree, rows, {"nodes": ["id", "parent"]}, [], references="references")
    assert [(p.file, p.line, p.field) for p in found] == [("data/nodes.csv", 4, "parent")]
