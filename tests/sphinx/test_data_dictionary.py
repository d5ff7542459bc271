"""The {data-dictionary} directive, in a tiny Sphinx build of a made-up data package: every field of every
table appears with its type, unit, constraints, foreign key and meaning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build

PACKAGE = {
    "name": "made-up",
    "resources": [
        {"name": "trials", "path": "trials.csv", "title": "Made-up trials", "description": "Trials of nothing.",
         "schema": {
             "fields": [
                 {"name": "trial_id", "type": "string", "description": "Identifier of the trial.",
                  "constraints": {"required": True, "unique": True, "pattern": "^[a-z_]+$"}},
                 {"name": "phase", "type": "string", "description": "Phase of the trial.",
                  "constraints": {"enum": ["I", "II", "I/II"]}},
                 {"name": "response", "type": "number", "unit": "percent", "description": "Share of responders.",
                  "constraints": {"minimum": 0, "maximum": 100}},
                 {"name": "site_id", "type": "string", "description": "Where it ran."},
                 {"name": "reference", "type": "string", "description": "Its publication."},
             ],
             "primaryKey": ["trial_id"],
             "foreignKeys": [
                 {"fields": "site_id", "reference": {"resource": "sites", "fields": "site_id"}},
                 {"fields": ["reference"], "reference": {"resource": "references", "fields": ["key"]}},
             ]}},
        {"name": "sites", "path": "sites.csv", "title": "Made-up sites", "description": "Places.",
         "schema": {"fields": [{"name": "site_id", "type": "string", "description": "Identifier of the site.",
                                "constraints": {"required": True}},
                               {"name": "opened", "type": "date", "description": "Opening day."}],
                    "primaryKey": "site_id"}},
        {"name": "references", "path": "references.csv", "description": "Stands for references.bib.",
         "schema": {"fields": [{"name": "key", "type": "string", "description": "BibTeX key."}]}},
    ],
}

CONF = """
from reviewkit.sphinx.directives import DataDictionary

def setup(app):
    app.add_directive("data-dictionary", DataDictionary)
"""


@pytest.fixture(scope="module")
def dictionary(tmp_path_factory) -> BeautifulSoup:
    root = tmp_path_factory.mktemp("dictionary")
    (root / "_config.yml").write_text("title: made-up\n", encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "datapackage.json").write_text(json.dumps(PACKAGE), encoding="utf-8")
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.rst").write_text("Data\n====\n\n.. data-dictionary::\n", encoding="utf-8")
    result = subprocess.run([str(Path(sys.executable).parent / "sphinx-build"), "-W", "-q", "-b", "html", str(root),
                             str(root / "out")], env={**os.environ, "REVIEWKIT_ROOT": str(root)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return BeautifulSoup((root / "out" / "index.html").read_text(encoding="utf-8"), "html.parser")


def rows_of(soup: BeautifulSoup, table: str) -> dict[str, list[str]]:
    section = soup.find(id=table.replace("_", "-"))
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all("td")] for row in section.select("tbody tr")]
    return {row[0]: row[1:] for row in rows}


def test_every_field_appears_with_type_unit_constraints_and_meaning(dictionary):
    for resource in PACKAGE["resources"][:2]:
        rows = rows_of(dictionary, resource["name"])
        assert list(rows) == [field["name"] for field in resource["schema"]["fields"]]
        for field in resource["schema"]["fields"]:
            kind, unit, _, meaning = rows[field["name"]]
            assert (kind, unit, meaning) == (field["type"], field.get("unit", ""), field["description"])


def test_constraints_and_foreign_keys_are_spelled_out(dictionary):
    trials = {name: row[2] for name, row in rows_of(dictionary, "trials").items()}
    assert trials["trial_id"] == "required; unique; pattern ^[a-z_]+$"
    assert trials["phase"] == "one of: I, II, I/II"
    assert trials["response"] == "≥ 0; ≤ 100"
    assert trials["site_id"] == "refers to sites"
    assert trials["reference"] == "refers to references.bib"
    assert rows_of(dictionary, "sites")["site_id"][2] == "required"


def test_each_table_has_its_title_description_and_download(dictionary):
    for resource in PACKAGE["resources"][:2]:
        section = dictionary.find(id=resource["name"].replace("_", "-"))
        assert section.find(["h1", "h2"]).get_text(strip=True).startswith(resource["title"])
        assert resource["description"] in section.get_text(" ")
        assert section.find("a", string="Download CSV")["href"] == f"../data/{resource['path']}"
    assert dictionary.find(id="references") is None, "references.bib is not a table of the package"
    assert dictionary.find("a", string="datapackage.json")["href"] == "../data/datapackage.json"
