"""The build refuses bad sources: `make check`'s checks run before Sphinx reads anything (wired in
reviewkit.sphinxext), and a problem stops the build with every problem listed.

A passing check is remembered, in _build, by the content hash of everything the checks read (data/,
references.bib, _toc.yml, the chapters) and of the toolkit's code that checks them; a rebuild of unchanged
sources skips it, and any change to any of those files checks everything again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from . import paths
from .chapters import resolve_toc_file, toc_files
from .problems import CheckFailed

PACKAGE_DIR = Path(__file__).resolve().parent
STAMP_NAME = ".reviewkit-sources-checked"


def checked_files(root: Path) -> list[Path]:
    files = [root / "references.bib", root / "_toc.yml"]
    files += [path for folder in (root / "data", root / "chapters") if folder.is_dir()
              for path in folder.rglob("*") if path.is_file()]
    if (root / "_toc.yml").is_file():
        files += [path for entry in toc_files(root) if (path := resolve_toc_file(entry, root))]
    files += PACKAGE_DIR.rglob("*.py")
    return sorted(set(files))


def sources_fingerprint(root: Path, complete_book: bool) -> str:
    digest = hashlib.sha256(f"complete_book={complete_book}".encode())
    for path in checked_files(root):
        digest.update(b"\0" + str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


def check_before_build(app: Sphinx) -> None:
    from .check import run_checks

    complete_book = not app.config.reviewkit_partial_build
    stamp = Path(app.outdir).parent / STAMP_NAME
    fingerprint = sources_fingerprint(paths.root(), complete_book)
    if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == fingerprint):
        stamp.unlink(missing_ok=True)
        problems = run_checks(complete_book=complete_book)
        if problems:
            raise ExtensionError("the book's sources have problems; nothing was built.\n"
                                 + CheckFailed(problems).report())
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint, encoding="utf-8")
    from .data import VALIDATED_BY_BUILD

    os.environ[VALIDATED_BY_BUILD] = str(paths.root())  # the kernels need not validate the package again
