"""The toolkit's layering (ARCHITECTURE.md, "Layering"): each part imports only the parts below it.

Read from the source with ``ast``, lazy imports inside functions included, so a crossing cannot hide in a
function body. A new part (a folder or module directly under reviewkit/) must be given its place here.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "reviewkit"
# Bottom first. A part may import any part listed before it (and the package's __version__).
LAYERS = ["model", "i18n", "watch", "screening", "history", "checks", "book", "sphinx", "publish", "cli",
          "__main__"]
NOT_PARTS = {"__init__", "__pycache__", "static", "templates"}


def part_of(path: Path, package: Path = PACKAGE) -> str:
    return path.relative_to(package).parts[0].removesuffix(".py")


def imported_parts(path: Path) -> list[tuple[int, str]]:
    """(line, part) of every import of another part of the package in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "reviewkit":
            names = node.module.split(".")[1:2] or [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name.split(".")[1] for alias in node.names
                     if alias.name.startswith("reviewkit.")]
        else:
            continue
        found += [(node.lineno, name) for name in names]
    return found


def crossings(package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        own = part_of(path, package)
        if own == "__init__":
            continue
        for line, other in imported_parts(path):
            if other in (own, "__version__"):
                continue
            if other not in LAYERS or LAYERS.index(other) > LAYERS.index(own):
                problems.append(f"{path.relative_to(package.parent)}:{line}: part '{own}' imports '{other}', which is "
                                f"not below it ({' < '.join(LAYERS)}). Fix: move the shared code down to a part both "
                                "may import (ARCHITECTURE.md, Layering).")
    return problems


def test_every_part_has_its_place_in_the_layering():
    parts = {part_of(path) for path in PACKAGE.iterdir() if not path.name.startswith(".")} - NOT_PARTS
    assert parts <= set(LAYERS), f"give {sorted(parts - set(LAYERS))} a place in LAYERS"


def test_each_part_imports_only_the_parts_below_it():
    assert crossings() == []


def test_a_crossing_is_found_with_its_file_and_line(tmp_path):
    """The check itself: an upward import, even a lazy one inside a function, is reported where it is."""
    package = tmp_path / "reviewkit"
    (package / "model").mkdir(parents=True)
    (package / "book").mkdir()
    (package / "book" / "tables.py").write_text("from reviewkit.model import paths\n")
    (package / "model" / "keys.py").write_text("import json\n\n\ndef lookup():\n"
                                               "    from reviewkit.book import tables\n")
    assert crossings(package) == [
        "reviewkit/model/keys.py:5: part 'model' imports 'book', which is not below it "
        f"({' < '.join(LAYERS)}). Fix: move the shared code down to a part both may import (ARCHITECTURE.md, "
        "Layering)."]
