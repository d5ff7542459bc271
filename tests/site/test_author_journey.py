"""CONTRIBUTING's "Add a study" (a newer study), done as an author would in a copy of the book: the build
is clean, the study shows on its chapter marked as an update, and every Key findings note is unchanged."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import build, copy_book
from helpers import read_rows, write_rows

pytestmark = [pytest.mark.build, pytest.mark.site]

CHAPTER = "bsab-armed-t-cells-solid-tumours"
STUDY = {"study_id": "her2_bats_gastric_phase2", "position": "1", "provenance": "update",
         "added": datetime.date.today().isoformat(),  # an author adds the row on the day they write it
         "platform": "bsab_armed", "effector": "T", "design": "randomised", "phase": "II", "arms": "2",
         "n_patients": "120", "indication": "gastric cancer", "target": "HER2",
         "construct": "anti-CD3 × anti-HER2", "registry_ids": "NCT09999999", "reference": "doe2027her2"}
RESULTS = [
    {"result_id": "her2_bats_gastric_phase2__pfs_armed", "outcome": "median_pfs", "arm": "armed T cells",
     "population_n": "60", "relation": "=", "value": "6.1", "ci_low": "4.9", "ci_high": "7.4", "unit": "months"},
    {"result_id": "her2_bats_gastric_phase2__os_armed", "outcome": "median_os", "arm": "armed T cells",
     "population_n": "60", "relation": "=", "value": "14.2", "unit": "months"},
]
ENTRY = """
@article{doe2027her2,
  author = {Doe, J and others},
  title = {A randomised trial of {HER2}-armed T cells in gastric cancer},
  journal = {J Test Oncol},
  year = {2027},
  doi = {10.9999/jto.2027.001},
}
"""


def append(path, rows: list[dict]) -> None:
    table = read_rows(path)
    table += [[row.get(column, "") for column in table[0]] for row in rows]
    write_rows(path, table)


def key_findings(html_dir) -> dict[str, str]:
    notes = {}
    for page in sorted((html_dir / "chapters").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for box in soup.select("div.admonition"):
            title = box.select_one(".admonition-title")
            if title and title.get_text(strip=True) == "Key findings":
                notes[page.name] = " ".join(box.get_text(" ").split())
    return notes


def test_adding_a_newer_study_marks_it_and_leaves_the_review_alone(tmp_path, site):
    root = copy_book(tmp_path / "book", execution_cache=Path("_build/.jupyter_cache"))
    append(root / "data" / "clinical_studies.csv", [STUDY])
    append(root / "data" / "clinical_results.csv",
           [{**row, "study_id": STUDY["study_id"], "provenance": "update", "added": STUDY["added"],
             "reference": STUDY["reference"]} for row in RESULTS])
    (root / "references.bib").write_text((root / "references.bib").read_text() + ENTRY, encoding="utf-8")
    chapter = root / "chapters" / f"{CHAPTER}.md"
    text = chapter.read_text(encoding="utf-8")
    marker = "Nothing here changes the\nkey findings above, which state the review's findings only."
    assert marker in text
    chapter.write_text(text.replace(marker, marker + "\n\nA randomised trial followed {cite}`doe2027her2`."),
                       encoding="utf-8")

    check = subprocess.run([sys.executable, "-m", "reviewkit", "check"], cwd=root, capture_output=True, text=True,
                           env={"REVIEWKIT_ROOT": str(root), "PATH": "/usr/bin:/bin"})
    assert check.returncode == 0, check.stderr
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    html = root / "_build" / "html"
    page = BeautifulSoup((html / "chapters" / f"{CHAPTER}.html").read_text(encoding="utf-8"), "html.parser")
    marked = [row for row in page.select("tr.provenance-update") if "gastric cancer" in row.get_text()]
    assert marked, "the new study is not marked as an update on its chapter"
    assert all(STUDY["added"] in row.get_text() for row in marked)
    assert any("6.1 months (95% CI 4.9–7.4)" in row.get_text() for row in page.select("tr.provenance-update"))
    assert key_findings(html) == key_findings(site)

    # The fast invariant tests still pass on the changed book.
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/book/test_data.py", "tests/book/test_evidence_model.py", "tests/model/test_bibliography.py",
                            "tests/book/test_charts.py"], cwd=root, capture_output=True, text=True,
                           env={"REVIEWKIT_ROOT": str(root), "PATH": f"{sys.prefix}/bin:/usr/bin:/bin"})
    assert suite.returncode == 0, suite.stdout[-3000:]
