"""references.bib entries the build can print safely: a known entry type, link fields with safe schemes,
and a trial formatting with the same pybtex style the references page uses (anything pybtex would crash on
is reported here, with the entry's line, instead of as a traceback in the middle of the build)."""

from __future__ import annotations

import re

from functools import cache

from pybtex.backends.html import Backend
from pybtex.database.input.bibtex import Parser
from pybtex.style.formatting.plain import Style

from reviewkit.model import hygiene, urls
from reviewkit.model.problems import Problem

# The entry types pybtex's "plain" style (bibtex_default_style) can format.
ENTRY_TYPES = sorted(name[4:-9] for name in dir(Style) if name.startswith("get_") and name.endswith("_template"))
# arXiv identifiers, new (2101.00001v2) and old (hep-th/9901001) style; pybtex links them to arxiv.org.
EPRINT = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
PMID = re.compile(r"^\d{1,9}$")


def _value(entry, name: str) -> str | None:
    field = entry.fields_dict.get(name)
    return None if field is None else str(field.value).strip()


def entry_problems(entry, name: str, line: int) -> list[Problem]:
    key = entry.key
    problems = []
    kind = entry.entry_type.lower()
    if kind not in ENTRY_TYPES:
        return [Problem(name, line, key, f"@{entry.entry_type} is not an entry type the references page can print",
                        f"use one of @{', @'.join(ENTRY_TYPES)} (a journal paper is @article)")]
    url = _value(entry, "url")
    if url and not urls.is_web_url(url):
        problems.append(Problem(name, line, f"{key}.url", f"url {url!r} is not an http(s) address",
                                "give the full address starting with https:// (or http://), or remove the field"))
    eprint = _value(entry, "eprint")
    if eprint and not EPRINT.match(eprint):
        problems.append(Problem(name, line, f"{key}.eprint", f"eprint {eprint!r} is not an arXiv identifier",
                                "write the bare arXiv id (e.g. 2101.00001), or remove the field"))
    pmid = _value(entry, "pmid")
    if pmid and not PMID.match(pmid):
        problems.append(Problem(name, line, f"{key}.pmid", f"pmid {pmid!r} is not a PubMed id (digits only)",
                                "write the PubMed id's digits, or remove the field"))
    for field in entry.fields:
        hidden = hygiene.hidden_characters_message(str(field.value).replace("\t", " "))
        if hidden:
            problems.append(Problem(name, line, f"{key}.{field.key}", f"the field {hidden}", hygiene.HIDDEN_FIX))
    return problems


@cache
def _formatter() -> tuple[Style, Backend]:
    return Style(), Backend()  # building them scans every installed plugin: once per process


@cache
def _format_failure(raw: str) -> str | None:
    """Why pybtex cannot format this entry (None: it can); cached per entry text."""
    style, backend = _formatter()
    try:
        entries = Parser().parse_string(raw).entries
        key = next(iter(entries))
        style.format_entry(key, entries[key]).text.render(backend)
    except Exception as error:  # noqa: BLE001 - pybtex raises many types; each is reported, not raised
        return str(error) or type(error).__name__
    return None


def format_problem(raw: str, key: str, name: str, line: int) -> Problem | None:
    """Format the entry as the references page will; a failure is the problem the build would crash on."""
    reason = _format_failure(raw)
    if reason:
        return Problem(name, line, key, f"the references page cannot format this entry ({reason})",
                       "add the fields its entry type needs (an @article needs author, title, journal and year) "
                       "and check its LaTeX (balanced braces, valid accents)")
    return None
