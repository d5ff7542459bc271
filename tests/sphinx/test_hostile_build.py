"""Builds that cannot lie and pages that cannot run injected script: `make book`'s staging and re-runs, the
build's own guards behind make check, and data-aware rebuilds for every way a chapter can read a file."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import BIN, build, build_report_of, copy_book, partial_build, write_chapter

pytestmark = pytest.mark.build

GLOSSARY_CHAPTER = """
```{{code-cell}} ipython3
:tags: [remove-cell]
from reviewkit.book import data, glue, tables
terms = data.load("glossary")
glue.glue_value("term_count", len(terms))
```

(terms-page)=
# Terms

There are {{glue:text}}`term_count` terms. {extra}

```{{code-cell}} ipython3
tables.show(terms, table="glossary", caption="Terms")
```
"""


def staged_build(root: Path) -> subprocess.CompletedProcess:
    """`make book`'s build (reviewkit build: check, stage, publish on success) of a partial copy."""
    return subprocess.run([str(BIN / "reviewkit"), "build"], cwd=root, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "REVIEWKIT_ROOT": str(root), "PYTHONDONTWRITEBYTECODE": "1"})


def site_state(root: Path) -> dict[str, str]:
    site = root / "_build" / "html"
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def add_resource(root: Path, name: str) -> None:
    package_path = root / "data" / "datapackage.json"
    package = json.loads(package_path.read_text())
    package["resources"].append({"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
                                 "schema": {"fields": [{"name": "id", "type": "string"}], "primaryKey": ["id"]}})
    package_path.write_text(json.dumps(package, indent=2))
    (root / "data" / f"{name}.csv").write_text("id\na\n")


def remove_resource(root: Path, name: str) -> None:
    package_path = root / "data" / "datapackage.json"
    package = json.loads(package_path.read_text())
    package["resources"] = [r for r in package["resources"] if r["name"] != name]
    package_path.write_text(json.dumps(package, indent=2))
    (root / "data" / f"{name}.csv").unlink()


def test_a_failed_build_leaves_the_site_untouched_and_fails_again_until_fixed(tmp_path):
    root = copy_book(tmp_path / "book")
    chapter = root / "chapters" / "terms.md"
    entry = write_chapter(root, "terms", ["data/glossary.csv"], GLOSSARY_CHAPTER.format(extra=""))
    partial_build(root, [entry])
    add_resource(root, "extra_terms")
    result = staged_build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    published = site_state(root)
    assert "chapters/terms.html" in published and "data/extra_terms.csv" in published

    text = chapter.read_text()
    chapter.write_text(text.replace("terms. ", "terms. See {ref}`no-such-label`. "))
    for attempt in (1, 2):  # the second run reads nothing new, and must fail all the same
        result = staged_build(root)
        output = result.stdout + result.stderr
        assert result.returncode != 0, f"attempt {attempt} passed:\n{output[-3000:]}"
        assert "no-such-label" in output and "Traceback" not in output
        assert site_state(root) == published, "a failed build must not touch the published site"
        assert "no-such-label" in (root / "_build" / "failed-build.log").read_text()

    chapter.write_text(text)
    remove_resource(root, "extra_terms")
    result = staged_build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    now = site_state(root)
    assert "data/extra_terms.csv" not in now, "a deleted data file leaves the published site"
    assert not (root / "_build" / "failed-build.log").exists()


def test_chapters_depend_on_the_schema_and_on_files_read_past_the_toolkit(tmp_path):
    root = copy_book(tmp_path / "book")
    titles = write_chapter(root, "titles", ["data/glossary.csv"], """
```{code-cell} ipython3
:tags: [remove-cell]
from reviewkit.book import data, glue
glue.glue_value("expansion_title", data.field_titles("glossary")["expansion"])
```

# Titles

The column is called {glue:text}`expansion_title`.
""")
    sneaky = write_chapter(root, "sneaky", ["data/glossary.csv"], """
```{code-cell} ipython3
import os
import pandas as pd
reader = getattr(pd, "read_" + "c" + "sv")
reader(os.path.join("..", "da" + "ta", "platforms.c" + "sv"))
```

# Sneaky
""")
    partial_build(root, [titles, sneaky])
    check = subprocess.run([str(BIN / "reviewkit"), "check"], cwd=root, capture_output=True, text=True,
                           env={**os.environ, "REVIEWKIT_ROOT": str(root)})
    assert "sneaky" not in check.stderr, "the obfuscated read passes the static check; the kernel must catch it"
    result = build(root)
    assert result.returncode != 0
    assert "reads data/platforms.csv but does not declare it" in result.stdout + result.stderr

    (root / "chapters" / "sneaky.md").unlink()
    partial_build(root, [titles])
    assert build(root).returncode == 0
    package_path = root / "data" / "datapackage.json"
    package_path.write_text(package_path.read_text().replace('"title": "Expansion"', '"title": "Long form"'))
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "chapters/titles" in {doc for doc, info in build_report_of(root)["chapters"].items()
                                 if info["executed_this_build"]}
    assert "Long form" in (root / "_build" / "html" / "chapters" / "titles.html").read_text()


def test_stderr_in_a_removed_cell_and_oversized_output_fail_the_build_naming_the_chapter(tmp_path):
    root = copy_book(tmp_path / "book")
    entry = write_chapter(root, "noisy", [], """
```{code-cell} ipython3
:tags: [remove-cell]
import sys
print("a warning nobody would see", file=sys.stderr)
```

# Noisy

```{code-cell} ipython3
for number in range(120_000):
    print(number)
```
""")
    partial_build(root, [entry])
    result = build(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "chapters/noisy.md: code cell 1" in output and "wrote to stderr" in output
    assert "a warning nobody would see" in output
    assert "chapters/noisy.md: code cell 2" in output and "KiB of output" in output


# ---------------------------------------------------------------- the build's guards behind make check
def test_hostile_input_fails_the_build_even_with_make_check_switched_off(hostile_build):
    root, result = hostile_build
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for expected in ("<script> in the page content", "onerror> event handler", "javascript: URL",
                     "<iframe> in the page content", "is after raw HTML that could hide it",
                     "is inside a dropdown container"):
        assert expected in output, f"{expected!r} not reported:\n{output[-5000:]}"


def test_whatever_the_failed_build_wrote_is_inert(hostile_build):
    root, _ = hostile_build
    site = root / "_build" / "html"
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        html = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        assert "alert(" not in " ".join(s.string or "" for s in soup.find_all("script")
                                        if s.get("type") in (None, "", "text/javascript")), page
        assert not [t for t in soup.find_all(True) if any(a.lower().startswith("on") for a in t.attrs)], page
        assert "javascript:" not in " ".join(str(t.get("href", "")) for t in soup.find_all(href=True)), page
        assert soup.find("iframe") is None
        meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None and "'unsafe-inline'" not in meta["content"].split("script-src")[1].split(";")[0]
    assert "Hostile title" in (site / "chapters" / "hostile.html").read_text()
