"""PubMed through NCBI E-utilities with Biopython's Bio.Entrez (esearch, then esummary; JSON answers).

Bio.Entrez keeps NCBI's rate limit (3 requests per second, 10 with an API key) and retries failed requests
(`Entrez.max_tries`, `Entrez.sleep_between_tries`). Two things it does not offer (Biopython 1.88):
- a base URL setting: every E-utility's URL is written into its function. The requests go through
  urllib's global opener, so a handler installed with urllib.request.install_opener (the standard way to
  customise urlopen) rewrites them to REVIEWKIT_PUBMED_URL;
- a timeout: urlopen is called without one (biopython/biopython#1524). The same handler sets it.
The body is read inside our code, so a connection dropped mid-answer is an error we report
(biopython/biopython#2277).
"""

from __future__ import annotations

import os
import urllib.request
from contextlib import contextmanager
from urllib.error import HTTPError, URLError

from Bio import Entrez

from . import http
from .http import SourceError
from .records import Record, author_list

SOURCE = "pubmed"
ENTREZ_BASE = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
PAGE = 200  # ids per esearch page and per esummary batch
TIMEOUT = 30
RETRY_SLEEP = 2  # seconds between tries after a network error (Entrez's default is 15)


class _Redirect(urllib.request.BaseHandler):
    """Points Entrez's requests at another base URL and gives each a timeout."""

    handler_order = 100  # before the protocol handlers

    def __init__(self, base: str):
        self.base = base

    def _rewrite(self, request):
        if self.base != ENTREZ_BASE and request.full_url.startswith(ENTREZ_BASE):
            request.full_url = self.base + request.full_url[len(ENTREZ_BASE):]
        request.timeout = TIMEOUT
        return request

    http_request = https_request = _rewrite


@contextmanager
def _entrez(contact: str | None):
    Entrez.email = contact
    Entrez.tool = "reviewkit"
    Entrez.api_key = os.environ.get("NCBI_API_KEY") or None
    Entrez.max_tries = 3
    Entrez.sleep_between_tries = RETRY_SLEEP
    urllib.request.install_opener(urllib.request.build_opener(_Redirect(http.base_url(SOURCE))))
    try:
        yield
    finally:
        urllib.request.install_opener(None)  # back to urllib's default opener


def _call(function, **params) -> dict:
    """One E-utility call with a JSON answer; every failure becomes a SourceError naming PubMed."""
    what = function.__name__
    try:
        handle = function(retmode="json", **params)
        try:
            text = handle.read()
        finally:
            handle.close()
    except HTTPError as error:
        raise SourceError(SOURCE, f"{what}: HTTP {error.code} {error.reason} from {str(error.url).split('?')[0]}") from None
    except URLError as error:
        raise SourceError(SOURCE, f"{what}: cannot reach {http.base_url(SOURCE)} ({error.reason})") from None
    except (OSError, TimeoutError) as error:
        raise SourceError(SOURCE, f"{what}: the connection failed while reading the answer ({error})") from None
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    body = http.parse_json(SOURCE, text, f"{http.base_url(SOURCE)}{what}.fcgi")
    result = body.get("esearchresult") if what == "esearch" else body
    if isinstance(result, dict) and ("ERROR" in result or "error" in result):
        raise SourceError(SOURCE, f"{what} refused the request: {result.get('ERROR') or result.get('error')}")
    return body


def search(query: str, since: str, until: str, contact: str | None) -> tuple[list[Record], str]:
    """Records added to PubMed (Entrez date) from ``since`` to ``until`` (inclusive, YYYY-MM-DD)."""
    window = dict(datetype="edat", mindate=since.replace("-", "/"), maxdate=until.replace("-", "/"))
    ids: list[str] = []
    with _entrez(contact):
        start = 0
        while True:
            body = _call(Entrez.esearch, db="pubmed", term=query, retstart=start, retmax=PAGE, **window)
            where = " (esearch)"
            count = int(http.field(SOURCE, body, "esearchresult", "count", kind=(str, int), where=where))
            page = http.field(SOURCE, body, "esearchresult", "idlist", kind=list, where=where)
            ids += [str(i) for i in page if str(i) not in ids]
            start += PAGE
            if not page or start >= count:
                break
        records = []
        for batch in range(0, len(ids), PAGE):
            chunk = ids[batch:batch + PAGE]
            body = _call(Entrez.esummary, db="pubmed", id=",".join(chunk))
            result = http.field(SOURCE, body, "result", kind=dict, where=" (esummary)")
            for pmid in chunk:
                summary = result.get(pmid)
                if not isinstance(summary, dict):
                    raise SourceError(SOURCE, f"malformed answer (esummary): no summary for PMID {pmid}")
                records.append(_record(pmid, summary))
    return records, f"{query} AND (\"{window['mindate']}\"[EDAT] : \"{window['maxdate']}\"[EDAT])"


def _record(pmid: str, summary: dict) -> Record:
    ids = {i.get("idtype"): i.get("value") for i in summary.get("articleids", []) if isinstance(i, dict)}
    authors = [a.get("name", "") for a in summary.get("authors", []) if isinstance(a, dict)]
    year = str(summary.get("pubdate") or summary.get("epubdate") or "")[:4]
    return Record(sources=[SOURCE], title=str(summary.get("title", "")).strip(), authors=author_list(authors),
                  journal=str(summary.get("source") or summary.get("fulljournalname") or ""),
                  year=year if year.isdigit() else "", doi=ids.get("doi") or "", pmid=pmid)
