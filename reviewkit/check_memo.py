"""What `make check` remembers: each check group that passed, by the content hash of the files it reads and of
the toolkit's code (reviewkit.check). Kept in _build/.reviewkit-checks.json; a missing, unreadable or foreign
memo only means every group runs."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .code_imports import package_hash

MEMO_NAME = ".reviewkit-checks.json"


class CheckMemo:
    def __init__(self, root: Path, complete_book: bool) -> None:
        self.root, self.path = root, root / "_build" / MEMO_NAME
        self.salt = f"complete_book={complete_book}|{package_hash()}"
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        self.passed_groups: dict[str, str] = saved.get(self.salt, {}) if isinstance(saved, dict) else {}

    def files(self, patterns: tuple[str, ...], with_toc_files: bool = False) -> list[Path]:
        found = {path for pattern in patterns for path in self.root.glob(pattern) if path.is_file()}
        found |= {self.root / pattern for pattern in patterns if "*" not in pattern}  # a missing file counts too
        if with_toc_files:
            from .toc import resolve_toc_file, toc_files
            from .inputs import Unreadable

            try:
                found |= {path for entry in toc_files(self.root) if (path := resolve_toc_file(entry, self.root))}
            except Unreadable:
                pass  # _toc.yml is among the inputs, and the check reports it
        return sorted(found)

    def fingerprint(self, patterns: tuple[str, ...], with_toc_files: bool = False) -> str:
        digest = hashlib.sha256()
        for path in self.files(patterns, with_toc_files):
            digest.update(b"\0" + path.relative_to(self.root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"\0missing")
        return digest.hexdigest()

    def passed(self, group: str, fingerprint: str) -> bool:
        return self.passed_groups.get(group) == fingerprint

    def record(self, group: str, fingerprint: str) -> None:
        self.passed_groups[group] = fingerprint

    def forget(self, group: str) -> None:
        self.passed_groups.pop(group, None)

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f"{MEMO_NAME}.{os.getpid()}.tmp")
            partial.write_text(json.dumps({self.salt: self.passed_groups}, sort_keys=True), encoding="utf-8")
            partial.replace(self.path)
        except OSError:
            pass  # a read-only checkout: nothing is remembered, every check runs next time
