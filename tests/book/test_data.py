import json

import pandas as pd
import pytest

from reviewkit.book import data, runtime
from reviewkit.model import paths, schema
from reviewkit.model.problems import CheckFailed
from helpers import set_cell


def test_loader_types_columns_by_schema():
    studies = data.load("clinical_studies")
    assert str(studies["n_patients"].dtype) == "Int64"
    assert str(data.load("clinical_results")["value"].dtype) == "Float64"
    assert str(studies["study_id"].dtype) == "string"
    products = data.load("approved_products")
    assert pd.api.types.is_datetime64_any_dtype(products["approval_date"])


def test_empty_cells_are_missing_not_zero(book):
    """An empty number cell loads as missing (<NA>), never as 0, whatever today's rows hold."""
    import csv

    path = book / "data" / "clinical_studies.csv"
    with path.open(encoding="utf-8") as handle:
        study_id = next(csv.DictReader(handle))["study_id"]
    set_cell(path, study_id, "arms", "")
    set_cell(path, study_id, "n_patients", "")
    study = data.row("clinical_studies", study_id)
    assert pd.isna(study["arms"]) and pd.isna(study["n_patients"])


def test_loader_keeps_the_csv_values_exactly():
    """Every numeric cell the loader returns equals the CSV text read independently with the csv module."""
    import csv
    from decimal import Decimal

    checked = 0
    for resource in schema.resources():
        name, key = resource["name"], schema.primary_key(resource["name"])
        numeric = {f["name"] for f in resource["schema"]["fields"] if f["type"] in ("number", "integer")}
        if not numeric:
            continue
        frame = data.load(name).set_index(key)
        with schema.resource_path(name).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            for column in numeric:
                loaded = frame.loc[row[key], column]
                if row[column] == "":
                    assert pd.isna(loaded), (name, row[key], column)
                else:
                    assert Decimal(repr(float(loaded))) == Decimal(row[column]), (name, row[key], column)
                    checked += 1
    assert checked > 0


def test_unknown_table_lists_the_known_ones():
    with pytest.raises(KeyError, match="Known tables: .*clinical_studies"):
        data.load("clinical_trials")


def test_unknown_row_id():
    with pytest.raises(KeyError, match="no row with study_id = 'nope'"):
        data.row("clinical_studies", "nope")


def test_load_refuses_invalid_data(book):
    set_cell(book / "data" / "clinical_studies.csv", "afm13_nk_lymphoma_phase1", "n_patients", "-3")
    with pytest.raises(CheckFailed, match=r"data/clinical_studies.csv:\d+: \[n_patients\]"):
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


def test_a_passed_check_spares_the_kernels_a_second_validation(book, monkeypatch):
    """Where the check passed for the data as they are now (`make check`, or the build's own check before its
    kernels run: the copy's check memo holds it), loading validates nothing again; after an edit it validates,
    and refuses invalid data."""
    from reviewkit.checks import validate

    validations = []
    real = validate.validate_package
    monkeypatch.setattr(validate, "validate_package", lambda: validations.append(1) or real())
    data._validated.cache_clear()
    assert len(data.load("clinical_studies")) > 0
    assert validations == [], "the memo holds the data as checked"
    set_cell(book / "data" / "clinical_studies.csv", "afm13_nk_lymphoma_phase1", "n_patients", "-3")
    with pytest.raises(CheckFailed):
        data.load("clinical_studies")
    assert validations == [1]
