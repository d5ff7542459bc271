"""The data package readers download validates on its own."""

import subprocess
import sys
from pathlib import Path

import frictionless
import pytest

from reviewkit.sphinx import data_export

pytestmark = pytest.mark.site


def test_the_published_data_package_validates_on_its_own(site, tmp_path):
    downloaded = tmp_path / "download"
    downloaded.mkdir()
    for path in (site / "data").iterdir():
        (downloaded / path.name).write_bytes(path.read_bytes())
    report = frictionless.validate(str(downloaded / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:10]
    cli = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([str(cli), "validate", "datapackage.json"], cwd=downloaded, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_published_references_cover_every_bibliography_key():
    from reviewkit.model import bibliography

    rows = data_export.references_csv().splitlines()[1:]
    assert {row.split(",")[0] for row in rows} == set(bibliography.keys())
