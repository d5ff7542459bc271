"""Builds of private copies of the book: failures stop the build, rebuilds follow the data, nothing unsafe
reaches the HTML."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
from bs4 import BeautifulSoup

from conftest import EXECUTION_CACHE, PAYLOAD, ROOT, build, build_report_of, copy_book, partial_build, write_chapter
from helpers import set_cell

pytestmark = pytest.mark.build



def make(root, target):
    """The README's own `make` target in a copy that shares this checkout's .venv."""
    (root / ".venv").symlink_to(ROOT / ".venv")
    env = {**os.environ, "REVIEWKIT_ROOT": str(root)}
    return subprocess.run(["make", "-C", str(root), target], env=env, capture_output=True, text=True, timeout=900)


def test_bad_data_builds_nothing_and_says_where(tmp_path):
    root = copy_book(tmp_path / "book")
    line = set_cell(root / "data" / "clinical_studies.csv", "afm13_nk_lymphoma_phase1", "n_patients", "ninety")
    result = make(root, "book")
    assert result.returncode != 0
    assert f"data/clinical_studies.csv:{line}: [n_patients]" in result.stderr
    assert not (root / "_build" / "html").exists()


def test_the_extension_refuses_bad_input_even_without_make(tmp_path):
    root = copy_book(tmp_path / "book")
    chapter = root / "chapters" / "bsab-armed-nk-cells-haematological-cancers.md"
    chapter.write_text(chapter.read_text().replace(":::{source-check} SC17\n:::\n", ""))
    result = build(root)
    assert result.returncode != 0
    assert "source check SC17" in result.stdout + result.stderr and "shown in no chapter" in result.stdout + result.stderr
    assert not (root / "_build" / "html" / "chapters").exists()


def test_a_raising_cell_fails_make_book_naming_the_chapter(tmp_path):
    root = copy_book(tmp_path / "book", execution_cache=EXECUTION_CACHE)  # only the broken chapter executes
    chapter = root / "chapters" / "car-t-and-car-nk-cells.md"  # the first executable chapter: the build stops there
    chapter.write_text(chapter.read_text() + "\n```{code-cell} ipython3\nraise ValueError('deliberately broken cell')\n```\n")
    result = make(root, "book")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "car-t-and-car-nk-cells" in output and "deliberately broken cell" in output


READS = """
```{{code-cell}} ipython3
:tags: [remove-cell]
from reviewkit.book import data, glue, tables
frame = data.load("{table}")
glue.glue_row(frame.iloc[0])
```

# Reads {table}

The first id is {{glue:text}}`{first}.{column}`.

```{{code-cell}} ipython3
tables.show(frame, table="{table}", caption="{table}")
```
"""


def _executed(root):
    return {doc for doc, info in build_report_of(root)["chapters"].items() if info["executed_this_build"]}


def _text(root, name):
    html = (root / "_build" / "html" / "chapters" / f"{name}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").get_text(" ")


def test_rebuilds_follow_the_data(tmp_path):
    root = copy_book(tmp_path / "book")
    glossary_first = (root / "data" / "glossary.csv").read_text().splitlines()[1].split(",")[0]
    platforms_first = (root / "data" / "platforms.csv").read_text().splitlines()[1].split(",")[0]
    terms = write_chapter(root, "reads-glossary", ["data/glossary.csv"],
                          READS.format(table="glossary", first=glossary_first, column="expansion"))
    # A table with a reference column prints citations that Sphinx resolves: its kernel reads no references.bib.
    platforms = write_chapter(root, "reads-platforms", ["data/platforms.csv"],
                              READS.format(table="platforms", first=platforms_first, column="platform"))
    partial_build(root, [terms, platforms])
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    assert _executed(root) >= {terms, platforms}  # a first build runs every executable page (the data page too)

    glossary = root / "data" / "glossary.csv"
    original = glossary.read_bytes()
    set_cell(glossary, glossary_first, "expansion", "an edited expansion")
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    assert _executed(root) == {terms}, "exactly the chapter that reads the edited CSV re-executes"
    assert "an edited expansion" in _text(root, "reads-glossary")

    time.sleep(1)
    (root / "data" / "platforms.csv").touch()
    assert build(root).returncode == 0
    assert _executed(root) == set(), "a touch changes no content, so nothing re-executes"

    glossary.write_bytes(original)
    assert build(root).returncode == 0
    assert _executed(root) == set(), "a reverted input hits the execution cache again"
    assert "an edited expansion" not in _text(root, "reads-glossary")

    bib = root / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("{Bhutani, D and Lum, L G}", "{Bhutani, D}"),
                   encoding="utf-8")
    assert build(root).returncode == 0
    assert _executed(root) == set(), "an edited entry executes nothing: a table's citations are the build's"
    assert "Bhutani, 2015" in _text(root, "reads-platforms"), "the page whose table cites it shows the new label"


def test_a_chapter_reading_an_undeclared_file_fails(tmp_path):
    root = copy_book(tmp_path / "book")
    entry = write_chapter(root, "sneaky", ["data/glossary.csv"], "# Sneaky\n\n```{code-cell} ipython3\n"
                          "from reviewkit.book import data\ndata.load('platforms')\n```\n")
    partial_build(root, [entry])
    result = build(root)
    assert result.returncode != 0
    assert "reads data/platforms.csv but does not declare it" in result.stdout + result.stderr


def test_markup_in_data_is_shown_as_text_never_as_html(injected_site):
    html = (injected_site / "chapters" / "injection.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("img", src="x") is None
    assert not any("alert(1)" in (s.string or "") and s.get("type") != "application/json" for s in soup.find_all("script"))
    assert PAYLOAD in soup.select_one("span.pasted-text").get_text()
    assert PAYLOAD in soup.select_one("figure.reviewkit-table").get_text()
    spec = json.loads(soup.select_one("script.reviewkit-chart-spec").string)
    assert PAYLOAD in json.dumps(spec, ensure_ascii=False)
