"""references.bib: parsing with bibtexparser and the lint that keeps it safe for sphinxcontrib-bibtex.

bibtexparser 2.x never raises on bad input: it collects ``failed_blocks``. Sphinx's pybtex is less
forgiving (one malformed entry crashes the build; a duplicate key silently empties later citations),
so every such case is caught here first, with a line number.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

import bibtexparser
import yaml
from bibtexparser.model import DuplicateBlockKeyBlock

from reviewkit.model import bibsafety, inputs, paths
from reviewkit.model.problems import Problem

# Modern DOIs: "10." + registrant code + "/" + suffix (Crossref's recommended pattern).
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+$")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*$")
# bibtexparser logs each failed block; lint() reports them itself, with the fix.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

REVIEW_NUMBER = "reviewref"  # the field with an entry's number in the review's reference list (1, 2, ...)
# The page's {bibliography} directives, in page order: sphinxcontrib-bibtex counts them, and an entry's anchor
# carries the count of the one that lists it (sphinx/citations.CITE_ID), so notice marks find its citations.
THE_REVIEW, REVIEW_REFERENCES, ADDED_SOURCES = 1, 2, 3


def plain(text: str) -> str:
    """BibTeX text as readers see it: braces only protect capitals from BibTeX styles; whitespace runs as one space."""
    return " ".join(str(text).replace("{", "").replace("}", "").split())


def bibliography_of(fields) -> int:
    """Which of the page's bibliographies lists an entry (``fields``: its BibTeX fields by lower-case name)."""
    doi = str(fields.get("doi", "")).strip().lower()
    if doi and doi == review_doi():
        return THE_REVIEW
    return REVIEW_REFERENCES if review_number(fields) is not None else ADDED_SOURCES


def review_number(fields) -> int | None:
    """An entry's number in the review (None: not one of the review's references)."""
    value = str(fields.get(REVIEW_NUMBER, "")).strip()
    return int(value) if value.isdigit() else None


@cache
def _review_doi(text: str) -> str:
    citation = yaml.safe_load(text)
    references = citation.get("references") if isinstance(citation, dict) else None
    return str((references or [{}])[0].get("doi", "")).lower()


def review_doi() -> str:
    """The review's DOI: the first reference of CITATION.cff, the book's metadata about what it reviews."""
    citation = paths.root() / "CITATION.cff"
    return _review_doi(citation.read_text(encoding="utf-8")) if citation.is_file() else ""


REQUIRED_FIELDS = {
    "article": ("author", "title", "journal", "year", "doi"),
    "book": ("author", "title", "publisher", "year"),
    "misc": ("title", "year"),
}


def _line(block) -> int:
    return block.start_line + 1  # bibtexparser counts from 0


@cache
def parse_text(text: str) -> bibtexparser.Library:
    """A bibliography's text, parsed once per distinct content (treat the result as read-only)."""
    return bibtexparser.parse_string(text)


def parse(path: Path | None = None) -> bibtexparser.Library:
    """The parsed bibliography; parsed once per distinct content (make check and the build ask often).
    Raises inputs.Unreadable if the file is missing or not UTF-8."""
    path = path or paths.bibliography_path()
    return parse_text(inputs.read_text(path))


def keys(path: Path | None = None) -> list[str]:
    """The keys of the entries that parsed cleanly, in file order."""
    return [entry.key for entry in parse(path).entries if entry.key]


def _review_number_problems(library, name: str) -> list[Problem]:
    """The review's numbering (the references page shows it): each number once, 1 to n without a gap."""
    problems, seen = [], {}
    for entry in library.entries:
        field = entry.fields_dict.get(REVIEW_NUMBER)
        if field is None:
            continue
        value, line = str(field.value).strip(), _line(entry)
        if review_number({REVIEW_NUMBER: value}) in (None, 0):
            problems.append(Problem(name, line, f"{entry.key}.{REVIEW_NUMBER}",
                                    f"'{value}' is not a number of the review's reference list",
                                    f"write the number the review gives the reference, e.g. {REVIEW_NUMBER} = {{10}}; "
                                    "leave the field out for a source the review does not cite"))
        elif int(value) in seen:
            problems.append(Problem(name, line, f"{entry.key}.{REVIEW_NUMBER}",
                                    f"reference {value} of the review is also '{seen[int(value)]}'",
                                    "check both against the review's reference list: each number is one entry"))
        else:
            seen[int(value)] = entry.key
    missing = sorted(set(range(1, max(seen, default=0) + 1)) - set(seen))
    if missing:
        problems.append(Problem(name, None, REVIEW_NUMBER,
                                f"no entry is the review's reference {', '.join(map(str, missing))}",
                                "add the entry with its number from the review's reference list"))
    return problems


