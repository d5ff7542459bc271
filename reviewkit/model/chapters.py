"""The book's chapters as authors write them: front matter, citations, glue references, data inputs.

Directives (code cells, source checks, update boxes) are found by MyST's own parser (reviewkit.model.mystdoc), so a
fence of four backticks or of more colons counts and a directive quoted inside a code block does not. Roles are
still found by their regexes: the parser gives an inline role only the first line of its paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from reviewkit.model import inputs, mystdoc, paths, records
from reviewkit.model.problems import Problem
from reviewkit.model.toc import resolve_toc_file, toc_files

# {cite}`a,b`, {cite:p}`a`, {cite:t}`a` ... (sphinxcontrib-bibtex roles)
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
GLUE_TEXT_ROLE = re.compile(r"\{glue:text\}`([^`:]+)(?::[^`]*)?`")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass
class Chapter:
    path: Path
    text: str = field(repr=False)

    @classmethod
    def read(cls, path: Path) -> "Chapter":
        """Raises inputs.Unreadable (naming the line) for a file that is not UTF-8."""
        return cls(path, inputs.read_text(path))

    @property
    def name(self) -> str:
        return paths.relative(self.path)

    @cached_property
    def front_matter(self) -> dict:
        match = FRONT_MATTER.match(self.text)
        if not match:
            return {}
        loaded = inputs.parse_yaml(match.group(1), self.name, first_line=2)  # raises inputs.Unreadable
        return loaded if isinstance(loaded, dict) else {}

    @cached_property
    def directives(self) -> list[mystdoc.Directive]:
        """Every directive of the chapter, nested ones included, with the 1-based line of its opening fence."""
        return [element.directive for element in mystdoc.elements(self.text) if element.kind == "directive"]

    @property
    def has_code_cells(self) -> bool:
        return any(directive.name == "code-cell" for directive in self.directives)

    def _directive_ids(self, name: str) -> list[tuple[int, str]]:
        """(line, id) for each id given to a directive ``name`` (``:::{source-check} SC1 SC2``: two)."""
        return [(directive.line, item) for directive in self.directives if directive.name == name
                for item in directive.argument.split()]

    @property
    def data_files(self) -> list[str]:
        """Data files the chapter declares in its front matter (``data_files:``), relative to the root."""
        declared = self.front_matter.get("data_files") or []
        return [str(item) for item in declared] if isinstance(declared, list) else [str(declared)]

    def _matches(self, pattern: re.Pattern) -> list[tuple[int, str]]:
        found = []
        for number, line in enumerate(self.text.splitlines(), start=1):
            for match in pattern.finditer(line):
                found.append((number, match.group(1)))
        return found

    def citations(self) -> list[tuple[int, str]]:
        """(line, key) for every key cited with a {cite} role."""
        return [(line, key.strip()) for line, keys in self._matches(CITE_ROLE) for key in keys.split(",")]

    def glue_references(self) -> list[tuple[int, str]]:
        return self._matches(GLUE_TEXT_ROLE)

    def evidence_updates(self) -> list[tuple[int, str]]:
        """(line, update id) for every {evidence-update} directive."""
        return self._directive_ids("evidence-update")

    def source_checks(self) -> list[tuple[int, str]]:
        """(line, check id) for every {source-check} directive."""
        return self._directive_ids("source-check")


def all_chapters(root: Path | None = None) -> list[Chapter]:
    root = root or paths.root()
    return [Chapter.read(path) for entry in toc_files(root) if (path := resolve_toc_file(entry, root))]


def readable_chapters(root: Path | None = None) -> tuple[list[Chapter], list[Problem]]:
    """The chapters of _toc.yml that can be read and whose front matter parses, and a problem for each other."""
    root = root or paths.root()
    chapters, problems = [], []
    for entry in toc_files(root):
        path = resolve_toc_file(entry, root)
        if path is None:
            continue
        try:
            chapter = Chapter.read(path)
            chapter.front_matter  # noqa: B018 - parsed here so a YAML error is reported once, with its line
        except inputs.Unreadable as error:
            problems.append(error.problem)
            continue
        chapters.append(chapter)
    return chapters, problems


def check_chapters(chapters: list[Chapter], bib_keys: set[str], *, complete_book: bool = True) -> list[Problem]:
    problems: list[Problem] = []
    cited: set[str] = set()
    for chapter in chapters:
        for line, key in chapter.citations():
            cited.add(key)
            if key not in bib_keys:
                problems.append(Problem(chapter.name, line, key, f"cites unknown key '{key}'",
                                        "use a key from references.bib (`make check` lists them) or add the entry there"))
        if chapter.has_code_cells:
            fm = chapter.front_matter
            fmt = ((fm.get("jupytext") or {}).get("text_representation") or {}).get("format_name")
            if fmt != "myst" or not fm.get("kernelspec"):
                problems.append(Problem(
                    chapter.name, 1, "front matter",
                    "has code cells but lacks the jupytext `format_name: myst` and `kernelspec` front matter, "
                    "so myst-nb would publish it without executing it",
                    "copy the front matter of an existing chapter (jupytext: text_representation: format_name: myst; kernelspec: python3)"))
        for declared in chapter.data_files:
            if not (paths.root() / declared).is_file():
                problems.append(Problem(chapter.name, 1, "data_files",
                                        f"declares data file '{declared}', which does not exist",
                                        "correct the path (relative to the book's root, e.g. data/clinical_studies.csv) or add the file"))
    if complete_book:
        entries = entries_line_numbers()
        # Data rows cite their source too: tables and update boxes render their `reference` as a citation.
        for key in sorted(bib_keys - cited - set(records.column_cells("reference"))):
            problems.append(Problem(paths.relative(paths.bibliography_path()), entries.get(key), key,
                                    f"entry '{key}' is cited by no chapter",
                                    "cite it where the review does ({cite}`" + key + "`) or remove the entry"))
    return problems


def entries_line_numbers() -> dict[str, int]:
    from reviewkit.model.bibliography import parse
    return {entry.key: entry.start_line + 1 for entry in parse().entries}
