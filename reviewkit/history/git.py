"""Reading the evidence (data package and bibliography) at a git revision or in the working tree.

"What changed" compares the evidence at each released version (the tree of its release commit,
reviewkit.history.versions.release_commit) and in the working tree. Only those states are read, never the commits between them: a bad intermediate commit that a
later commit fixed cannot break the page. What is read must be readable: an unreadable state (not a git
checkout, a version no commit released, a file that is not UTF-8, JSON or CSV that does not parse) raises HistoryError
naming the commit and the file, and the build stops. There is no "history not available" fallback.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import bibtexparser

from reviewkit.model import inputs, keys, paths

DATAPACKAGE = "data/datapackage.json"
BIBLIOGRAPHY = "references.bib"
REFERENCES_RESOURCE = "references"  # injected from references.bib, not a file (see reviewkit.model.schema)


class HistoryError(Exception):
    """The history of the evidence cannot be read; the message names the commit and the file and says how to fix it."""


def git(*args: str, binary: bool = False, check: bool = True):
    try:
        result = subprocess.run(["git", *args], cwd=paths.root(), capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        raise HistoryError(f"cannot run git ({error}). Fix: install git; the book's history is read from it.") from error
    if check and result.returncode != 0:
        raise HistoryError(f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace').strip()}")
    return result if not check else (result.stdout if binary else result.stdout.decode("utf-8", "replace"))


def require_checkout() -> None:
    result = git("rev-parse", "--show-toplevel", check=False)
    top = result.stdout.decode().strip() if result.returncode == 0 else ""
    has_commit = git("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0
    if not top or Path(top).resolve() != paths.root().resolve() or not has_commit:
        raise HistoryError(
            f"{paths.root()} is not a git checkout with at least one commit, so the history of the evidence "
            "(versions, What changed) cannot be read. Fix: build from a git clone of the repository "
            "(its history: not a shallow clone), not from an archive or a copy without .git.")


def head() -> str:
    require_checkout()
    return git("rev-parse", "HEAD").strip()


def tag_commit(version: str) -> str | None:
    """The commit of the release tag ``v<version>``, or None when this repository has no such tag (a clone made
    with ``--no-tags``: reviewkit.history.versions.release_commit then finds the release in the history of versions.yml)."""
    require_checkout()
    result = git("rev-parse", "--verify", "--quiet", f"refs/tags/v{version}^{{commit}}", check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None


def file_at(commit: str, path: str) -> bytes | None:
    """The content of ``path`` in the tree of ``commit`` (None: no such file there)."""
    result = git("show", f"{commit}:{path}", binary=True, check=False)
    return result.stdout if result.returncode == 0 else None


def commits_changing(path: str, text: str) -> list[str]:
    """Commits, oldest first, that change how often ``text`` occurs in ``path`` (git's pickaxe, ``-S``)."""
    return git("log", "--format=%H", "--reverse", "-S", text, "--", path).split()


def has_uncommitted_changes() -> bool:
    """Tracked files differ from HEAD (untracked and ignored files, such as _build/, do not count)."""
    return bool(git("status", "--porcelain", "--untracked-files=no").strip())


# ---------------------------------------------------------------- snapshots of the evidence
@dataclass
class Table:
    resource: dict
    key_fields: tuple[str, ...]
    rows: dict[tuple[str, ...], dict[str, str]]  # primary key -> {field: cell text}, in file order

    @property
    def fields(self) -> list[dict]:
        return self.resource.get("schema", {}).get("fields", [])

    def field(self, name: str) -> dict | None:
        return next((f for f in self.fields if f.get("name") == name), None)


@dataclass
class Snapshot:
    where: str                       # e.g. "v2026.12 (commit 1a2b3c4)" or "the working tree"
    descriptor: dict
    tables: dict[str, Table]         # resource name -> table
    references: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {field: value}


def _decode(raw: bytes, path: str, where: str) -> str:
    """The file's text as the working tree's files are read (reviewkit.model.inputs.decode)."""
    try:
        return inputs.decode(raw, path)
    except inputs.Unreadable as error:
        raise HistoryError(f"{where}: {path} is not UTF-8 (line {error.problem.line}: {error.problem.message}), "
                           f"so the evidence at that state cannot be read. Fix: save {path} as UTF-8 and commit "
                           "it.") from None


def table_from_text(text: str, path: str, where: str, resource: dict) -> Table:
    """A table of the evidence at ``where`` from its CSV text, parsed by the toolkit's one CSV parser
    (reviewkit.model.inputs.parse_csv_text: lines are where a row starts) and keyed by reviewkit.model.keys."""
    key_fields = tuple(keys.key_fields(resource) or [f["name"] for f in resource.get("schema", {}).get("fields", [])[:1]])
    try:
        header, cells = inputs.parse_csv_text(text, path)
    except inputs.Unreadable as error:
        problem = error.problem
        raise HistoryError(f"{where}: {path} line {problem.line} is not valid CSV ({problem.message}). "
                           f"Fix: {problem.fix}; and commit.") from None
    if not header:
        raise HistoryError(f"{where}: {path} is empty. Fix: restore its header row and commit it.")
    missing = [k for k in key_fields if k not in header]
    if missing:
        raise HistoryError(f"{where}: {path} has no column {', '.join(missing)}, its primary key in "
                           f"{DATAPACKAGE}. Fix: restore the column or correct the schema, and commit.")
    numbered = []
    for line, row in cells:
        if not row:
            continue
        if len(row) != len(header):
            raise HistoryError(f"{where}: {path} line {line} has {len(row)} cells but the header has "
                               f"{len(header)}. Fix: correct the row (an unquoted comma?) and commit.")
        numbered.append((line, dict(zip(header, row))))
    indexed, problems = keys.index(numbered, list(key_fields), path)
    if problems:
        first = problems[0]
        raise HistoryError(f"{where}: {path} line {first.line}: {first.message}. Fix: {first.fix}, and commit.")
    return Table(resource, key_fields, {key: row for key, (_, row) in indexed.items()})


@cache
def _parse_bib(text: str, path: str, where: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise HistoryError(f"{where}: {path} line {block.start_line + 1} cannot be parsed as BibTeX. "
                           "Fix: correct the entry (make check names the problem) and commit.")
    entries = {}
    for entry in library.entries:
        fields = {f.key.lower(): " ".join(str(f.value).split()) for f in entry.fields}
        fields["ENTRYTYPE"] = entry.entry_type.lower()
        entries[entry.key] = fields
    return entries


def _snapshot(read, where: str) -> Snapshot:
    """A snapshot from ``read(path) -> bytes | None`` (None: the file does not exist in that state)."""
    raw = read(DATAPACKAGE)
    if raw is None:
        raise HistoryError(f"{where}: {DATAPACKAGE} does not exist, so the data at that state cannot be read. "
                           "Fix: restore it and commit.")
    try:
        descriptor = json.loads(_decode(raw, DATAPACKAGE, where))
    except json.JSONDecodeError as error:
        raise HistoryError(f"{where}: {DATAPACKAGE} line {error.lineno} is not valid JSON ({error.msg}). "
                           "Fix: correct it and commit.") from error
    tables = {}
    for resource in descriptor.get("resources", []):
        if resource.get("name") == REFERENCES_RESOURCE or "path" not in resource:
            continue
        path = f"data/{resource['path']}"
        content = read(path)
        if content is None:
            raise HistoryError(f"{where}: {DATAPACKAGE} describes {path}, which does not exist. "
                               "Fix: add the file or remove its resource, and commit.")
        tables[resource["name"]] = table_from_text(_decode(content, path, where), path, where, resource)
    bib = read(BIBLIOGRAPHY)
    references = _parse_bib(_decode(bib, BIBLIOGRAPHY, where), BIBLIOGRAPHY, where) if bib is not None else {}
    return Snapshot(where, descriptor, tables, references)


def at_commit(commit: str, label: str) -> Snapshot:
    """The evidence in the tree of ``commit`` (``label`` names it for readers of error messages)."""
    where = f"{label} (commit {commit[:10]})"

    return _snapshot(lambda path: file_at(commit, path), where)


def in_working_tree() -> Snapshot:
    """The evidence as the build sees it: the files on disk (HEAD plus any uncommitted changes)."""
    commit = head()
    dirty = has_uncommitted_changes()
    where = (f"the working tree (commit {commit[:10]} with uncommitted changes)" if dirty
             else f"commit {commit[:10]} (HEAD)")

    def read(path: str) -> bytes | None:
        file = paths.root() / path
        return file.read_bytes() if file.is_file() else None

    return _snapshot(read, where)
