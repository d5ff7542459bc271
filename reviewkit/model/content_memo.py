"""Work done once per version of some content, kept in a file: the store of the check memo
(reviewkit.checks.memo), which records each group of checks that passed by the content of what it read.

Each key keeps the sha256 of the content it was recorded for, with what was derived from it; other content
means the work is done again. A memo whose ``salt`` (the settings the work depends on) differs is ignored.
A memo that cannot be written (a read-only checkout) only means the work is done again next time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


class ContentMemo:
    def __init__(self, path: Path, salt: str = "") -> None:
        self.path, self.salt = path, salt
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        valid = isinstance(saved, dict) and saved.get("salt") == salt and isinstance(saved.get("entries"), dict)
        self._saved: dict[str, dict] = saved["entries"] if valid else {}
        self._kept: dict[str, dict] = {}

    def get(self, key: str, data: bytes | str):
        """What was recorded for ``key`` when its content was ``data`` (the value, or None)."""
        entry = self._saved.get(key)
        if isinstance(entry, dict) and entry.get("sha256") == digest(data):
            self._kept[key] = entry
            return entry.get("value", True)
        return None

    def put(self, key: str, data: bytes | str, value=True) -> None:
        self._kept[key] = {"sha256": digest(data), "value": value}

    def keep(self, prefix: str) -> None:
        """Keep, as confirmed in this run, every recorded key that starts with ``prefix``."""
        self._kept.update({key: entry for key, entry in self._saved.items()
                           if key.startswith(prefix) and key not in self._kept})

    def recorded(self) -> set[str]:
        """The keys the memo held when it was read."""
        return set(self._saved)

    def save(self) -> None:
        """Keep only the entries recorded or confirmed in this run; written atomically."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            partial.write_text(json.dumps({"salt": self.salt, "entries": self._kept}, sort_keys=True), encoding="utf-8")
            partial.replace(self.path)
        except OSError:
            pass
