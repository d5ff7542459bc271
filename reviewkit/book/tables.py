"""Tables as readers see them: the kernel writes each table as MyST Markdown holding a ``{data-table}`` directive
(reviewkit.sphinx.data_table builds it into Sphinx's own table nodes). Every data cell is escaped, so nothing in the
data becomes markup; citations are sphinxcontrib-bibtex's own (``{cite:alp}``), resolved and checked by the build.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, Markdown

from reviewkit.model import anchors, keys, schema
from reviewkit.book import data, evidence
from reviewkit.book.table_markup import DIRECTIVE, NONE
from reviewkit.book.evidence import REVIEW
from reviewkit.book.glue import format_value
from reviewkit.model.figures import is_missing
from reviewkit.i18n.generated import _, N_, translated

MISSING = "—"
# A table with this many columns or more takes the page's full width (and scrolls on a phone).
WIDE_COLUMNS = 6
# A column holding text longer than this keeps a readable width on a phone (class reviewkit-long).
LONG_TEXT = 60

# How a registry id is known (clinical_studies.registry_match), where it is not simply stated by the source.
REGISTRY_MATCH_WORDS = {"matched": N_("matched, not confirmed: matched from the registry record, never read in the paper")}

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape(text) -> str:
    """``text`` as MyST that reads as itself: every ASCII punctuation character backslash-escaped (CommonMark
    allows it for each), whitespace runs as one space, so no cell becomes markup, a role, math or a list."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def role(name: str, text: str) -> str:
    """``{name}`text``` with a backtick fence longer than any run of backticks in ``text``."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{{{name}}}{fence}{pad}{text}{pad}{fence}"


def label(text: str) -> str:
    return role("table-label", text)


def cite(key: str) -> str:
    """A citation of a references.bib entry, "Lum et al., 2015", resolved by sphinxcontrib-bibtex."""
    if not re.fullmatch(r"[^\s`{}]+", key):
        raise ValueError(f"'{key}' is not a usable key of references.bib. Fix: use a key of references.bib.")
    return role("cite:alp", key)


def link(text: str, url: str) -> str:
    return f"[{escape(text)}](<{url.replace('<', '%3C').replace('>', '%3E').replace(' ', '%20')}>)"


@dataclass
class Row:
    """One body row: its cells as MyST (escaped), its anchor (What changed links to it) and, for evidence that is
    not the review's, its provenance."""
    cells: list[str]
    anchor: str = ""
    provenance: str = ""


