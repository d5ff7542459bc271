import json

import pandas as pd
import pytest

from reviewkit import data, paths, runtime, schema
from reviewkit.problems import CheckFailed
from helpers import set_cell


def test_loader_types_columns_by_schema():
    studies = data.load("clinical_studies")
    assert str(studies["n_patients"].dtype) == "Int64"
    assert str(studies["orr_percent"].dtype) == "Float64"
    assert str(studies["study_id"].dtype) == "string"
    products = data.load("approved_products")
    assert pd.api.types.is_datetime64_any_dtype(products["approval_date"])


def test_empty_cells_are_missing_not_zero():
    glioma = data.row("clinical_studies", "egfr_bats_glioma_phase1")
    assert pd.isna(glioma["orr_percent"])
    assert glioma["n_patients"] == 7


def test_loader_keeps_the_csv_values_exactly():
    """Every numeric cell the loader returns equals the CSV text read independently with the csv module."""
    import csv
    from decimal import Decimal

    numeric = {f["name"] for f in schema.fields("clinical_studies") if f["type"] in ("number", "integer")}
    frame = data.load("clinical_studies").set_index("study_id")
    with (paths.data_dir() / "clinical_studies.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    checked = 0
    for row in rows:
        for column in numeric:
            loaded = frame.loc[row["study_id"], column]
            if row[column] == "":
                assert pd.isna(loaded), (row["study_id"], column)
            else:
                assert Decimal(repr(float(loaded))) == Decimal(row[column]), (row["study_id"], column)
                checked += 1
    assert checked > 30


def test_unknown_table_lists_the_known_ones():
    with pytest.raises(KeyError, match="Known tables: .*clinical_studies"):
        data.load("clinical_trials")


def test_unknown_row_id():
    with pytest.raises(KeyError, match="no row with study_id = 'nope'"):
        data.row("clinical_studies", "nope")


def test_load_refuses_invalid_data(book):
    set_cell(book / "data" / "clinical_studies.csv", "afm13_nk_lymphoma_phase1", "orr_percent", "-3")
    with pytest.raises(CheckFailed, match=r"data/clinical_studies.csv:\d+: \[orr_percent\]"):
        data.load("clinical_studies")


def test_loads_are_recorded_and_undeclared_reads_fail(monkeypatch):
    monkeypatch.setattr(runtime, "_read", set())
    data.load("glossary")
    assert "data/glossary.csv" in runtime.files_read()
    with pytest.raises(RuntimeError, match="reads .*data/glossary.csv but does not declare it"):
        runtime.verify_inputs("chapters/x.md", {"data/clinical_studies.csv": "abc"})
    runtime.verify_inputs("chapters/x.md", {f: "h" for f in runtime.files_read()})


def test_schema_describes_every_column_of_every_table():
    for resource in schema.resources():
        header = (paths.data_dir() / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == header, resource["name"]
        assert resource["schema"].get("primaryKey"), resource["name"]
        for field in fields:
            assert field.get("description"), f"{resource['name']}.{field['name']} needs a description"


def test_every_csv_in_data_is_in_the_package():
    declared = {r["path"] for r in schema.resources()}
    assert {p.name for p in paths.data_dir().glob("*.csv")} == declared
    assert json.loads(paths.datapackage_path().read_text())["resources"]
