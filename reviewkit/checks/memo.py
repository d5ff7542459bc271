"""What `make check` remembers: each check group that passed, by the content hash of the files it reads and of
the toolkit's code (reviewkit.checks.run). Kept in _build/.reviewkit-checks.json (a reviewkit.model.content_memo memo: a
group that is not confirmed or recorded in a run is dropped, so one that found a problem is never remembered);
a missing, unreadable or foreign memo only means every group runs. A group may keep what passed of its parts
under "<group>/<part>" (the data group: each table's validation by frictionless, reviewkit.checks.validate), so
that after an edit it checks again only the parts whose content changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from reviewkit.model.code_imports import package_hash
from reviewkit.model.content_memo import ContentMemo

MEMO_NAME = ".reviewkit-checks.json"


class CheckMemo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._memo = ContentMemo(root / "_build" / MEMO_NAME, salt=package_hash())
        self._file_digests: dict[Path, bytes] = {}  # several groups read the same files: each is read once a run

    @property
    def passed_groups(self) -> set[str]:
        """The groups the memo held as passed when it was read."""
        return {key for key in self._memo.recorded() if "/" not in key}

    def files(self, patterns: tuple[str, ...], with_toc_files: bool = False) -> list[Path]:
        # Folders count: a new, even empty, folder can be a problem (an unknown language in locales/).
        found = {path for pattern in patterns for path in self.root.glob(pattern) if path.is_file() or path.is_dir()}
        found |= {self.root / pattern for pattern in patterns if "*" not in pattern}  # a missing file counts too
        if with_toc_files:
            from reviewkit.model.inputs import Unreadable
            from reviewkit.model.toc import resolve_toc_file, toc_files

            try:
                found |= {path for entry in toc_files(self.root) if (path := resolve_toc_file(entry, self.root))}
            except Unreadable:
                pass  # _toc.yml is among the inputs, and the check reports it
        return sorted(found)

    def _file_digest(self, path: Path) -> bytes:
        if path not in self._file_digests:
            self._file_digests[path] = (hashlib.sha256(path.read_bytes()).digest() if path.is_file() else
                                        b"folder" if path.is_dir() else b"missing")
        return self._file_digests[path]

    def fingerprint(self, patterns: tuple[str, ...], with_toc_files: bool = False, settings: str = "") -> str:
        """The content of the files ``patterns`` name, and the ``settings`` the group's rules depend on."""
        digest = hashlib.sha256(settings.encode())
        for path in self.files(patterns, with_toc_files):
            digest.update(b"\0" + path.relative_to(self.root).as_posix().encode() + b"\0" + self._file_digest(path))
        return digest.hexdigest()

    def passed(self, group: str, fingerprint: str) -> bool:
        """Whether ``group`` passed for this content; if so, what passed of its parts ("<group>/<part>", recorded by
        the group's own checks) is kept with it, for the run after its next edit."""
        if self._memo.get(group, fingerprint) is None:
            return False
        self._memo.keep(group + "/")
        return True

    def record(self, group: str, fingerprint: str) -> None:
        self._memo.put(group, fingerprint)

    def save(self) -> None:
        self._memo.save()