def markup(rows: list[Row], *, table: str, caption: str, header: list[str], source: str = "", wide: bool = False,
           long: set[int] = frozenset()) -> str:
    """The one table markup of the book: a ``{data-table}`` of ``table`` (a data package resource) with
    ``header`` (plain text), ``rows`` and ``caption``; ``long``: indices of columns of long text."""
    options = {"table": table, "source": source, "row-ids": " ".join(r.anchor or NONE for r in rows),
               "row-provenance": " ".join(r.provenance or NONE for r in rows),
               "long": " ".join(map(str, sorted(long)))}
    lines = [f"````{{{DIRECTIVE}}} {' '.join(caption.split())}"]
    lines += [f":{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in options.items() if value]
    if wide:
        lines.append(":wide:")
    lines.append("")
    for cells in [[escape(title) for title in header], *(row.cells for row in rows)]:
        lines += [f"{'*' if i == 0 else ' '} - {cell}" for i, cell in enumerate(cells)]
    lines.append("````")
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    return MISSING if is_missing(value) else escape(format_value(value))


def citation_columns(table: str) -> set[str]:
    """Columns of ``table`` whose values are keys of references.bib (by the schema's foreign keys)."""
    return {column for fk in keys.foreign_keys(schema.resource(table))
            if fk.resource == schema.REFERENCES_RESOURCE for column in fk.fields}


def _citation_cell(value) -> str:
    """A bibliography key as a formatted citation linked to its entry, never the raw key."""
    return MISSING if is_missing(value) else cite(str(value))


def _registry_cell(row: pd.Series) -> str:
    """Registry ids linked to their records; where none is known, say so (never a silent blank)."""
    ids = row.get("registry_ids")
    if is_missing(ids):
        return role("table-registry-none", _("none found"))
    from reviewkit.model import registries
    from reviewkit.book.notices import registry_status_text

    match = translated(REGISTRY_MATCH_WORDS.get(row.get("registry_match"), ""))
    # An id never read in the paper says so wherever it shows.
    matched = f" ({role('table-registry-match', match)})" if match else ""
    links = []
    for registry_id in str(ids).split("; "):
        url = registries.link(registry_id)  # each registry's own record page (reviewkit/model/registries.py)
        shown = link(registry_id, url) if url else escape(registry_id)
        # What was last seen of the registry record, where and when ("registry status as of ...").
        status = registry_status_text(registry_id).removeprefix(f"{registry_id}: ")
        links.append(f"{shown}{matched} {role('table-registry-status', status)}")
    return "; ".join(links)


def _update_record(update_id) -> dict | None:
    """The record of data/updates.csv a row comes from (read only when a row names one)."""
    if is_missing(update_id) or not str(update_id):
        return None
    updates = data.load("updates").set_index("update_id")
    if str(update_id) not in updates.index:
        return None
    record = updates.loc[str(update_id)]
    return {key: "" if is_missing(value) else str(value) for key, value in record.items()}


def _evidence_cell(row: pd.Series) -> str:
    """Whose statement the row is: the review's, or evidence that is not the review's with its date added,
    its source and, where the row comes from a record of data/updates.csv, how it is known."""
    provenance = row.get("provenance")
    if is_missing(provenance) or provenance == REVIEW:
        return escape(evidence.provenance_word(REVIEW))
    # (Messages outside f-strings: Babel does not read them inside one.)
    source_label, added_label = label(_("source:")), label(_("added"))
    source = "" if is_missing(row.get("reference")) else f"; {source_label} {_citation_cell(row.get('reference'))}"
    record = _update_record(row.get("update_id"))
    known = ""
    if record is not None:
        known = " " + "; ".join(f"{label(name)} {escape(value)}" if name else label(value)
                                for name, value in evidence.how_we_know_parts(record))
    return (f"{role('table-badge', evidence.provenance_word(provenance))} "
            f"{added_label} {_cell(row.get('added'))}{source}{known}")


def _value_cell(row: pd.Series, column: str, cited: set[str]) -> str:
    if column == "registry_ids":
        return _registry_cell(row)
    return _citation_cell(row[column]) if column in cited else _cell(row[column])


def table_markdown(frame: pd.DataFrame, *, table: str, caption: str, columns: list[str] | None = None,
                   source: str = "", wide: bool | None = None, headers: dict[str, str] | None = None) -> str:
    """A table of ``table`` (a data package resource) as MyST (see ``markup``): every cell escaped.

    Rows of a table with a ``provenance`` column start with an Evidence cell: "Review", or a badge for
    evidence that is not the review's (since the review, not in the review, correction) with its date added,
    its source and, for a row that comes from a record of data/updates.csv, how it is known (kind of source,
    what was read, confidence); they carry their provenance (class ``provenance-<value>`` on the row).
    A bibliography key (a column whose foreign key is references.bib) shows as a citation.
    ``wide`` (default: WIDE_COLUMNS columns or more) gives the table the page's full width; ``headers``
    names columns the schema does not have (computed ones)."""
    columns = columns or list(frame.columns)
    titles = {**data.field_titles(table), **(headers or {})}
    cited = citation_columns(table)
    with_evidence = "provenance" in frame.columns
    wide = len(columns) + with_evidence >= WIDE_COLUMNS if wide is None else wide
    long = {index + with_evidence for index, c in enumerate(columns) if c not in cited
            and any(len(format_value(v)) > LONG_TEXT for v in frame[c] if not is_missing(v))}
    header = ([_("Evidence")] if with_evidence else []) + [titles.get(c, c) for c in columns]
    key = keys.key_fields(schema.resource(table))  # each row carries its anchor (What changed links to it)
    rows = []
    for _index, row in frame.iterrows():
        provenance = row.get("provenance") if with_evidence else None
        newer = not is_missing(provenance) and provenance != REVIEW
        rows.append(Row(([_evidence_cell(row)] if with_evidence else []) + [_value_cell(row, c, cited) for c in columns],
                        anchors.row_anchor_once(table, key, row), str(provenance) if newer else ""))
    return markup(rows, table=table, caption=caption, header=header, source=source, wide=wide, long=long)


def show(frame: pd.DataFrame, *, table: str, caption: str, columns: list[str] | None = None,
         source: str = "", wide: bool | None = None) -> Markdown:
    """Display a table in a chapter (see table_markdown)."""
    return Markdown(table_markdown(frame, table=table, caption=caption, columns=columns, source=source, wide=wide))


def results_frame(results: pd.DataFrame, studies: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Results as readers see them: the study, the outcome's title, whom it describes, and the figure as text."""
    from reviewkit.book.evidence import result_text

    titles = outcomes.set_index("outcome_id")["title"]
    labels = studies.set_index("study_id")["indication"]
    frame = results.copy()
    frame["study"] = frame["study_id"].map(labels)
    frame["outcome_title"] = frame["outcome"].map(titles)
    frame["describes"] = [
        "; ".join(str(part) for part in (row.arm, row.population, row.time_point, row.comparison) if pd.notna(part))
        or _("all patients") for row in frame.itertuples()]
    frame["figure"] = [result_text(row) for _index, row in frame.iterrows()]
    return frame


def results_markdown(results: pd.DataFrame, studies: pd.DataFrame, outcomes: pd.DataFrame, *, caption: str,
                     source: str) -> str:
    frame = results_frame(results, studies, outcomes)
    titles = {"study": _("Study (indication)"), "outcome_title": _("Outcome"), "describes": _("Describes"),
              "figure": _("Figure as the source states it")}
    columns = ["outcome_title", "describes", "figure", "note"]
    if frame["study_id"].nunique() > 1:
        columns.insert(0, "study")
    return table_markdown(frame, table="clinical_results", caption=caption, columns=columns, source=source,
                          headers=titles)


def show_results(results: pd.DataFrame, studies: pd.DataFrame, outcomes: pd.DataFrame, *, caption: str,
                 source: str) -> Markdown:
    """Display clinical results, one row per figure, newer evidence marked as such."""
    return Markdown(results_markdown(results, studies, outcomes, caption=caption, source=source))


def show_since_review(studies: pd.DataFrame, results: pd.DataFrame, outcomes: pd.DataFrame, *, topic: str) -> HTML | Markdown:
    """The newer studies and results of a chapter (update and correction rows), or a plain statement that
    there are none; never blended with the review's rows."""
    from reviewkit.book.evidence import since_review

    newer_studies = since_review(studies)
    newer_results = since_review(results)
    if newer_studies.empty and newer_results.empty:
        # A sentence, not a table: its own paragraph of output, a message of the chapter's catalogue as it reads.
        return HTML(f'<p class="reviewkit-since-review-none">No newer clinical evidence on {html.escape(topic)} '
                    "has been added to the book since the review.</p>")
    parts = []
    if not newer_studies.empty:
        parts.append(table_markdown(newer_studies, table="clinical_studies", caption=f"Newer studies: {topic}",
                                    columns=["indication", "construct", "design", "phase", "n_patients",
                                             "registry_ids", "note"],
                                    source="the study's own reference (see the Evidence column)"))
    if not newer_results.empty:
        parts.append(results_markdown(newer_results, studies, outcomes, caption=f"Newer results: {topic}",
                                      source="each row's own source (see the Evidence column)"))
    return Markdown("\n".join(parts))


def show_notices(frame: pd.DataFrame):
    """Published notices (corrections, retractions, expressions of concern) about the works the rows cite,
    shown beside their table; nothing when there is none."""
    from reviewkit.book.notices import notice_html

    references = [key for key in dict.fromkeys(frame["reference"].dropna()) if key]
    return HTML("".join(notice_html(key) for key in references))
