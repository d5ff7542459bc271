"""The cache ablation (benchmarks/caches.py): each layer is really disabled in the copy it builds, and nowhere
else; a layer whose code moved is refused rather than measured as if it had been disabled."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import caches  # noqa: E402


def test_functools_decorators_become_ones_that_cache_nothing_on_the_same_lines():
    source = ("from functools import cache, lru_cache\n\n@cache\ndef a():\n    pass\n\n"
              "class B:\n    @lru_cache(maxsize=4)\n    def b(self):\n        pass\n\n"
              "@functools.lru_cache\ndef c():\n    pass\n\n@cached_property_like\ndef d():\n    pass\n")
    text, count = caches.without_functools_caches(source)
    assert count == 3
    assert text.count("\n") == source.count("\n")
    assert "    @(lambda function: function)\n    def b" in text
    assert "@cached_property_like" in text
    namespace = {"cached_property_like": lambda function: function}
    exec(compile(text.replace("@functools.", "@"), "x", "exec"), namespace)
    assert namespace["a"].__class__.__name__ == "function"


def test_saving_is_a_share_of_the_time_without_the_layer():
    assert caches.saving(8.0, 10.0) == pytest.approx(0.2)
    assert caches.saving(11.0, 10.0) == pytest.approx(-0.1)
    assert caches.saving(1.0, 0.0) == 0.0


@pytest.fixture
def toolkit_copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "reviewkit", tmp_path / "reviewkit", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


PROBE = """
from pathlib import Path
import tempfile
from reviewkit.checks.memo import CheckMemo
from reviewkit.sphinx import vega_bundle
from reviewkit.model import paths

folder = Path(tempfile.mkdtemp())
check = CheckMemo(folder)
check.record("group", "f")
check.save()
print(CheckMemo(folder).passed("group", "f"), vega_bundle.bundle_dir(folder / "html").name,
      hasattr(paths.root, "cache_clear"))
"""


def probe(root: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=root, env={"PYTHONPATH": str(root), "PATH": ""},
                            capture_output=True, text=True, check=True)
    return result.stdout.split()


@pytest.mark.parametrize("layer, changed", [("check memo", 0), ("functools caches", 2)])
def test_each_layer_is_disabled_in_the_copy_alone(toolkit_copy, layer, changed):
    intact = probe(toolkit_copy)
    assert intact[0] == intact[2] == "True"
    caches.disable(toolkit_copy, layer)
    ablated = probe(toolkit_copy)
    assert [i for i, (a, b) in enumerate(zip(intact, ablated)) if a != b] == [changed]


def test_without_the_vega_stamp_each_build_makes_its_bundle_in_its_own_folder(toolkit_copy):
    caches.disable(toolkit_copy, "Vega bundle stamp")
    assert probe(toolkit_copy)[1] == ".reviewkit-static"


BACKEND_PROBE = """
import pybtex.plugin
from reviewkit.sphinx import citations

citations.setup(type("App", (), {"connect": lambda *args: None})())
searches = []
search = pybtex.plugin.entry_points
pybtex.plugin.entry_points = lambda **which: searches.append(which) or search(**which)
backends = {pybtex.plugin.find_plugin("pybtex.backends", "plaintext") for _ in range(3)}
print(len(searches), [backend.__module__ for backend in backends])
"""


def test_without_the_backend_workaround_pybtex_looks_the_backend_up_as_it_is_asked(toolkit_copy):
    def registered() -> str:
        return subprocess.run([sys.executable, "-c", BACKEND_PROBE], cwd=toolkit_copy, capture_output=True,
                              env={"PYTHONPATH": str(toolkit_copy), "PATH": ""}, text=True, check=True).stdout
    searches, backends = registered().split(" ", 1)
    assert (searches, backends.strip()) == ("0", "['pybtex.backends.plaintext']")
    caches.disable(toolkit_copy, "pybtex backend registered once")
    searches, backends = registered().split(" ", 1)
    assert int(searches) >= 3 and backends.strip() == "['pybtex.backends.plaintext']"


def test_a_layer_whose_code_moved_is_refused(toolkit_copy):
    (toolkit_copy / "reviewkit" / "checks" / "memo.py").unlink()
    with pytest.raises(LookupError, match="checks/memo.py"):
        caches.disable(toolkit_copy, "check memo")
