"""Released versions of the book: versions.yml (newest first), calendar versions, and the edition a build is.

A version is a calendar version, ``YYYY.MM`` (``YYYY.MM.N`` for a further release in the same month), cut by
``reviewkit release``, which records it here, in CITATION.cff and as the annotated git tag ``v<version>``.
A version's commit is its tag when the repository has it, else the commit that added the version to this
file: a clone made without tags (``git clone --no-tags``, a mirror of branch main) still knows every release.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import yaml

from reviewkit.history import git as history
from reviewkit.model import paths
from reviewkit.model.problems import Problem
from reviewkit.i18n.generated import N_, _

FILE_NAME = "versions.yml"
VERSION_PATTERN = re.compile(r"^(?P<year>\d{4})\.(?P<month>0[1-9]|1[0-2])(?:\.(?P<micro>[1-9]\d*))?$")
# The authors' classification of an update (Cochrane "What's new" / PRISMA-LSR practice): a controlled vocabulary.
CLASSIFICATIONS = {
    "changes-conclusion": N_("New evidence that changes a conclusion"),
    "new-evidence": N_("New evidence that does not change a conclusion"),
    "corrections-only": N_("Corrections only"),
}
HEADER = """\
# Released versions of the living review, newest first. Each is the annotated git tag v<version>.
# Written by `make release` (reviewkit release); see CONTRIBUTING.md, "Cut a version".
# classification is one of: """ + ", ".join(CLASSIFICATIONS) + "\n"


@dataclass(frozen=True)
class Version:
    version: str
    date: str            # ISO date of the release
    classification: str  # a key of CLASSIFICATIONS
    summary: str

    @property
    def classification_text(self) -> str:
        return CLASSIFICATIONS.get(self.classification, self.classification)


def version_key(version: str) -> tuple[int, int, int]:
    match = VERSION_PATTERN.match(version)
    if not match:
        raise ValueError(f"'{version}' is not a calendar version YYYY.MM (or YYYY.MM.N), e.g. 2026.12")
    return int(match["year"]), int(match["month"]), int(match["micro"] or 0)


def path():
    return paths.root() / FILE_NAME


def _entries(text: str) -> tuple[list, list[int]]:
    """The raw entries and the line of each (for problems)."""
    node = yaml.compose(text)
    loaded = yaml.safe_load(text) if node is not None else None
    if loaded is None:
        return [], []
    if not isinstance(loaded, dict) or not isinstance(loaded.get("versions", []), list):
        raise ValueError("the file must hold a mapping with one key, `versions:`, a list of versions")
    lines = []
    for key, value in node.value:
        if key.value == "versions" and hasattr(value, "value") and isinstance(value.value, list):
            lines = [item.start_mark.line + 1 for item in value.value]
    return loaded.get("versions") or [], lines


def lint() -> list[Problem]:
    """Problems with versions.yml (a missing file is fine: nothing released yet)."""
    file = path()
    if not file.is_file():
        return []
    try:
        entries, lines = _entries(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, ValueError) as error:
        mark = getattr(error, "problem_mark", None)
        return [Problem(FILE_NAME, mark.line + 1 if mark else None, None, f"cannot be read: {error}",
                        "restore the file from git (git checkout -- versions.yml); `make release` writes it")]
    problems = []
    previous = None
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        if not isinstance(entry, dict):
            problems.append(Problem(FILE_NAME, line, None, "an entry is not a mapping",
                                    "write version, date, classification and summary for each version"))
            continue
        name = str(entry.get("version", ""))
        for key in ("version", "date", "classification", "summary"):
            if not str(entry.get(key) or "").strip():
                problems.append(Problem(FILE_NAME, line, key, f"version '{name}' has no {key}", f"add its {key}"))
        try:
            key = version_key(name)
        except ValueError as error:
            problems.append(Problem(FILE_NAME, line, "version", str(error), "use YYYY.MM, e.g. 2026.12"))
            continue
        if entry.get("classification") and entry["classification"] not in CLASSIFICATIONS:
            problems.append(Problem(FILE_NAME, line, "classification",
                                    f"'{entry['classification']}' is not a classification",
                                    "use one of: " + ", ".join(CLASSIFICATIONS)))
        try:
            released_on = datetime.date.fromisoformat(str(entry.get("date")))
        except ValueError:
            problems.append(Problem(FILE_NAME, line, "date", f"'{entry.get('date')}' is not an ISO date",
                                    "write the release date as YYYY-MM-DD"))
        else:
            if released_on > datetime.date.today():
                problems.append(Problem(FILE_NAME, line, "date", f"version {name} is dated {released_on}, after "
                                        "today: every page and its metadata would show a release that has not "
                                        "happened", "write the day the version was released (make release dates "
                                        "it today)"))
        if previous is not None and key >= previous:
            problems.append(Problem(FILE_NAME, line, "version", f"version {name} is not older than the one above it",
                                    "keep versions newest first, each listed once"))
        previous = key
    return problems


