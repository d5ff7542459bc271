"""What changed in the evidence: the git history of data/ and references.bib, row by row."""

from __future__ import annotations

import csv
import io
import subprocess
from dataclasses import dataclass, field

import bibtexparser

from . import paths, schema

TRACKED = ("data", "references.bib")


@dataclass
class FileChange:
    path: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class Commit:
    sha: str
    date: str
    subject: str
    files: list[FileChange]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=paths.root(), capture_output=True, text=True, check=True,
                          timeout=60).stdout


def head() -> str | None:
    """The newest commit touching the tracked paths (None outside a git checkout)."""
    try:
        return _git("log", "-1", "--format=%H", "--", *TRACKED).strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _show(sha: str, path: str) -> str | None:
    try:
        return _git("show", f"{sha}:{path}")
    except subprocess.CalledProcessError:
        return None  # the file did not exist at that commit


def _csv_rows(text: str | None, key: str | None) -> dict[str, tuple]:
    if not text:
        return {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, [])
    if not header:
        return {}
    index = header.index(key) if key in header else 0
    return {row[index]: tuple(zip(header, row)) for row in reader if row}


def _bib_entries(text: str | None) -> dict[str, tuple]:
    if not text:
        return {}
    library = bibtexparser.parse_string(text)
    return {e.key: tuple(sorted((f.key, str(f.value)) for f in e.fields)) for e in library.entries}


def _diff(old: dict, new: dict, change: FileChange) -> FileChange:
    change.added = sorted(set(new) - set(old))
    change.removed = sorted(set(old) - set(new))
    change.changed = sorted(k for k in set(old) & set(new) if old[k] != new[k])
    return change


def _primary_keys() -> dict[str, str]:
    keys = {}
    for resource in schema.resources():
        key = resource["schema"].get("primaryKey")
        keys[f"data/{resource['path']}"] = key[0] if isinstance(key, list) else key
    return keys


def commits(limit: int = 200) -> list[Commit]:
    """Commits that changed the evidence, newest first, each with rows/entries added, changed, removed."""
    log = _git("log", f"-{limit}", "--format=%H%x1f%cs%x1f%s", "--", *TRACKED)
    keys = _primary_keys()
    result = []
    for line in log.splitlines():
        sha, date, subject = line.split("\x1f", 2)
        names = _git("diff-tree", "--root", "--no-commit-id", "--name-only", "-r", sha, "--", *TRACKED).split()
        files = []
        for name in sorted(names):
            before, after = _show(f"{sha}^", name), _show(sha, name)
            if name.endswith(".csv"):
                change = _diff(_csv_rows(before, keys.get(name)), _csv_rows(after, keys.get(name)), FileChange(name))
            elif name.endswith(".bib"):
                change = _diff(_bib_entries(before), _bib_entries(after), FileChange(name))
            else:
                change = FileChange(name)  # e.g. the schema: listed, not itemised
            files.append(change)
        result.append(Commit(sha, date, subject, files))
    return result
