"""Citations as readers expect them in tables: "Lum et al., 2015", linked to its entry on the references page.

Labels follow sphinxcontrib-bibtex's author_year style as the prose shows it (one author: "Nieto"; two:
"Dagher and Posey"; three or more: "Lum et al."), with a, b, ... after the year where two entries would
otherwise share a label. The link target is the id sphinxcontrib-bibtex gives each entry of the
bibliography: its template (CITE_ID) lives here and setup() hands it to sphinxcontrib-bibtex, so the
links and the anchors cannot drift apart (the build's internal link check fails on a missing anchor).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from string import ascii_lowercase

from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from docutils.nodes import make_id

from reviewkit.model import bibliography, paths
from reviewkit.book import runtime

# sphinxcontrib-bibtex's `bibtex_cite_id`: the id of each entry on the references page, which lists the entries in
# several bibliographies (reviewkit.model.bibliography.bibliography_of says which lists an entry).
CITE_ID = "cite-{bibliography_count}-{key}"
# Chapters and the references page share the chapters/ folder of the site.
REFERENCES_PAGE = "references.html"
# Who is named when an entry has no author (reports, notices, web pages).
FALLBACK_NAME_FIELDS = ("editor", "organization", "institution", "publisher", "howpublished")


@dataclass(frozen=True)
class Citation:
    key: str
    label: str
    title: str
    bibliography: int = 1  # which bibliography of the references page lists it

    @property
    def anchor(self) -> str:
        return make_id(CITE_ID.format(bibliography_count=self.bibliography, key=self.key))

    @property
    def href(self) -> str:
        return f"{REFERENCES_PAGE}#{self.anchor}"

    def html(self) -> str:
        """The linked label, every part escaped."""
        title = f' title="{html.escape(self.title)}"' if self.title else ""
        label = html.escape(self.label).replace(" et al.", " <em>et al.</em>")  # as the prose sets it
        return (f'<a class="reviewkit-cite reference internal" href="{html.escape(self.href)}"{title}>'
                f"{label}</a>")


def _plain(text: str) -> str:
    """BibTeX text without protective braces or runs of whitespace."""
    return " ".join(text.replace("{", "").replace("}", "").split())


def _surname(name) -> str:
    return _plain(" ".join([*name.von, *name.last]))


def _who(entry) -> str:
    fields = entry.fields_dict
    for role in ("author", "editor"):
        if role in fields and isinstance(fields[role].value, list) and fields[role].value:
            people = fields[role].value
            if len(people) >= 3 or any(_surname(p) == "others" for p in people[1:]):
                return f"{_surname(people[0])} et al."
            return " and ".join(_surname(person) for person in people)
    for name in FALLBACK_NAME_FIELDS:
        if name in fields and str(fields[name].value).strip():
            return _plain(str(fields[name].value))
    return _plain(str(fields["title"].value)) if "title" in fields else entry.key


def _year(entry) -> str:
    fields = entry.fields_dict
    for name in ("year", "date"):
        match = re.match(r"\s*(\d{4})", str(fields[name].value)) if name in fields else None
        if match:
            return match.group(1)
    return "n.d."


@cache
def from_text(text: str) -> dict[str, Citation]:
    """Every entry of a bibliography text by key (cached per text; no chapter input is recorded)."""
    library = bibliography.parse_text(text)
    names = SplitNameParts(allow_inplace_modification=False).transform(
        SeparateCoAuthors(allow_inplace_modification=False).transform(library))
    labels = {entry.key: f"{_who(entry)}, {_year(entry)}" for entry in names.entries}
    shared = Counter(labels.values())
    seen: Counter = Counter()
    found = {}
    for entry in names.entries:
        label = labels[entry.key]
        if shared[label] > 1:  # "Lum et al., 2015a", in the order of references.bib
            seen[label] += 1
            label += ascii_lowercase[(seen[label] - 1) % 26]
        title = _plain(str(entry.fields_dict["title"].value)) if "title" in entry.fields_dict else ""
        fields = {name.lower(): _plain(str(field.value)) for name, field in entry.fields_dict.items()
                  if isinstance(field.value, str)}
        found[entry.key] = Citation(entry.key, label, title, bibliography.bibliography_of(fields))
    return found


def citations() -> dict[str, Citation]:
    """Every entry of references.bib by key. Recorded as a chapter input: a chapter that shows citations
    declares references.bib, so that editing an entry re-executes it."""
    path = paths.bibliography_path()
    runtime.record_read(paths.relative(path))
    return from_text(path.read_text(encoding="utf-8-sig"))


def citation(key: str) -> Citation:
    found = citations()
    if key not in found:
        raise KeyError(f"'{key}' is not a key of references.bib. Fix: use a key of references.bib "
                       "(`make check` lists them) or add the entry.")
    return found[key]


def _use_our_ids(app, config) -> None:
    config.bibtex_cite_id = CITE_ID


def setup(app) -> dict:
    app.connect("config-inited", _use_our_ids)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
