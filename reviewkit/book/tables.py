"""Tables as readers see them: escaped cells, citations, a caption, the source, and links to the CSV and schema."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from reviewkit.model import anchors, keys, schema
from reviewkit.book import citations, data, evidence
from reviewkit.book.evidence import REVIEW
from reviewkit.book.glue import format_value
from reviewkit.i18n.generated import _, N_, translated

# Pages live one folder below the site root (chapters/), and the build copies data/ to the site root.
DATA_URL = "../data/"
MISSING = "—"
# A table with this many columns or more takes the page's full width (and scrolls on a phone).
WIDE_COLUMNS = 6
# A column holding text longer than this keeps a readable width on a phone (class reviewkit-long).
LONG_TEXT = 60


# How a registry id is known (clinical_studies.registry_match), where it is not simply stated by the source.
REGISTRY_MATCH_WORDS = {"matched": N_("matched, not confirmed: matched from the registry record, never read in the paper")}


def _missing(value) -> bool:
    return value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value))


def _cell(value) -> str:
    if _missing(value):
        return MISSING
    return html.escape(format_value(value))


def citation_columns(table: str) -> set[str]:
    """Columns of ``table`` whose values are keys of references.bib (by the schema's foreign keys)."""
    return {column for fk in keys.foreign_keys(schema.resource(table))
            if fk.resource == schema.REFERENCES_RESOURCE for column in fk.fields}


def _citation_cell(value) -> str:
    """A bibliography key as a formatted citation linked to its entry, never the raw key."""
    if _missing(value):
        return MISSING
    return citations.citation(str(value)).html()


def _registry_cell(row: pd.Series) -> str:
    """Registry ids linked to their records; where none is known, say so (never a silent blank)."""
    ids = row.get("registry_ids")
    if _missing(ids):
        none = _("none found")  # (outside the f-string: Babel does not read messages inside one)
        return f'<span class="reviewkit-registry-none">{html.escape(none)}</span>'
    from reviewkit.model import registries
    from reviewkit.book.notices import registry_status_text

    match = translated(REGISTRY_MATCH_WORDS.get(row.get("registry_match"), ""))
    # An id never read in the paper says so wherever it shows.
    matched = f' <span class="reviewkit-registry-match">({html.escape(match)})</span>' if match else ""
    links = []
    for registry_id in str(ids).split("; "):
        escaped = html.escape(registry_id)
        url = registries.link(registry_id)  # each registry's own record page (reviewkit/model/registries.py)
        link = f'<a href="{html.escape(url, quote=True)}">{escaped}</a>' if url else escaped
        # What was last seen of the registry record, where and when ("registry status as of ...").
        status = registry_status_text(registry_id).removeprefix(f"{registry_id}: ")
        links.append(f'{link}{matched} <span class="reviewkit-registry-status">{html.escape(status)}</span>')
    return "; ".join(links)


def _update_record(update_id) -> dict | None:
    """The record of data/updates.csv a row comes from (read only when a row names one)."""
    if _missing(update_id) or not str(update_id):
        return None
    updates = data.load("updates").set_index("update_id")
    if str(update_id) not in updates.index:
        return None
    record = updates.loc[str(update_id)]
    return {key: "" if _missing(value) else str(value) for key, value in record.items()}


def _evidence_cell(row: pd.Series) -> str:
    """Whose statement the row is: the review's, or evidence that is not the review's with its date added,
    its source and, where the row comes from a record of data/updates.csv, how it is known."""
    provenance = row.get("provenance")
    if _missing(provenance) or provenance == REVIEW:
        return evidence.provenance_word(REVIEW)
    badge = html.escape(evidence.provenance_word(provenance))
    # Labels and values sit in elements of their own: a translated edition translates each label whole
    # (reviewkit.sphinx.output_text), never a sentence with a date in it.
    source_label, added_label = _("source:"), _("added")
    source = ("" if _missing(row.get("reference")) else
              f'; <span>{html.escape(source_label)}</span> {_citation_cell(row.get("reference"))}')
    record = _update_record(row.get("update_id"))
    known = ""
    if record is not None:
        parts = [f"<span>{html.escape(label)}</span> {html.escape(str(value))}" if label else
                 f"<span>{html.escape(str(value))}</span>" for label, value in evidence.how_we_know_parts(record)]
        known = f' <span class="reviewkit-how-we-know">{"; ".join(parts)}</span>'
    return (f'<span class="reviewkit-badge reviewkit-badge-{html.escape(provenance)}">{badge}</span> '
            f'<span class="reviewkit-added"><span>{html.escape(added_label)}</span> {_cell(row.get("added"))}'
            f'{source}</span>{known}')


def _value_cell(row: pd.Series, column: str, cited: set[str]) -> str:
    if column == "registry_ids":
        return _registry_cell(row)
    return _citation_cell(row[column]) if column in cited else _cell(row[column])


def _row_html(row: pd.Series, columns: list[str], with_evidence: bool, cited: set[str], attrs: dict[str, str],
              row_id: str = "") -> str:
    provenance = row.get("provenance") if with_evidence else None
    newer = not _missing(provenance) and provenance != REVIEW
    attribute = f' data-provenance="{html.escape(str(provenance))}"' if newer else ""
    cells = [f"<td>{_evidence_cell(row)}</td>"] if with_evidence else []
    cells += [f"<td{attrs[c]}>{_value_cell(row, c, cited)}</td>" for c in columns]
    return f"<tr{row_id}{attribute}>" + "".join(cells) + "</tr>"


def table_html(frame: pd.DataFrame, *, table: str, caption: str, columns: list[str] | None = None,
               source: str = "", wide: bool | None = None, headers: dict[str, str] | None = None) -> str:
    """HTML for a table of ``table`` (a data package resource): every cell escaped, nothing trusted.

    Rows of a table with a ``provenance`` column start with an Evidence cell: "Review", or a badge for
    evidence that is not the review's (since the review, not in the review, correction) with its date added,
    its source and, for a row that comes from a record of data/updates.csv, how it is known (kind of source,
    what was read, confidence); they carry ``data-provenance`` on their ``<tr>``.
    A bibliography key (a column whose foreign key is references.bib) shows as a linked citation.
    ``wide`` (default: WIDE_COLUMNS columns or more) gives the table the page's full width; ``headers``
    names columns the schema does not have (computed ones)."""
    columns = columns or list(frame.columns)
    titles = {**data.field_titles(table), **(headers or {})}
    cited = citation_columns(table)
    if cited:  # a table that can cite reads references.bib: the chapter declares it, so edits re-execute it
        citations.citations()
    csv_name = schema.resource(table)["path"]
    with_evidence = "provenance" in frame.columns
    wide = len(columns) + with_evidence >= WIDE_COLUMNS if wide is None else wide
    long = {c for c in columns if c not in cited
            and any(len(format_value(v)) > LONG_TEXT for v in frame[c] if not _missing(v))}
    attrs = {c: ' class="reviewkit-long"' if c in long else "" for c in columns}
    evidence_title, data_label, schema_label, definitions_label = (_("Evidence"), _("Data:"), _("schema"),
                                                                   _("column definitions"))
    head = (f'<th scope="col">{html.escape(evidence_title)}</th>' if with_evidence else "") + "".join(
        f'<th scope="col"{attrs[c]}>{html.escape(titles.get(c, c))}</th>' for c in columns)
    key = keys.key_fields(schema.resource(table))  # each row carries its anchor (What changed links to it)
    body = "".join(_row_html(row, columns, with_evidence, cited, attrs, anchors.row_id_attribute(table, key, row))
                   for _, row in frame.iterrows())
    source_text = f"<span>{html.escape(_('Source:'))}</span> <span>{html.escape(source)}</span>. " if source else ""
    classes = "reviewkit-table reviewkit-table-wide full-width" if wide else "reviewkit-table"
    return (
        f'<figure class="{classes}" data-table="{html.escape(table)}">'
        f"<figcaption>{html.escape(caption)}</figcaption>"
        f'<div class="reviewkit-table-scroll" tabindex="0" role="region" aria-label="{html.escape(caption)}">'
        f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        f'<p class="reviewkit-table-source">{source_text}<span>{html.escape(data_label)}</span> '
        f'<a href="{DATA_URL}{html.escape(csv_name)}" download>{html.escape(csv_name)}</a> '
        f'(<a href="{DATA_URL}datapackage.json">{html.escape(schema_label)}</a>, '
        f'<a href="data.html#{html.escape(table.replace("_", "-"))}">{html.escape(definitions_label)}</a>)</p>'
        "</figure>"
    )


def show(frame: pd.DataFrame, *, table: str, caption: str, columns: list[str] | None = None,
         source: str = "", wide: bool | None = None) -> HTML:
    """Display a table in a chapter (see table_html)."""
    return HTML(table_html(frame, table=table, caption=caption, columns=columns, source=source, wide=wide))


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
    frame["figure"] = [result_text(row) for _, row in frame.iterrows()]
    return frame


def show_results(results: pd.DataFrame, studies: pd.DataFrame, outcomes: pd.DataFrame, *, caption: str,
                 source: str) -> HTML:
    """Display clinical results, one row per figure, newer evidence marked as such."""
    frame = results_frame(results, studies, outcomes)
    titles = {"study": _("Study (indication)"), "outcome_title": _("Outcome"), "describes": _("Describes"),
              "figure": _("Figure as the source states it")}
    columns = ["outcome_title", "describes", "figure", "note"]
    if frame["study_id"].nunique() > 1:
        columns.insert(0, "study")
    return HTML(table_html(frame, table="clinical_results", caption=caption, columns=columns, source=source,
                           headers=titles))


def show_since_review(studies: pd.DataFrame, results: pd.DataFrame, outcomes: pd.DataFrame, *, topic: str) -> HTML:
    """The newer studies and results of a chapter (update and correction rows), or a plain statement that
    there are none; never blended with the review's rows."""
    from reviewkit.book.evidence import since_review

    newer_studies = since_review(studies)
    newer_results = since_review(results)
    if newer_studies.empty and newer_results.empty:
        return HTML(f'<p class="reviewkit-since-review-none">No newer clinical evidence on {html.escape(topic)} '
                    "has been added to the book since the review.</p>")
    parts = []
    if not newer_studies.empty:
        parts.append(table_html(newer_studies, table="clinical_studies", caption=f"Newer studies: {topic}",
                                columns=["indication", "construct", "design", "phase", "n_patients", "registry_ids",
                                         "note"], source="the study's own reference (see the Evidence column)"))
    if not newer_results.empty:
        parts.append(show_results(newer_results, studies, outcomes, caption=f"Newer results: {topic}",
                                  source="each row's own source (see the Evidence column)").data)
    return HTML("".join(parts))


def show_notices(frame: pd.DataFrame) -> HTML:
    """Published notices (corrections, retractions, expressions of concern) about the works the rows cite,
    shown beside their table; nothing when there is none."""
    from reviewkit.book.notices import notice_html

    references = [key for key in dict.fromkeys(frame["reference"].dropna()) if key]
    return HTML("".join(notice_html(key) for key in references))
