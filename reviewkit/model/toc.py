"""The book's table of contents (_toc.yml), read as Jupyter Book reads it: by sphinx-external-toc's parser,
after the safe YAML reader, so a problem names the file, the line and the fix."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from sphinx_external_toc.api import FileItem
from sphinx_external_toc.parsing import MalformedError, parse_toc_data

from reviewkit.model import inputs, paths
from reviewkit.model.problems import Problem

TOC_NAME = "_toc.yml"
TOC_FIX = ("write it as Jupyter Book's table of contents: `format: jb-book`, `root:` naming the landing page, then "
           "`parts:`, each with a `caption:` and `chapters:` of `- file: chapters/<name>` entries (see the entries "
           "around it)")


def toc_files(root: Path | None = None) -> list[str]:
    """Every document of _toc.yml as written there (without suffix), in reading order: the root, then each
    entry followed by the entries nested under it.

    _toc.yml is read as Jupyter Book reads it, by sphinx-external-toc's parser, after the safe YAML reader:
    invalid YAML, or a structure the parser rejects, raises inputs.Unreadable naming the file and the line."""
    root = root or paths.root()
    path = root / TOC_NAME
    data = inputs.load_yaml(path)  # raises inputs.Unreadable, with the line of a YAML error
    try:
        site_map = parse_toc_data(data)
    except MalformedError as error:
        raise inputs.Unreadable(Problem(paths.relative(path), _toc_line(inputs.read_text(path), str(error)), None,
                                        f"is not a table of contents Jupyter Book can read: {error}", TOC_FIX)) from None
    order: list[str] = []

    def walk(docname: str) -> None:
        if docname in order or docname not in site_map:
            return
        order.append(docname)
        for subtree in site_map[docname].subtrees:
            for item in subtree.items:
                if isinstance(item, FileItem):
                    walk(str(item))

    walk(site_map.root.docname)
    return order


def _toc_line(text: str, message: str) -> int | None:
    """The line of _toc.yml a parser error is about: the error names a place ("@ '/parts/0/chapters/3/'") or a
    value ("document file used multiple times: 'chapters/x'")."""
    if place := re.search(r"@ '([^']*)'", message):
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        for part in filter(None, place.group(1).split("/")):
            if isinstance(node, yaml.MappingNode):
                node = next((value for key, value in node.value if key.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
                node = node.value[int(part)]
            else:
                break
            if node is None:
                return None
        return node.start_mark.line + 1 if node is not None else None
    if named := re.search(r": '([^']+)'$", message):
        # The last line that gives the value: a document listed twice is wrong where it is listed again.
        lines = [number for number, line in enumerate(text.splitlines(), 1)
                 if re.search(rf":\s*{re.escape(named.group(1))}\s*$", line)]
        return lines[-1] if lines else None
    return None


SUFFIXES = (".md", ".ipynb")


def placement_problem(entry: str) -> tuple[str, str] | None:
    """(message, fix) when the site and the PDF edition could not both place ``entry``: the site names each page
    by its document name (the path without suffix) and the PDF edition reads <entry>.html, so an entry must be
    exactly that name."""
    name = entry
    for suffix in SUFFIXES:
        name = name.removesuffix(suffix)
    if name != entry:
        return (f"'{entry}' names the file with its suffix: the site would place the page at {name}.html, but the "
                f"PDF edition would look for {entry}.html",
                f"write the entry without its suffix: - file: {name}")
    parts = entry.split("/")
    if entry.startswith("/") or "\\" in entry or any(part in ("", ".", "..") for part in parts) or entry != entry.strip():
        plain = "/".join(part for part in entry.strip().replace("\\", "/").split("/") if part not in ("", "."))
        return (f"'{entry}' is not a plain path from the book's root: the PDF edition would not find its page",
                f"write the path from the book's root without ./, .. or doubled slashes, e.g. - file: {plain}")
    return None


def resolve_toc_file(entry: str, root: Path | None = None) -> Path | None:
    root = root or paths.root()
    for suffix in SUFFIXES:
        candidate = root / f"{entry}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def check_toc(root: Path | None = None) -> list[Problem]:
    root = root or paths.root()
    problems = []
    toc_text = inputs.read_text(root / TOC_NAME).splitlines()
    for entry in toc_files(root):
        line = next((n for n, text in enumerate(toc_text, 1) if entry in text), None)
        if misplaced := placement_problem(entry):
            problems.append(Problem("_toc.yml", line, entry, *misplaced))
        elif resolve_toc_file(entry, root) is None:
            problems.append(Problem("_toc.yml", line, entry, f"'{entry}' names no file (tried .md and .ipynb)",
                                    f"create {entry}.md or correct the entry in _toc.yml"))
    return problems
