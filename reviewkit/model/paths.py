"""Where the book's files are, resolved from the repository root.

Chapters execute in their own folder (``chapters/``), so nothing may rely on the working directory.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

ROOT_MARKER = "_config.yml"
# The toolkit's own files: the package, and the assets it adds to every page.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATES_DIR = PACKAGE_DIR / "templates"


@cache
def root() -> Path:
    """The book's root: ``$REVIEWKIT_ROOT`` if set, else the nearest folder above the cwd or this package
    that holds ``_config.yml``."""
    env = os.environ.get("REVIEWKIT_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            if (folder / ROOT_MARKER).is_file():
                return folder
    raise FileNotFoundError(
        f"Cannot find the book's root (a folder with {ROOT_MARKER}) above {Path.cwd()}; "
        "run from inside the book or set REVIEWKIT_ROOT."
    )


def data_dir() -> Path:
    return root() / "data"


def datapackage_path() -> Path:
    return data_dir() / "datapackage.json"


def bibliography_path() -> Path:
    return root() / "references.bib"


def relative(path: Path) -> str:
    """A path as authors see it: relative to the book's root when inside it."""
    try:
        return path.resolve().relative_to(root()).as_posix()
    except ValueError:
        return str(path)
