"""The book's versions with what changed in each, newest first, plus the unreleased changes since the last.

Only released versions (their release commits) and the working tree are read, so the commits between them never
matter: a bad intermediate commit that a later commit fixed cannot break the page. The first version is compared
with the review itself (reviewkit.history.since_review), and so are the unreleased changes while no version exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reviewkit.history import git as history, since_review, versions
from reviewkit.history.changes import Change, diff
from reviewkit.history.git import Snapshot
from reviewkit.history.versions import Version
from reviewkit.i18n.generated import _


@dataclass
class Entry:
    title: str
    anchor: str
    version: Version | None            # None: the unreleased changes
    changes: list[Change] = field(default_factory=list)
    first: bool = False                # the first version: compared with the review itself
    snapshot: Snapshot | None = None   # the evidence at this version
    baseline: str = ""                 # set when the changes are those since the review (listed by chapter)


def anchor(version: str | None) -> str:
    return "unreleased-changes" if version is None else "version-" + re.sub(r"[^0-9a-z]+", "-", version.lower())


def timeline() -> tuple[list[Entry], Snapshot]:
    """(entries newest first, the evidence in the working tree); HistoryError when a state cannot be read."""
    try:
        released = versions.released()
    except ValueError as error:
        raise history.HistoryError(str(error)) from error
    current = history.in_working_tree()
    snapshots = [history.at_commit(versions.release_commit(v.version), f"version {v.version}") for v in released]
    entries = []
    exactly_latest = bool(released) and versions.edition().version is not None
    if not released:
        baseline = since_review.title(current)
        entries.append(Entry(_("Unreleased changes since {baseline}").format(baseline=baseline), anchor(None), None,
                             since_review.changes(current), snapshot=current, baseline=baseline))
    elif not exactly_latest:
        entries.append(Entry(_("Unreleased changes since version {version}").format(version=released[0].version),
                             anchor(None), None,
                             diff(snapshots[0], current), snapshot=current))
    for index, version in enumerate(released):
        earlier = snapshots[index + 1] if index + 1 < len(snapshots) else None
        baseline = "" if earlier else since_review.title(snapshots[index])
        entries.append(Entry(_("Version {version}").format(version=version.version), anchor(version.version), version,
                             diff(earlier, snapshots[index]) if earlier else since_review.changes(snapshots[index]),
                             first=earlier is None, snapshot=snapshots[index], baseline=baseline))
    return entries, current
