"""benchmarks/bench.py's pure helpers."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402


def test_an_old_commits_environment_is_named_by_its_lock_alone():
    lock = b"altair==5.5.0 \\\n    --hash=sha256:00\n"
    assert bench.venv_key(lock) != bench.venv_key(lock.replace(b"5.5.0", b"5.4.1"))
    assert bench.venv_key(lock).isalnum()
