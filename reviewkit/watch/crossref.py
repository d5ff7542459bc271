"""Crossref: notices (retraction, correction, expression of concern ...) about the works the book cites.

Two places hold them (Crossref REST API, works endpoint): the cited work's own record lists the notices that
update it in `updated-by` (publishers' Crossmark deposits and Retraction Watch data); and each notice's record
points back at the work in `update-to`, which the `updates:{DOI}` filter finds. Both are read; a notice found
twice is one notice.
"""

from __future__ import annotations

from urllib.parse import quote

from reviewkit.watch import http
from reviewkit.watch.http import SourceError
from reviewkit.watch.candidates import norm_doi

SOURCE = "crossref"
KINDS = {
    "retraction": "retraction", "partial_retraction": "retraction", "withdrawal": "retraction",
    "removal": "retraction", "correction": "correction", "erratum": "correction", "corrigendum": "correction",
    "expression_of_concern": "expression_of_concern",
}


def kind_of(update_type: str) -> str:
    """The notice vocabulary of data/notices.csv for a Crossref update type."""
    return KINDS.get(update_type.strip().lower().replace("-", "_").replace(" ", "_"), "other")


def partial_date(value, where: str) -> str:
    """A Crossref (partial) date {"date-parts": [[y, m, d]]} as YYYY, YYYY-MM or YYYY-MM-DD."""
    parts = (value or {}).get("date-parts") if isinstance(value, dict) else None
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]
            and all(isinstance(p, int) for p in parts[0])):
        raise SourceError(SOURCE, f"malformed answer{where}: a date without date-parts")
    year, *rest = parts[0][:3]
    return "-".join([f"{year:04d}", *(f"{p:02d}" for p in rest)])


def notices(http_session, doi: str) -> list[dict] | None:
    """Every notice Crossref records about ``doi``; None when Crossref does not know the DOI (registered with
    another agency such as DataCite, or mistyped), which the run records as "not found", never as "no notice"."""
    target = norm_doi(doi)
    found: dict[str, dict] = {}
    where = f" (works/{doi})"
    work = http.get_json(http_session, SOURCE, "works/" + quote(doi, safe="/()"), allow_404=True)
    if work is None:
        return None
    message = http.field(SOURCE, work, "message", kind=dict, where=where)
    for update in _list(message.get("updated-by"), where + " updated-by"):
        notice = _notice(update, where, notice_doi=update.get("DOI"))
        found[notice["notice_id"]] = notice
    where = f" (works?filter=updates:{doi})"
    listing = http.get_json(http_session, SOURCE, "works", params={"filter": f"updates:{doi}", "rows": 100})
    items = http.field(SOURCE, listing, "message", "items", kind=list, where=where)
    for item in items:
        if not isinstance(item, dict):
            raise SourceError(SOURCE, f"malformed answer{where}: an item is not an object")
        for update in _list(item.get("update-to"), where + " update-to"):
            if norm_doi(update.get("DOI")) == target:
                notice = _notice(update, where, notice_doi=item.get("DOI"))
                found.setdefault(notice["notice_id"], notice)
    return [found[key] for key in sorted(found)]


def _list(value, where: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SourceError(SOURCE, f"malformed answer{where}: not a list of objects")
    return value


def _notice(update: dict, where: str, notice_doi) -> dict:
    update_type = update.get("type")
    if not isinstance(update_type, str) or not update_type:
        raise SourceError(SOURCE, f"malformed answer{where}: an update without a type")
    published = partial_date(update.get("updated"), where)
    notice_doi = norm_doi(notice_doi if isinstance(notice_doi, str) else "")
    return {"notice_id": notice_doi or f"{update_type}-{published}", "kind": kind_of(update_type),
            "update_type": update_type, "notice_doi": notice_doi, "published": published,
            "label": str(update.get("label") or ""), "origin": str(update.get("source") or "")}
