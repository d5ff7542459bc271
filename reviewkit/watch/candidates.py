"""Candidate records from the sources, their identifiers, and de-duplication.

A record found by two sources (same DOI, PMID or NCT id) becomes one candidate listing both sources; a record
the book already knows (a DOI or PMID in references.bib, a registry id in the data, any identifier already in
the screening log) is not a candidate at all.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from reviewkit.model import hygiene

SOURCE_ORDER = ("sweep", "pubmed", "europepmc", "ctgov")
NCT_PATTERN = re.compile(r"^NCT\d{8}$")
# Block-level tags end a word (an abstract's "<h4>Methods</h4>Twelve ..."); inline ones do not ("CD16<sup>+").
BLOCK_TAG = re.compile(r"</?(?:h[1-6]|p|br|div|li|ul|ol|table|tr|td|th|section)\b[^>]*>", re.I)


def norm_doi(value: str | None) -> str:
    """A DOI as compared: lower case, without a resolver prefix."""
    doi = (value or "").strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I)
    return doi.lower()


def norm_pmid(value) -> str:
    text = str(value or "").strip()
    return text if text.isdigit() else ""


def norm_nct(value: str | None) -> str:
    text = (value or "").strip().upper()
    return text if NCT_PATTERN.match(text) else ""


def plain_text(value: str) -> str:
    """Text as readers should see it: markup the sources put in titles (`<i>in vivo</i>`, `CD16<sup>+</sup>`,
    MathML) dropped, entities unescaped (PubMed's esummary escapes its tags once more: `&lt;i&gt;`), runs of
    whitespace made one space. Non-ASCII letters are kept as they are."""
    text = value or ""
    for _ in range(2):  # an escaped tag becomes a tag after one unescape
        if "<" not in text and "&" not in text:
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            text = BeautifulSoup(BLOCK_TAG.sub(" ", text), "html.parser").get_text()
    return " ".join(html.unescape(text).split())


def author_list(names: list[str]) -> str:
    """The first three authors, then "et al." (the screening log is for recognising a record, not citing it)."""
    names = [n.strip() for n in names if n and n.strip()]
    return ", ".join(names[:3]) + (", et al." if len(names) > 3 else "")


@dataclass
class Record:
    sources: list[str]
    title: str = ""
    authors: str = ""
    journal: str = ""
    year: str = ""
    doi: str = ""
    pmid: str = ""
    nct_id: str = ""
    other_id: str = ""  # e.g. a Europe PMC preprint id (PPR...), used only when nothing better exists
    abstract: str = ""  # the abstract, or a registration's brief summary (data/abstracts.csv, not the log)
    abstract_source: str = ""  # e.g. "PubMed abstract", "ClinicalTrials.gov brief summary"
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Fetched text goes into data/ cells: no markup (the pages would show it escaped, as literal tags), and
        # no invisible or direction-changing characters (reviewkit.model.hygiene).
        for name in ("title", "authors", "journal", "year", "doi", "pmid", "nct_id", "other_id"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = plain_text(value) if name in ("title", "authors", "journal") else value
                setattr(self, name, hygiene.without_hidden(value).strip())
        self.abstract = hygiene.without_hidden(plain_text(self.abstract))

    def keys(self) -> set[str]:
        keys = set()
        if norm_doi(self.doi):
            keys.add("doi:" + norm_doi(self.doi))
        if norm_pmid(self.pmid):
            keys.add("pmid:" + norm_pmid(self.pmid))
        if norm_nct(self.nct_id):
            keys.add("nct:" + norm_nct(self.nct_id))
        if self.other_id:
            keys.add("other:" + self.other_id.lower())
        return keys

    def record_id(self) -> str:
        """A stable id made from the best identifier, so re-runs and merges agree on it."""
        if norm_pmid(self.pmid):
            return f"pmid{norm_pmid(self.pmid)}"
        if norm_nct(self.nct_id):
            return norm_nct(self.nct_id).lower()
        if norm_doi(self.doi):
            return "doi-" + re.sub(r"[^a-z0-9]+", "-", norm_doi(self.doi)).strip("-")
        return "id-" + re.sub(r"[^a-z0-9]+", "-", self.other_id.lower()).strip("-")

    def merge(self, other: "Record") -> None:
        """Fill what this record lacks from another report of the same record; list both sources."""
        self.sources = sorted(set(self.sources) | set(other.sources), key=_source_rank)
        for name in ("title", "authors", "journal", "year", "doi", "pmid", "nct_id", "other_id"):
            if not getattr(self, name) and getattr(other, name):
                setattr(self, name, getattr(other, name))
        if not self.abstract and other.abstract:
            self.abstract, self.abstract_source = other.abstract, other.abstract_source


def _source_rank(source: str) -> int:
    return SOURCE_ORDER.index(source) if source in SOURCE_ORDER else len(SOURCE_ORDER)


def merge_duplicates(records: list[Record]) -> list[Record]:
    """One record per real-world record: reports sharing any identifier are merged (transitively)."""
    merged: list[Record] = []
    for record in records:
        if not record.keys():
            continue  # nothing to identify it by: cannot be screened or de-duplicated
        matches = [m for m in merged if m.keys() & record.keys()]
        if not matches:
            merged.append(Record(**{**record.__dict__, "sources": list(record.sources)}))
            continue
        first = matches[0]
        first.merge(record)
        for other in matches[1:]:  # the new report links records that were apart until now
            first.merge(other)
            merged.remove(other)
    return merged


def new_candidates(records: list[Record], known: set[str]) -> tuple[list[Record], int]:
    """(records not yet known, number of reports removed as duplicates or already known)."""
    merged = merge_duplicates(records)
    fresh = [r for r in merged if not (r.keys() & known) and "record:" + r.record_id() not in known]
    return sorted(fresh, key=lambda r: r.record_id()), len(records) - len(fresh)
