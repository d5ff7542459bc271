"""Trial registries: which one an id belongs to (each by its documented id format), where its record is
read, and whether the watch asks it for the trial's status. One place for all of it: the registry cells of
tables, the watch and `make check` read it from here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Registry:
    key: str
    name: str
    pattern: re.Pattern
    example: str
    url: str  # {id} is replaced by the id
    watched_by: str | None  # the watch source that reads its status; None: not watched
    why_not: str = ""


REGISTRIES = (
    Registry("nct", "ClinicalTrials.gov", re.compile(r"^NCT\d{8}$"), "NCT04074746",
             "https://clinicaltrials.gov/study/{id}", "ctgov"),
    # ChiCTR: ChiCTR + 10 digits since 2019, ChiCTR-<3 letters>-<8 digits> before (e.g. ChiCTR-IIR-17012345).
    Registry("chictr", "Chinese Clinical Trial Registry (ChiCTR)",
             re.compile(r"^ChiCTR(\d{10}|-[A-Z]{2,4}-\d{8})$"), "ChiCTR2000012345",
             "https://trialsearch.who.int/Trial2.aspx?TrialID={id}", None,
             "ChiCTR publishes no documented programming interface; its records are read through the WHO ICTRP"),
    Registry("isrctn", "ISRCTN registry", re.compile(r"^ISRCTN\d{8}$"), "ISRCTN12345678",
             "https://www.isrctn.com/{id}", None,
             "the watch does not read the ISRCTN registry yet"),
    # EU CT numbers (CTIS, since 2023): year-6 digits-2 digits-2 digits; older EudraCT numbers lack the last pair.
    Registry("euct", "EU Clinical Trials Information System (EU CT number)",
             re.compile(r"^\d{4}-5\d{5}-\d{2}-\d{2}$"), "2023-500123-45-00",
             "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={id}", None,
             "CTIS offers no documented public programming interface"),
    Registry("eudract", "EudraCT (EU Clinical Trials Register)", re.compile(r"^\d{4}-\d{6}-\d{2}$"), "2015-001234-56",
             "https://www.clinicaltrialsregister.eu/ctr-search/search?query={id}", None,
             "the EU Clinical Trials Register offers no documented programming interface"),
    # WHO's Universal Trial Number, which ICTRP assigns across registries.
    Registry("who_utn", "WHO ICTRP Universal Trial Number", re.compile(r"^U1111-\d{4}-\d{4}$"), "U1111-1234-5678",
             "https://trialsearch.who.int/?SearchAll={id}", None,
             "the WHO ICTRP search portal has no documented programming interface for single records"),
)


# The shape of a registry_ids cell, as its schema pattern states it; each id's format is checked here.
LIST_SHAPE = re.compile(r"^[^;\s]+(; [^;\s]+)*$")


def registry_of(registry_id: str) -> Registry | None:
    """The registry whose format ``registry_id`` has (exactly as written); None for an unknown format."""
    return next((r for r in REGISTRIES if r.pattern.match(registry_id)), None)


def link(registry_id: str) -> str | None:
    found = registry_of(registry_id)
    return found.url.format(id=quote(registry_id, safe="-")) if found else None


def formats() -> str:
    """The accepted formats, for a problem's fix."""
    return "; ".join(f"{r.name}: e.g. {r.example}" for r in REGISTRIES)


def split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]
