"""`reviewkit release` (`make release`): cut a version readers can cite.

It checks everything first and changes nothing unless all is well: a git checkout with no uncommitted
changes, a calendar version newer than every released one and not yet tagged, a classification from the
controlled vocabulary, a summary, and sources that pass `make check`. Then it records the version in
versions.yml, sets `version` and `date-released` in CITATION.cff, commits both, and creates the annotated tag
``v<version>``. It never pushes.
"""

from __future__ import annotations

import datetime
import re

import yaml

from reviewkit.history import git as history, versions
from reviewkit.model import paths
from reviewkit.history.versions import CLASSIFICATIONS, Version


class ReleaseRefused(Exception):
    """The release was refused; the message says why and what to do. Nothing was changed."""


CITATION = "CITATION.cff"


def set_citation_fields(text: str, version: str, date: str) -> str:
    """CITATION.cff with `version` and `date-released` set (the rest of the file, comments included, kept)."""
    for key, value in (("version", version), ("date-released", date)):
        line = f'{key}: "{value}"'
        pattern = re.compile(rf"^{re.escape(key)}:.*$", re.M)
        text = pattern.sub(line, text, count=1) if pattern.search(text) else text.rstrip("\n") + "\n" + line + "\n"
    loaded = yaml.safe_load(text)
    if str(loaded.get("version")) != version or str(loaded.get("date-released")) != date:
        raise ReleaseRefused(f"could not set version and date-released in {CITATION}; fix the file by hand first")
    return text


def _refusals(version: str, classification: str, summary: str, date: str) -> list[str]:
    problems = []
    try:
        key = versions.version_key(version)
    except ValueError as error:
        return [str(error) + "."]
    try:
        released_on = datetime.date.fromisoformat(date)
    except ValueError:
        return [f"'{date}' is not an ISO date (YYYY-MM-DD)."]
    if key[:2] != (released_on.year, released_on.month):
        problems.append(f"version {version} is not the calendar version of its release date {date}: use "
                        f"{released_on.year}.{released_on.month:02d} (or {released_on.year}.{released_on.month:02d}.1 "
                        "for a second release that month).")
    if classification not in CLASSIFICATIONS:
        problems.append(f"'{classification}' is not a classification. Use one of: " + "; ".join(
            f"{name} ({text})" for name, text in CLASSIFICATIONS.items()) + ".")
    if not summary.strip():
        problems.append("the summary is empty: say in a sentence or two what changed for readers.")
    try:
        existing = versions.released()
    except ValueError as error:
        return problems + [str(error)]
    if existing:
        latest = existing[0]
        if key == versions.version_key(latest.version):
            problems.append(f"version {version} is already released (on {latest.date}).")
        elif key < versions.version_key(latest.version):
            problems.append(f"version {version} is not newer than the latest release, {latest.version}.")
        if date < latest.date:
            problems.append(f"the date {date} is before the latest release's date, {latest.date}.")
    if history.git("tag", "--list", f"v{version}").strip():
        problems.append(f"the tag v{version} already exists.")
    return problems


def release(version: str, classification: str, summary: str, date: str | None = None) -> Version:
    """Cut the release; raises ReleaseRefused (having changed nothing) when anything is wrong."""
    from reviewkit.checks.run import partial_build_configured, run_checks

    summary = " ".join(summary.split())
    date = date or datetime.date.today().isoformat()
    try:
        history.require_checkout()
        if history.git("status", "--porcelain").strip():
            raise ReleaseRefused("the working tree has uncommitted or untracked changes; a release must be exactly "
                                 "a commit. Commit or stash them (git status lists them), then release.")
    except history.HistoryError as error:
        raise ReleaseRefused(str(error)) from error
    problems = _refusals(version, classification, summary, date)
    if problems:
        raise ReleaseRefused("\n".join(f"- {p}" for p in problems))
    check_problems = run_checks(complete_book=not partial_build_configured())
    if check_problems:
        raise ReleaseRefused(f"`make check` finds {len(check_problems)} problem(s) in the sources; fix them first:\n"
                             + "\n".join(map(str, check_problems)))
    new = Version(version, date, classification, summary)
    citation = paths.root() / CITATION
    old_citation = citation.read_text(encoding="utf-8")
    versions_file = versions.path()
    old_versions = versions_file.read_text(encoding="utf-8") if versions_file.is_file() else None
    committed = False
    try:
        citation.write_text(set_citation_fields(old_citation, version, date), encoding="utf-8")
        versions.write([new, *versions.released()])
        history.git("add", "--", CITATION, versions.FILE_NAME)
        history.git("commit", "--quiet", "-m", f"Release {version}: {summary}",
                    "-m", f"Classification: {new.classification_text}.")
        committed = True
        history.git("tag", "-a", f"v{version}", "-m", f"Version {version} ({date})\n\n{summary}\n\n"
                    f"Classification: {new.classification_text}.")
    except (history.HistoryError, ReleaseRefused) as error:
        if committed:  # the tree was clean before the release commit, so this restores it exactly
            history.git("reset", "--quiet", "--hard", "HEAD~1", check=False)
        citation.write_text(old_citation, encoding="utf-8")
        if old_versions is None:
            versions_file.unlink(missing_ok=True)
        else:
            versions_file.write_text(old_versions, encoding="utf-8")
        history.git("reset", "--quiet", "--", CITATION, versions.FILE_NAME, check=False)
        raise ReleaseRefused(f"the release failed and was undone: {error}") from error
    return new