def lint(path: Path | None = None) -> list[Problem]:
    path = path or paths.bibliography_path()
    name = paths.relative(path)
    if not path.is_file():
        return [Problem(name, None, None, "the bibliography file is missing",
                        "restore references.bib at the book's root (git checkout -- references.bib)")]
    try:
        library = parse(path)
    except inputs.Unreadable as error:
        return [error.problem]
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for entry in library.entries:
        first_line.setdefault(entry.key, _line(entry))

    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(Problem(
                name, _line(block), block.key,
                f"duplicate key '{block.key}' (first defined on line {first_line.get(block.key, '?')}); "
                "sphinxcontrib-bibtex would silently drop every entry after it",
                "give this entry its own key (firstauthor + year + first title word) or delete the copy"))
        else:
            snippet = block.raw.strip().splitlines()[0][:60] if block.raw.strip() else ""
            error = getattr(block, "error", None)
            reason = getattr(error, "abort_reason", None) or (str(error) if error else "")
            detail = f": {reason}" if reason else ""
            problems.append(Problem(
                name, _line(block), None,
                f"cannot parse this block ('{snippet}'){detail}",
                "check that the entry reads @type{key, field = {value}, ...} with balanced braces "
                "and a comma after every field"))

    problems += _review_number_problems(library, name)
    seen_doi: dict[str, tuple[str, int]] = {}
    for entry in library.entries:
        line = _line(entry)
        key = entry.key.strip()
        if not key:
            problems.append(Problem(name, line, None, f"@{entry.entry_type} entry has no key",
                                    "add a key after the opening brace, e.g. @article{lum2015targeted, ..."))
            continue
        if not KEY_PATTERN.match(key):
            problems.append(Problem(name, line, key, f"key '{key}' is not lower-case letters and digits",
                                    "use the scheme firstauthor + year + first title word, e.g. lum2015targeted"))
        found = len(problems)
        for field in REQUIRED_FIELDS.get(entry.entry_type.lower(), ("title", "year")):
            value = entry.fields_dict.get(field)
            if value is None or not str(value.value).strip():
                problems.append(Problem(name, line, f"{key}.{field}", f"entry '{key}' has no {field}",
                                        f"add `{field} = {{...}},` to the entry, copied from the publication"))
        problems += bibsafety.entry_problems(entry, name, line)
        if len(problems) == found and (failed := bibsafety.format_problem(entry.raw, key, name, line)):
            problems.append(failed)
        doi_field = entry.fields_dict.get("doi")
        if doi_field is None:
            continue
        doi = str(doi_field.value).strip()
        if not doi:
            continue
        if doi.lower().startswith(("http", "doi:", "doi.org")):
            problems.append(Problem(name, line, f"{key}.doi", f"DOI '{doi}' is written as a link or with a prefix",
                                    "write the bare DOI, e.g. doi = {10.1136/jitc-2020-002222}"))
        elif not DOI_PATTERN.match(doi):
            problems.append(Problem(name, line, f"{key}.doi", f"'{doi}' is not a valid DOI",
                                    "a DOI starts with 10.<4-9 digits>/ followed by the suffix; copy it from the publisher"))
        normalised = doi.lower()
        if normalised in seen_doi:
            other, other_line = seen_doi[normalised]
            problems.append(Problem(name, line, f"{key}.doi",
                                    f"DOI {doi} is also the DOI of '{other}' (line {other_line})",
                                    "one publication gets one entry: delete one and cite the other key"))
        else:
            seen_doi[normalised] = (key, line)
    return problems
