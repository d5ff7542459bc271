"""The build's own errors name the line the author sees (the toolkit's hidden cells move no line), and a local
`make book` publishes no page of a chapter that was removed."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import BIN, copy_book, partial_build, write_chapter

pytestmark = pytest.mark.build

CHAPTER = """
```{code-cell} ipython3
:tags: [remove-cell]
from reviewkit.book import glue
glue.glue_value("known_value", 1)
```

(lines-page)=
# Lines

A known value {glue:text}`known_value`.

(lines-page)=
## The same label again

An unknown value {glue:text}`no_such_key`.

```{code-cell} ipython3
:tags: [remove-cell]
glue.glue_value("other_value", 2)
```

Another page: {doc}`no-such-chapter`.
"""


def staged_build(root):
    return subprocess.run([str(BIN / "reviewkit"), "build"], cwd=root, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "REVIEWKIT_ROOT": str(root), "PYTHONDONTWRITEBYTECODE": "1"})


def line_of(text: str, needle: str, nth: int = 1) -> int:
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[nth - 1]


def test_build_errors_name_the_authors_line(tmp_path):
    root = copy_book(tmp_path / "book")
    entry = write_chapter(root, "lines", [], CHAPTER)
    partial_build(root, [entry])
    text = (root / "chapters" / "lines.md").read_text(encoding="utf-8")
    result = staged_build(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for needle, nth, words in (("(lines-page)=", 2, "Duplicate explicit target name"), ("no_such_key", 1, "no_such_key"),
                               ("no-such-chapter", 1, "no-such-chapter")):
        reported = [line for line in output.splitlines() if words in line and "lines.md:" in line]
        assert reported, f"{words!r} not reported:\n{output[-4000:]}"
        numbers = {int(n) for line in reported for n in re.findall(r"lines\.md:(\d+)", line)}
        assert numbers == {line_of(text, needle, nth)}, f"{words}: {reported}"


def test_a_removed_chapter_leaves_the_local_site(tmp_path):
    root = copy_book(tmp_path / "book")
    kept = write_chapter(root, "kept", [], "\n# Kept\n\nA page that stays.\n")
    removed = write_chapter(root, "removed", [], "\n# Removed\n\nA page that goes.\n")
    partial_build(root, [kept, removed])
    result = staged_build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    site = root / "_build" / "html"
    assert (site / "chapters" / "removed.html").is_file()

    (root / "chapters" / "removed.md").unlink()
    partial_build(root, [kept])
    result = staged_build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (site / "chapters" / "kept.html").is_file()
    assert not (site / "chapters" / "removed.html").exists(), "the page of a removed chapter is still published"
    assert not list((site / "_sources" / "chapters").glob("removed.*"))
