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


# Names every part may use for the same role: its package file, and its command line (reviewkit/cli.py and the
# subcommands of watch/ and screening/).
SHARED_NAMES = {"__init__", "__main__", "cli"}


def colliding_names(package: Path = PACKAGE) -> dict[str, list[str]]:
    """Module names used by more than one module of the package, with where."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        if path.stem not in SHARED_NAMES:
            found.setdefault(path.stem, []).append(path.relative_to(package.parent).as_posix())
    return {name: where for name, where in found.items() if len(where) > 1}


def test_module_names_do_not_collide():
    """One name, one meaning: two modules named alike (records and watch/records once) send a reader to the wrong
    one. Fix: name the new module for what it holds in its part."""
    assert colliding_names() == {}


def test_a_collision_is_found(tmp_path):
    package = tmp_path / "reviewkit"
    for name in ("model/records.py", "watch/records.py", "watch/cli.py", "cli.py"):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("")
    assert colliding_names(package) == {"records": ["reviewkit/model/records.py", "reviewkit/watch/records.py"]}
