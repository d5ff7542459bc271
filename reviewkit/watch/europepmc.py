"""Europe PMC REST search (articles and preprints), paged with cursorMark."""

from __future__ import annotations

from reviewkit.watch import http
from reviewkit.watch.http import SourceError
from reviewkit.watch.candidates import Record

SOURCE = "europepmc"
PAGE = 100
MAX_PAGES = 200  # a guard against a server that keeps answering with new cursors


def search(http_session, query: str, since: str, until: str) -> tuple[list[Record], str, list[str]]:
    """Records first published from ``since`` to ``until`` (FIRST_PDATE, inclusive)."""
    full_query = f"({query}) AND FIRST_PDATE:[{since} TO {until}]"
    records: list[Record] = []
    cursor = "*"
    for _ in range(MAX_PAGES):
        body = http.get_json(http_session, SOURCE, "search", params={
            "query": full_query, "format": "json", "resultType": "core", "pageSize": PAGE, "cursorMark": cursor})
        results = http.field(SOURCE, body, "resultList", "result", kind=list, where=" (search)")
        for item in results:
            if not isinstance(item, dict):
                raise SourceError(SOURCE, "malformed answer (search): a result is not an object")
            records.append(_record(item))
        following = body.get("nextCursorMark")
        # The last page has no nextCursorMark, or repeats the cursor it was asked for.
        if not results or not following or following == cursor:
            return records, full_query, []
        if not isinstance(following, str):
            raise SourceError(SOURCE, "malformed answer (search): nextCursorMark is not text")
        cursor = following
    raise SourceError(SOURCE, f"more than {MAX_PAGES} pages of results: narrow the query in the search strategy")


def _record(item: dict) -> Record:
    def text(key):
        return http.text(SOURCE, item.get(key), f" (search, result {str(item.get('id'))[:20]!r}, {key})")

    source, ident, year = text("source"), text("id"), text("pubYear")
    journal = text("journalTitle")
    if not journal and isinstance(item.get("journalInfo"), dict):  # the core result type nests it
        journal = http.text(SOURCE, (item["journalInfo"].get("journal") or {}).get("title"), " (search)")
    abstract = text("abstractText")
    return Record(sources=[SOURCE], title=text("title"), authors=text("authorString"),
                  journal=journal or ("preprint" if source == "PPR" else ""),
                  year=year if year.isdigit() else "", doi=text("doi"), pmid=text("pmid"),
                  other_id=f"{source}-{ident}" if ident else "",
                  abstract=abstract, abstract_source="Europe PMC abstract" if abstract else "")
