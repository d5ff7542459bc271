"""What chapters and tables call to show what the watch found about the works and trials they cite:
a study's registry status "as of" the date it was checked, and the notices (corrections, retractions,
expressions of concern) about a cited work. Both read the data package, so a chapter that calls them must
declare data/registry_status.csv or data/notices.csv in its front matter."""

from __future__ import annotations

import html

import pandas as pd

from reviewkit.book import data
from reviewkit.model.figures import is_missing

STATUS_WORDS = {
    "ACTIVE_NOT_RECRUITING": "active, not recruiting", "COMPLETED": "completed",
    "ENROLLING_BY_INVITATION": "enrolling by invitation", "NOT_YET_RECRUITING": "not yet recruiting",
    "RECRUITING": "recruiting", "SUSPENDED": "suspended", "TERMINATED": "terminated", "WITHDRAWN": "withdrawn",
    "UNKNOWN": "unknown (not verified recently)", "AVAILABLE": "available", "NO_LONGER_AVAILABLE": "no longer available",
    "TEMPORARILY_NOT_AVAILABLE": "temporarily not available", "APPROVED_FOR_MARKETING": "approved for marketing",
    "WITHHELD": "withheld",
}
KIND_WORDS = {"retraction": "Retraction", "correction": "Correction", "expression_of_concern": "Expression of concern",
              "other": "Notice"}


def _text(value) -> str:
    return "" if is_missing(value) else str(value)


def registry_status(registry_ids: str | None) -> list[dict]:
    """The registry_status rows of every id in ``registry_ids`` ("NCT...; NCT..."), in that order; an id
    that was never checked is listed with status None."""
    table = data.load("registry_status").set_index("registry_id")
    found = []
    for registry_id in [part.strip() for part in (registry_ids or "").split(";") if part.strip()]:
        if registry_id in table.index:
            row = table.loc[registry_id]
            found.append({"registry_id": registry_id, **{k: _text(v) for k, v in row.items()},
                          "results_posted": None if pd.isna(row["results_posted"]) else bool(row["results_posted"])})
        else:
            found.append({"registry_id": registry_id, "overall_status": None, "checked": None})
    return found


def where_read(row: dict) -> str:
    """Where and when a registry status was read: a mirror's or an old copy's status is not the registry's."""
    read_on = row.get("read_on") or "ClinicalTrials.gov"
    if read_on == "ClinicalTrials.gov":
        return f"registry status as of {row['checked']}"
    what = "a third-party mirror" if read_on == "mirror" else "a stored copy of a ClinicalTrials.gov page"
    source = f" ({row['source']})" if row.get("source") else ""
    return f"read on {what}{source}, {row['checked']}; not the registry's status today"


def registry_status_text(registry_ids: str | None) -> str:
    """E.g. "NCT04074746: completed, results posted (registry status as of 2027-01-04)", or where a copy was read
    "(read on a third-party mirror: ..., 2026-11; not the registry's status today)"; '' without ids."""
    from reviewkit.model import registries

    parts = []
    for row in registry_status(registry_ids):
        registry = registries.registry_of(row["registry_id"])
        if row["checked"] is None and registry is not None and registry.watched_by is None:
            parts.append(f"{row['registry_id']}: not watched ({registry.why_not})")
            continue
        if row["checked"] is None:
            parts.append(f"{row['registry_id']}: registry status not checked yet")
            continue
        words = [STATUS_WORDS.get(row["overall_status"], "status not shown")]
        if row["results_posted"] is not None:
            words.append("results posted" if row["results_posted"] else "no results posted")
        if row["last_update_posted"]:
            words.append(f"last updated {row['last_update_posted']}")
        parts.append(f"{row['registry_id']}: {', '.join(words)} ({where_read(row)})")
    return "; ".join(parts)


def notices(reference: str) -> list[dict]:
    """Notices about the cited work ``reference`` (a BibTeX key), oldest first."""
    table = data.load("notices")
    rows = table[table["reference"] == reference].sort_values("published")
    return [{k: _text(v) for k, v in row.items()} for _, row in rows.iterrows()]


def notice_html(reference: str) -> str:
    """A box naming every notice about ``reference`` ('' when there is none), for a chapter or a table."""
    items = []
    for row in notices(reference):
        link = (f' (<a href="https://doi.org/{html.escape(row["notice_doi"], quote=True)}">doi:'
                f'{html.escape(row["notice_doi"])}</a>)') if row["notice_doi"] else ""
        found = "the November 2026 evidence sweep" if row["found_by"] == "sweep" else (
            "Crossref" if row["found_by"] == "crossref" else "the November 2026 sweep and Crossref")
        items.append(f"<li><strong>{KIND_WORDS.get(row['kind'], 'Notice')}</strong> "
                     f"({html.escape(row['update_type'])}, published {html.escape(row['published'])}){link}. "
                     f"Found by {found}; checked {html.escape(row['checked'])}. {html.escape(row['note'])}</li>")
    if not items:
        return ""
    return ('<aside class="reviewkit-notice admonition warning" data-notice-for="' + html.escape(reference, quote=True)
            + '"><p class="admonition-title">Published notice about this work</p><ul>' + "".join(items)
            + "</ul></aside>")
