"""Chapters read data only through the toolkit (`reviewkit.book.data.load` / `row`), which records every read, so
the build knows what each chapter depends on. Reading a file any other way (pd.read_csv, open, a shell
command) would make a chapter that goes stale when the file changes: `make check` rejects it.

The check reads each code cell with Python's own parser; the kernel also records every file under data/ that
is opened past the toolkit (reviewkit.book.runtime), which catches what no static check can.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from reviewkit.model import mystdoc
from reviewkit.model.problems import Problem

READERS = {"open", "read_csv", "read_table", "read_fwf", "read_json", "read_excel", "read_parquet", "read_feather",
           "read_pickle", "read_html", "read_xml", "read_text", "read_bytes", "loadtxt", "genfromtxt", "fromfile",
           "urlopen", "scandir", "listdir", "glob", "iglob", "rglob", "walk", "__import__", "exec", "eval",
           "system", "popen", "run", "check_output", "Popen"}
DATA_PATH = re.compile(r"(^|[/\\])data[/\\]|\.(csv|tsv|json|bib|xlsx?|parquet)$", re.I)
MAGIC = re.compile(r"^\s*[%!]")
FIX = ("read tables with reviewkit.book.data.load('<table>') or data.row(...), which tell the build what the chapter "
       "reads, and declare the file under data_files: in the front matter")


def _names(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def cell_problems(name: str, cell: mystdoc.Directive) -> list[Problem]:
    lines = cell.body.split("\n")
    problems = []
    for offset, line in enumerate(lines):
        if MAGIC.match(line):
            problems.append(Problem(name, cell.body_line + offset, "code-cell",
                                    f"IPython magic or shell command {line.strip()[:40]!r} in a code cell",
                                    "write plain Python: the build cannot see what a shell command reads"))
            lines[offset] = ""
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return problems  # the kernel reports it, with the chapter, when the build executes the cell
    for node in ast.walk(tree):
        line = cell.body_line + getattr(node, "lineno", 1) - 1
        if isinstance(node, ast.Call) and _names(node.func) in READERS:
            problems.append(Problem(name, line, "code-cell", f"the code calls {_names(node.func)}(), which reads "
                                    "or runs something outside the toolkit", FIX))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and DATA_PATH.search(node.value.strip()):
            problems.append(Problem(name, line, "code-cell", f"the code names the file {node.value[:60]!r}", FIX))
    return problems


@lru_cache(maxsize=256)
def chapter_problems(name: str, text: str) -> tuple[Problem, ...]:
    return tuple(problem for cell in mystdoc.code_cells(text) for problem in cell_problems(name, cell))


def check_chapters(chapters) -> list[Problem]:
    return [problem for chapter in chapters for problem in chapter_problems(chapter.name, chapter.text)]
