"""Tables as readers see them: escaped cells, a caption, the source, and links to the CSV and schema."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from . import data, schema
from .glue import format_value

# Pages live one folder below the site root (chapters/), and the build copies data/ to the site root.
DATA_URL = "../data/"
MISSING = "—"


REGISTRY_URL = "https://clinicaltrials.gov/study/"
PROVENANCE_BADGES = {"update": "Update", "correction": "Correction"}


def _missing(value) -> bool:
    return value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value))


def _cell(value) -> str:
    if _missing(value):
        return MISSING
    return html.escape(format_value(value))


def _registry_cell(row: pd.Series) -> str:
    """Registry ids linked to their records; where none is known, say so (never a silent blank)."""
    ids = row.get("registry_ids")
    if _missing(ids):
        source = row.get("registry_source")
        where = f" (sweep {html.escape(str(source))})" if not _missing(source) else ""
        return f'<span class="reviewkit-registry-none">none found{where}</span>'
    links = []
    for registry_id in str(ids).split("; "):
        escaped = html.escape(registry_id)
        if registry_id.startswith("NCT"):
            links.append(f'<a href="{REGISTRY_URL}{escaped}">{escaped}</a>')
        else:
            links.append(escaped)
    return ", ".join(links)


def _evidence_cell(row: pd.Series) -> str:
    """Whose statement the row is: the review's, or newer evidence with its date added and source."""
    provenance = row.get("provenance")
    badge = PROVENANCE_BADGES.get(provenance)
    if badge is None:
        return "Review"
    source = "" if _missing(row.get("reference")) else f"; source: {_cell(row.get('reference'))}"
    return (f'<span class="reviewkit-badge reviewkit-badge-{html.escape(provenance)}">{badge}</span> '
            f'<span class="reviewkit-added">added {_cell(row.get("added"))}{source}</span>')


def _row_html(row: pd.Series, columns: list[str], with_evidence: bool) -> str:
    provenance = row.get("provenance") if with_evidence else None
    attribute = f' data-provenance="{html.escape(str(provenance))}"' if provenance in PROVENANCE_BADGES else ""
    cells = [f"<td>{_evidence_cell(row)}</td>"] if with_evidence else []
    cells += [f"<td>{_registry_cell(row) if c == 'registry_ids' else _cell(row[c])}</td>" for c in columns]
    return f"<tr{attribute}>" + "".join(cells) + "</tr>"


def table_html(frame: pd.DataFrame, *, table: str, caption: str, columns: list[str] | None = None,
               source: str = "") -> str:
    """HTML for a table of ``table`` (a data package resource): every cell escaped, nothing trusted.

    Rows of a table with a ``provenance`` column start with an Evidence cell: "Review", or a badge for an
    update or correction with its date added and source, and carry ``data-provenance`` on their ``<tr>``."""
    columns = columns or list(frame.columns)
    titles = data.field_titles(table)
    csv_name = schema.resource(table)["path"]
    with_evidence = "provenance" in frame.columns
    head = ('<th scope="col">Evidence</th>' if with_evidence else "") + "".join(
        f'<th scope="col">{html.escape(titles.get(c, c))}</th>' for c in columns)
    body = "".join(_row_html(row, columns, with_evidence) for _, row in frame.iterrows())
    source_text = f"Source: {html.escape(source)}. " if source else ""
    return (
        f'<figure class="reviewkit-table" data-table="{html.escape(table)}">'
        f"<figcaption>{html.escape(caption)}</figcaption>"
        f'<div class="reviewkit-table-scroll" tabindex="0" role="region" aria-label="{html.escape(caption)}">'
        f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        f'<p class="reviewkit-table-source">{source_text}Data: '
        f'<a href="{DATA_URL}{html.escape(csv_name)}" download>{html.escape(csv_name)}</a> '
        f'(<a href="{DATA_URL}datapackage.json">schema</a>, <a href="data.html#{html.escape(table.replace("_", "-"))}">column definitions</a>)</p>'
        "</figure>"
    )


def show(frame: pd.DataFrame, *, table: str, caption: str, columns: list[str] | None = None,
         source: str = "") -> HTML:
    """Display a table in a chapter (see table_html)."""
    return HTML(table_html(frame, table=table, caption=caption, columns=columns, source=source))


def results_frame(results: pd.DataFrame, studies: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Results as readers see them: the study, the outcome's title, whom it describes, and the figure as text."""
    from .evidence import result_text

    titles = outcomes.set_index("outcome_id")["title"]
    labels = studies.set_index("study_id")["indication"]
    frame = results.copy()
    frame["study"] = frame["study_id"].map(labels)
    frame["outcome_title"] = frame["outcome"].map(titles)
    frame["describes"] = [
        "; ".join(str(part) for part in (row.arm, row.population, row.time_point, row.comparison) if pd.notna(part))
        or "all patients" for row in frame.itertuples()]
    frame["figure"] = [result_text(row) for _, row in frame.iterrows()]
    return frame


def show_results(results: pd.DataFrame, studies: pd.DataFrame, outcomes: pd.DataFrame, *, caption: str,
                 source: str) -> HTML:
    """Display clinical results, one row per figure, newer evidence marked as such."""
    frame = results_frame(results, studies, outcomes)
    titles = {"study": "Study (indication)", "outcome_title": "Outcome", "describes": "Describes",
              "figure": "Figure as the source states it"}
    columns = ["outcome_title", "describes", "figure", "note"]
    if frame["study_id"].nunique() > 1:
        columns.insert(0, "study")
    html_text = table_html(frame, table="clinical_results", caption=caption, columns=columns, source=source)
    for column, title in titles.items():
        html_text = html_text.replace(f'<th scope="col">{column}</th>', f'<th scope="col">{html.escape(title)}</th>', 1)
    return HTML(html_text)


def show_since_review(studies: pd.DataFrame, results: pd.DataFrame, outcomes: pd.DataFrame, *, topic: str) -> HTML:
    """The newer studies and results of a chapter (update and correction rows), or a plain statement that
    there are none; never blended with the review's rows."""
    from .evidence import since_review

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
