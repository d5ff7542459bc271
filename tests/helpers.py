"""Small editing helpers for fault-injection tests (they edit copies of the book, never the real one)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

# One well-formed BibTeX entry, the starting point of the bibliography tests' bad variants.
BIBTEX_ENTRY = """@article{lum2015targeted,
  author = {Lum, L G and others},
  title = {Targeted {T}-cell therapy},
  journal = {Clin Cancer Res},
  year = {2015},
  doi = {10.1158/1078-0432.CCR-14-2280},
}
"""


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(path: Path, row_id: str, column: str, value: str) -> int:
    """Set one cell (row found by its first column); returns the row's line number in the file."""
    rows = read_rows(path)
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if row[0] == row_id:
            row[header.index(column)] = value
            write_rows(path, rows)
            return number
    raise KeyError(row_id)


def line_of(path: Path, row_id: str) -> int:
    for number, row in enumerate(read_rows(path)[1:], start=2):
        if row[0] == row_id:
            return number
    raise KeyError(row_id)


def git(root: Path, *args: str) -> str:
    """Run git in a test repository (identity set locally, never from the user's configuration)."""
    import subprocess

    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


def git_init(root: Path, message: str = "Initial state") -> None:
    """Make ``root`` a git repository with everything in it committed."""
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "config", "tag.gpgsign", "false")
    commit_all(root, message)


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "--allow-empty", "-m", message)


def add_registry_id(root, study_row: int, registry_id: str):
    """Give a study of the copy a registry id, adding a `registry_ids` column where the schema lacks one."""
    import json

    package = json.loads((root / "data" / "datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["name"] == "clinical_studies")
    if not any(f["name"] == "registry_ids" for f in resource["schema"]["fields"]):
        resource["schema"]["fields"].append({"name": "registry_ids", "type": "string"})
        (root / "data" / "datapackage.json").write_text(json.dumps(package, indent=2))
    path = root / "data" / "clinical_studies.csv"
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    if "registry_ids" not in table[0]:
        table = [row + ([""] if n else ["registry_ids"]) for n, row in enumerate(table)]
    table[study_row][table[0].index("registry_ids")] = registry_id
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    path.write_text(out.getvalue(), encoding="utf-8")


def unrelease(root: Path) -> None:
    """Return a git copy of the book to its state before any release (no versions.yml, no version in
    CITATION.cff), committed: the tests of releasing start there, whatever the real book has released since."""
    (root / "versions.yml").unlink(missing_ok=True)
    citation = root / "CITATION.cff"
    citation.write_text("".join(line for line in citation.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.startswith(("version:", "date-released:"))), encoding="utf-8")
    commit_all(root, "The book before its first release")