def released() -> list[Version]:
    """Every released version, newest first (ValueError when versions.yml is broken: `make check` says how)."""
    file = path()
    if not file.is_file():
        return []
    problems = lint()
    if problems:
        raise ValueError("versions.yml has problems:\n" + "\n".join(map(str, problems)))
    entries, _lines = _entries(file.read_text(encoding="utf-8"))
    return [Version(str(e["version"]), str(e["date"]), e["classification"], " ".join(str(e["summary"]).split()))
            for e in entries]


def write(versions: list[Version]) -> None:
    body = yaml.safe_dump({"versions": [
        {"version": v.version, "date": v.date, "classification": v.classification, "summary": v.summary}
        for v in versions]}, sort_keys=False, allow_unicode=True, width=100)
    path().write_text(HEADER + body, encoding="utf-8")


@dataclass(frozen=True)
class Edition:
    """What a build of the book is: a released version, or unreleased changes since one (or before any)."""

    version: Version | None    # the version this build is, when it is exactly a released version
    latest: Version | None     # the newest released version

    @property
    def label(self) -> str:
        if self.version:
            return _("Version {version}, released {date}").format(version=self.version.version,
                                                                  date=self.version.date)
        if self.latest:
            return _("Unreleased changes since version {version} ({date})").format(version=self.latest.version,
                                                                                   date=self.latest.date)
        return _("Unreleased: no version has been released yet")

    @property
    def version_text(self) -> str:
        """A version string for metadata and file names."""
        if self.version:
            return self.version.version
        return f"{self.latest.version}+unreleased" if self.latest else "unreleased"


def _listed_at(commit: str) -> set[str]:
    """The versions versions.yml lists in the tree of ``commit`` (none where it is missing or unreadable)."""
    raw = history.file_at(commit, FILE_NAME)
    try:
        entries, _lines = _entries(raw.decode("utf-8")) if raw is not None else ([], [])
    except (UnicodeDecodeError, yaml.YAMLError, ValueError):
        return set()
    return {str(entry.get("version")) for entry in entries if isinstance(entry, dict)}


def release_commit(version: str) -> str:
    """The commit released as ``version``: its tag ``v<version>`` when this repository has the tag, otherwise the
    last commit that added the version to versions.yml (`make release` commits the entry and tags that commit).
    Raises HistoryError when neither exists (the entry is not committed, or the clone is shallow)."""
    tagged = history.tag_commit(version)
    if tagged:
        return tagged
    added, listed = None, False
    for commit in history.commits_changing(FILE_NAME, version):  # only commits where the text changes
        now = version in _listed_at(commit)
        if now and not listed:
            added = commit
        listed = now
    if added is None:
        raise history.HistoryError(
            f"versions.yml lists version {version}, but this repository has no tag v{version} and no commit in "
            "its history adds the version to versions.yml. Fix: commit versions.yml as `make release` does, or "
            "fetch the full history (git fetch --unshallow) or the tags (git fetch --tags).")
    return added


def edition() -> Edition:
    """The edition the working tree is: version V exactly when HEAD is V's release commit (release_commit) and no
    tracked file has uncommitted changes. Raises HistoryError when git cannot tell (no checkout, a version no
    commit released)."""
    versions = released()
    history.require_checkout()
    if not versions:
        return Edition(None, None)
    latest = versions[0]
    commits = {version.version: release_commit(version.version) for version in versions}  # all must be readable
    is_release = commits[latest.version] == history.head() and not history.has_uncommitted_changes()
    return Edition(latest if is_release else None, latest)
