"""Which of the toolkit's modules a chapter's code runs: the reviewkit modules its code cells import, and
every reviewkit module those import in turn (anywhere in the module, so an import inside a function counts).
The execution cache key of a chapter hashes these files only, so an edit to a module no chapter imports (the
link check, the PDF edition) executes nothing again. Read from the source with ``ast``; an import the source
does not spell out (importlib, __import__) is not seen."""

from __future__ import annotations

import ast
import hashlib
from functools import cache
from pathlib import Path

from reviewkit.model import paths

PACKAGE = "reviewkit"
PACKAGE_DIR = paths.PACKAGE_DIR
# The build's own cells import this in every executable chapter (reviewkit.sphinx.rebuilds, reviewkit.book.runtime).
ALWAYS = ("reviewkit.book.runtime",)


def _modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package, listed afresh on each call (a module added between
    two builds of one process counts)."""
    return {_module_name(path): path for path in PACKAGE_DIR.rglob("*.py")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
    return ".".join((PACKAGE, *(parts[:-1] if parts[-1] == "__init__" else parts)))


def imported_names(source: str, current: str = "", is_package: bool = False) -> set[str]:
    """Dotted names of the modules ``source`` imports, relative imports resolved against module ``current`` (a
    package's __init__ if ``is_package``); ``from package import name`` counts ``package.name`` too (it may be a
    module). Unparsable code: none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = current.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in names if name}


@cache
def _module_imports(path: Path, stamp: tuple[int, int]) -> frozenset[str]:
    """imported_names of one package file, parsed once per version of the file (``stamp``: mtime, size)."""
    return frozenset(imported_names(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py"))


def _closure(names: set[str]) -> set[Path]:
    """Every package file the modules ``names`` import, directly or not (parent packages included)."""
    modules = _modules()
    seen: set[Path] = set()
    pending = list(names)
    while pending:
        parts = pending.pop().split(".")
        for depth in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
            path = modules.get(".".join(parts[:depth]))
            if path is None or path in seen:
                continue
            seen.add(path)
            status = path.stat()
            pending += _module_imports(path, (status.st_mtime_ns, status.st_size))
    return seen


def _cell_imports(cell: str) -> set[str]:
    # IPython's line magics and shell escapes are not Python: left out, so the rest of the cell still parses.
    return imported_names("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                                    for line in cell.split("\n")))


def chapter_modules(cells: list[str]) -> list[Path]:
    """The toolkit's files that a chapter whose code cells are ``cells`` runs, sorted."""
    return sorted(_closure(set().union(*map(_cell_imports, cells)) | set(ALWAYS)))


def _files_hash(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def modules_hash(cells: list[str]) -> str:
    """The content hash of the toolkit's files that a chapter whose code cells are ``cells`` runs."""
    return _files_hash(chapter_modules(cells))


def package_hash() -> str:
    """The content hash of every module of the package: what the build renders pages and checks sources with."""
    return _files_hash(sorted(PACKAGE_DIR.rglob("*.py")))
