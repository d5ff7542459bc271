"""Primary and foreign keys (reviewkit.model.keys): one helper for every place that names a row by its key."""

import pandas as pd

from reviewkit.model import keys

RESOURCE = {"name": "results", "schema": {
    "fields": [{"name": "result_id"}, {"name": "study_id"}, {"name": "reference"},
               {"name": "doi", "constraints": {"unique": True}}],
    "primaryKey": ["result_id"],
    "foreignKeys": [{"fields": "study_id", "reference": {"resource": "studies", "fields": "study_id"}},
                    {"fields": ["reference"], "reference": {"resource": "references", "fields": "key"}}]}}


def test_the_key_fields_come_from_the_schema_in_either_spelling():
    # moved from tests/model/test_anchors.py, where the table rows' anchors read them before
    assert keys.key_fields({"schema": {"primaryKey": "id"}}) == ["id"]
    assert keys.key_fields({"schema": {"primaryKey": ["a", "b"]}}) == ["a", "b"]
    assert keys.key_fields({"schema": {"fields": [{"name": "a"}]}}) == []
    assert keys.primary_key(RESOURCE) == "result_id" and keys.primary_key({"schema": {}}) is None


def test_unique_fields_name_a_row_too():
    assert keys.identifying_fields(RESOURCE) == ["result_id", "doi"]


def test_a_key_value_is_its_text_without_surrounding_blanks_and_a_missing_value_names_no_row():
    assert keys.normalise(" r1\t") == "r1"
    assert keys.normalise("NCT01234567") == "NCT01234567", "case is kept"
    assert [keys.normalise(v) for v in (None, pd.NA, float("nan"), "", "  ")] == ["", "", "", "", ""]
    assert keys.normalise(3) == "3"
    assert keys.key_of(pd.Series({"a": " x", "b": 2}), ["a", "b"]) == ("x", "2")
    assert keys.key_of({"a": "x"}, ["a", "missing"]) == ("x", "")


def test_rows_are_indexed_by_key_and_a_repeat_names_file_line_field_and_fix():
    rows = [(2, {"result_id": "r1"}), (3, {"result_id": "r2"}), (5, {"result_id": " r1 "}), (6, {"result_id": ""})]
    found, problems = keys.index(rows, ["result_id"], "data/results.csv")
    assert list(found) == [("r1",), ("r2",)] and found[("r1",)][0] == 2, "the first row with a key is kept"
    repeat, empty = problems
    assert (repeat.file, repeat.line, repeat.field) == ("data/results.csv", 5, "result_id")
    assert "'r1'" in repeat.message and "line 2" in repeat.message and repeat.fix
    assert (empty.line, empty.field) == (6, "result_id") and empty.fix


def test_a_two_field_key_is_reported_by_both_fields():
    rows = [(2, {"a": "x", "b": "1"}), (3, {"a": "x", "b": "2"}), (4, {"a": "x", "b": "1"})]
    found, problems = keys.index(rows, ["a", "b"], "data/t.csv")
    assert list(found) == [("x", "1"), ("x", "2")]
    assert [(p.line, p.field) for p in problems] == [(4, "a/b")] and "x/1" in problems[0].message


def test_foreign_keys_in_either_spelling_and_their_lookup():
    assert keys.foreign_keys(RESOURCE) == [keys.ForeignKey(("study_id",), "studies", ("study_id",)),
                                           keys.ForeignKey(("reference",), "references", ("key",))]
    assert keys.references(RESOURCE) == {"study_id": "studies", "reference": "references"}
    assert keys.foreign_keys({"schema": {"foreignKeys": ["not an object"]}}) == []
    present = {("s1",), ("s2",)}
    assert keys.lookup(present, " s1 ") and not keys.lookup(present, "s3") and not keys.lookup(present, None)
