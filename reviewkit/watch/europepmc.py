"""Europe PMC REST search (articles and preprints), paged with cursorMark."""

from __future__ import annotations

from . import http
from .http import SourceError
from .records import Record

SOURCE = "europepmc"
PAGE = 100
MAX_PAGES = 200  # a guard against a server that keeps answering with new cursors


def search(http_session, query: str, since: str, until: str) -> tuple[list[Record], str]:
    """Records first published from ``since`` to ``until`` (FIRST_PDATE, inclusive)."""
    full_query = f"({query}) AND FIRST_PDATE:[{since} TO {until}]"
    records: list[Record] = []
    cursor = "*"
    for _ in range(MAX_PAGES):
        body = http.get_json(http_session, SOURCE, "search", params={
            "query": full_query, "format": "json", "resultType": "lite", "pageSize": PAGE, "cursorMark": cursor})
        results = http.field(SOURCE, body, "resultList", "result", kind=list, where=" (search)")
        for item in results:
            if not isinstance(item, dict):
                raise SourceError(SOURCE, "malformed answer (search): a result is not an object")
            records.append(_record(item))
        following = body.get("nextCursorMark")
        # The last page has no nextCursorMark, or repeats the cursor it was asked for.
        if not results or not following or following == cursor:
            return records, full_query
        cursor = str(following)
    raise SourceError(SOURCE, f"more than {MAX_PAGES} pages of results: narrow the query in the search strategy")


def _record(item: dict) -> Record:
    source, ident = str(item.get("source") or ""), str(item.get("id") or "")
    year = str(item.get("pubYear") or "")
    return Record(sources=[SOURCE], title=str(item.get("title") or "").strip(),
                  authors=str(item.get("authorString") or "").strip(),
                  journal=str(item.get("journalTitle") or ("preprint" if source == "PPR" else "")),
                  year=year if year.isdigit() else "", doi=str(item.get("doi") or ""),
                  pmid=str(item.get("pmid") or ""), other_id=f"{source}-{ident}" if ident else "")
