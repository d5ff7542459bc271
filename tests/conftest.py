"""Shared fixtures: the built site, and throwaway copies of the book for fault injection and builds."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewkit import paths

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
SITE = BUILD / "html"
BIN = Path(sys.executable).parent
COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", ".pytest_cache", "*.egg-info")


@pytest.fixture(scope="session")
def site() -> Path:
    """The site `make book` built (`make test` builds it first)."""
    if not (SITE / "chapters" / "index.html").is_file():
        pytest.fail("No built site in _build/html: run `make test`, which builds the book before testing.")
    return SITE


@pytest.fixture(scope="session")
def build_report(site) -> dict:
    return json.loads((BUILD / "reviewkit-build.json").read_text())


def copy_book(target: Path) -> Path:
    shutil.copytree(ROOT, target, ignore=COPY_IGNORE)
    return target


@pytest.fixture
def book(tmp_path, monkeypatch) -> Path:
    """A private copy of the book; reviewkit resolves every path inside it for the test's duration."""
    root = copy_book(tmp_path / "book")
    monkeypatch.setenv("REVIEWKIT_ROOT", str(root))
    paths.root.cache_clear()
    yield root
    paths.root.cache_clear()


def snapshot(root: Path) -> dict[str, str]:
    """Content hash of every file in the tree, to prove a failed check changed nothing."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "_build" not in p.parts}


def set_toc(root: Path, files: list[str]) -> None:
    """Reduce a copy's table of contents to a few chapters (builds of the copy stay fast)."""
    chapters = "\n".join(f"      - file: {name}" for name in files)
    (root / "_toc.yml").write_text(
        f"format: jb-book\nroot: chapters/index\nparts:\n  - caption: Test\n    chapters:\n{chapters}\n",
        encoding="utf-8")


def build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    """`jupyter-book build` of a copy of the book, as `make book` runs it (warnings are errors)."""
    env = {**os.environ, "REVIEWKIT_ROOT": str(root)}
    return subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(root), "--warningiserror", "--nitpick", "--keep-going", *extra],
        cwd=root, env=env, capture_output=True, text=True, timeout=900)


def build_report_of(root: Path) -> dict:
    return json.loads((root / "_build" / "reviewkit-build.json").read_text())
