"""Chapters execute on several kernels at once before Sphinx reads them, and myst-nb reads them from the cache."""

from __future__ import annotations

import pytest

from conftest import build, build_report_of, copy_book, partial_build, write_chapter

pytestmark = pytest.mark.build

SLOW = """
```{{code-cell}} ipython3
:tags: [remove-cell]
import time
from pathlib import Path
started = time.time()
time.sleep(3)
Path("../_build/{name}.interval").write_text(f"{{started}} {{time.time()}}")
```

# {name}

A chapter that takes three seconds.
"""


def test_independent_chapters_execute_at_the_same_time_and_are_read_from_the_cache(tmp_path):
    root = copy_book(tmp_path / "book")
    entries = [write_chapter(root, name, [], SLOW.format(name=name)) for name in ("slow-a", "slow-b")]
    partial_build(root, entries)
    config = root / "_config.yml"
    # One kernel per chapter of the partial book (the two slow ones and the data page), whatever the machine.
    config.write_text(config.read_text() + "    reviewkit_execution_workers: 3\n")
    (root / "_build").mkdir(exist_ok=True)  # the copy holds the check memo already

    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (a_start, a_end), (b_start, b_end) = ([float(x) for x in (root / "_build" / f"{name}.interval").read_text().split()]
                                          for name in ("slow-a", "slow-b"))
    assert a_start < b_end and b_start < a_end, "the two chapters' executions overlap in time"
    assert "chapters on 3 kernels at once" in result.stdout
    for entry in entries:
        assert f"{entry.removeprefix('chapters/')}.md: Using cached notebook" in result.stdout
        assert build_report_of(root)["chapters"][entry]["executed_this_build"]

    (root / "chapters" / "slow-a.md").write_text((root / "chapters" / "slow-a.md").read_text() + "\nMore prose.\n")
    result = build(root)
    assert result.returncode == 0
    assert "kernels at once" not in result.stdout and "Executing notebook" not in result.stdout, \
        "a prose edit executes nothing"


DIES = """
```{{code-cell}} ipython3
import os
os._exit(1)
```

# {name}

A chapter whose kernel dies.
"""


def test_a_chapter_whose_kernel_dies_is_left_to_myst_nb_which_reports_it(tmp_path):
    root = copy_book(tmp_path / "book")
    entries = [write_chapter(root, "slow-a", [], SLOW.format(name="slow-a")),
               write_chapter(root, "dies", [], DIES.format(name="dies"))]
    partial_build(root, entries)
    config = root / "_config.yml"
    config.write_text(config.read_text() + "    reviewkit_execution_workers: 3\n")
    (root / "_build").mkdir(exist_ok=True)  # the copy holds the check memo already

    result = build(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0, "a chapter whose kernel dies fails the build"
    assert "chapters/dies failed here (DeadKernelError" in output, output[-3000:]
    assert "executed chapters/slow-a" in output, "the other chapter was executed and stored"
    assert "AssertionError" not in output and "Traceback" not in output.split("chapters/dies failed here")[0]
