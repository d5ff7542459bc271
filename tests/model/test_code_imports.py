"""A chapter's execution depends on the toolkit modules its code imports, directly or through other modules,
and on no other: editing one it does not import executes nothing again."""

from __future__ import annotations

import pytest

from reviewkit.model import code_imports

MODULES = {
    "__init__.py": "",
    "runtime.py": "import os\n",
    "data.py": "from . import paths\nfrom .schema import fields\n",
    "paths.py": "",
    "schema.py": "def fields():\n    from .inputs import read  # an import inside a function counts\n",
    "inputs.py": "",
    "links.py": "from . import paths\n",  # imported by no chapter
    "watch/__init__.py": "",
    "watch/page.py": "from ..data import load\nfrom . import strategy\n",
    "watch/strategy.py": "",
}


@pytest.fixture
def package(tmp_path, monkeypatch):
    root = tmp_path / "reviewkit"
    for name, text in MODULES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(code_imports, "PACKAGE_DIR", root)
    monkeypatch.setattr(code_imports, "ALWAYS", ("reviewkit.runtime",))  # what the build's cells import, here
    return root


def names(package, cells):
    return {path.relative_to(package).as_posix() for path in code_imports.chapter_modules(cells)}


def test_a_chapter_runs_what_it_imports_and_what_those_import(package):
    assert names(package, ["from reviewkit import data\nimport pandas as pd"]) == {
        "__init__.py", "runtime.py", "data.py", "paths.py", "schema.py", "inputs.py"}


def test_relative_imports_in_subpackages_are_followed(package):
    found = names(package, ["from reviewkit.watch import page"])
    assert {"watch/__init__.py", "watch/page.py", "watch/strategy.py", "data.py", "inputs.py"} <= found
    assert "links.py" not in found


def test_magics_and_broken_cells_do_not_hide_the_imports_of_the_others(package):
    found = names(package, ["%matplotlib inline\nimport reviewkit.data", "def broken(:", "!ls\nfrom reviewkit import links"])
    assert {"data.py", "links.py"} <= found


def test_editing_a_module_the_chapter_does_not_import_keeps_its_key(package):
    cells = ["from reviewkit import data"]
    before = code_imports.modules_hash(cells)
    (package / "links.py").write_text("# a new comment\nfrom . import paths\n", encoding="utf-8")
    assert code_imports.modules_hash(cells) == before
    (package / "inputs.py").write_text("# a new comment\n", encoding="utf-8")
    assert code_imports.modules_hash(cells) != before, "a module imported through another one counts"


def test_the_book_s_chapters_are_read_with_the_real_package():
    found = {path.name for path in code_imports.chapter_modules(["from reviewkit.book import data"])}
    assert {"data.py", "runtime.py", "paths.py"} <= found
    assert "pdf.py" not in found and "site_links.py" not in found
