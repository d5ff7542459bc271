"""Chapters read data only through the toolkit; the kernel records any file under data/ opened past it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reviewkit.checks import reads
from reviewkit.model.chapters import Chapter

CHAPTER = "---\ndata_files: [data/glossary.csv]\n---\n# T\n\n```{{code-cell}} ipython3\n:tags: [remove-cell]\n\n{code}\n```\n"


def problems(tmp_path, code):
    path = tmp_path / "x.md"
    path.write_text(CHAPTER.format(code=code), encoding="utf-8")
    return reads.check_chapters([Chapter(path, path.read_text())])


@pytest.mark.parametrize("code", [
    "import pandas as pd\nframe = pd.read_csv('../data/glossary.csv')",
    "rows = open('../data/glossary.csv').read()",
    "from pathlib import Path\ntext = Path('..', 'data', 'glossary.csv').read_text()",
    "import csv\nname = 'glossary.csv'",
    "import json\nspec = json.load(open(name))",
    "import glob\nfiles = glob.glob('../data/*')",
    "!cat ../data/glossary.csv",
    "%load ../data/glossary.csv",
    "import subprocess\nsubprocess.run(['cat', 'x'])",
])
def test_reading_outside_the_toolkit_is_rejected(tmp_path, code):
    found = problems(tmp_path, code)
    assert found and all(p.file.endswith("x.md") and p.field == "code-cell" for p in found)
    assert found[0].line >= 9  # the cell's code starts on line 9 of the chapter


def test_the_line_is_the_offending_line(tmp_path):
    [problem] = problems(tmp_path, "x = 1\ny = 2\nz = open('notes.txt')")
    assert problem.line == 11 and "open()" in problem.message


def test_the_toolkit_is_fine(tmp_path):
    code = ("from reviewkit.book import data, glue, tables\nterms = data.load('glossary')\n"
            "glue.glue_value('n', len(terms))\nrow = data.row('glossary', 'CRS')")
    assert problems(tmp_path, code) == []


def test_a_syntax_error_is_left_to_the_kernel(tmp_path):
    assert problems(tmp_path, "def broken(:\n  pass") == []


def test_the_kernel_records_files_opened_past_the_toolkit(book):
    code = ("import pandas as pd, os\nfrom reviewkit.book import runtime, data\nruntime.watch_reads()\n"
            "data.load('glossary')\npd.read_csv(os.path.join('..', 'da' + 'ta', 'platforms.csv'))\n"
            "open('../references.bib').close()\nprint(sorted(runtime.files_read()))")
    result = subprocess.run([sys.executable, "-c", code], cwd=book / "chapters", capture_output=True, text=True,
                            env={"REVIEWKIT_ROOT": str(book), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['data/glossary.csv', 'data/platforms.csv', 'references.bib']"


def test_the_watch_cell_comes_right_after_the_front_matter():
    from reviewkit.book import runtime

    text = runtime.with_watch_cell("---\na: 1\n---\n# Title\n")
    assert text.startswith("---\na: 1\n---\n\n```{code-cell} ipython3\n:tags: [remove-cell]")
    assert text.endswith("```\n\n# Title\n")


def test_the_watch_cell_moves_no_line_of_the_chapter():
    """The build's warnings name the line the author sees: the chapter's cells start where they did."""
    import yaml
    from myst_nb.core.read import read_myst_markdown_notebook

    from reviewkit.book import runtime

    text = ("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\nkernelspec:\n"
            "  display_name: Python 3\n  language: python\n  name: python3\ndata_files: [data/glossary.csv]\n---\n"
            "(label)=\n# Title\n\nProse.\n\n```{code-cell} ipython3\nx = 1\n```\n\nMore prose.\n")
    watched = runtime.with_watch_cell(text)
    end = text.index("\n---\n", 3) + 5
    assert watched.splitlines()[text[:end].count("\n"):] == text.splitlines()[text[:end].count("\n"):]
    assert yaml.safe_load(watched.split("---\n")[1]) == yaml.safe_load(text.split("---\n")[1])
    before = read_myst_markdown_notebook(text, add_source_map=True)
    after = read_myst_markdown_notebook(watched, add_source_map=True)
    assert after.cells[0].source.endswith("reviewkit.book.runtime.watch_reads()  # Added by the build")
    assert after.metadata.source_map[1:] == before.metadata.source_map
    assert [c.source for c in after.cells[1:]] == [c.source for c in before.cells]
