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
import xml.etree.ElementTree as ElementTree
from contextlib import contextmanager
from urllib.error import HTTPError, URLError

from Bio import Entrez

from reviewkit.watch import http
from reviewkit.watch.http import SourceError
from reviewkit.watch.candidates import Record, author_list

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


def _fetch(function, clock: http.Deadline, retmode: str, **params) -> str:
    """One E-utility call's answer as text, read against the source's deadline; every failure becomes a
    SourceError naming PubMed."""
    what = function.__name__
    clock.check(f"asking {what}")
    try:
        handle = function(retmode=retmode, **params)
        try:
            read = getattr(handle, "read1", None) or handle.read
            text = http.read_bounded(SOURCE, read, clock, f"{http.base_url(SOURCE)}{what}.fcgi")
        finally:
            handle.close()
    except HTTPError as error:
        raise SourceError(SOURCE, f"{what}: HTTP {error.code} {error.reason} from {str(error.url).split('?')[0]}") from None
    except URLError as error:
        raise SourceError(SOURCE, f"{what}: cannot reach {http.base_url(SOURCE)} ({error.reason})") from None
    except (OSError, TimeoutError) as error:
        raise SourceError(SOURCE, f"{what}: the connection failed while reading the answer ({error})") from None
    return text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text


def _call(function, clock: http.Deadline, **params) -> dict:
    """One E-utility call with a JSON answer."""
    what = function.__name__
    text = _fetch(function, clock, "json", **params)
    body = http.parse_json(SOURCE, text, f"{http.base_url(SOURCE)}{what}.fcgi")
    result = body.get("esearchresult") if what == "esearch" else body
    if isinstance(result, dict) and ("ERROR" in result or "error" in result):
        raise SourceError(SOURCE, f"{what} refused the request: {result.get('ERROR') or result.get('error')}")
    return body


def _count(body: dict) -> int:
    count = http.field(SOURCE, body, "esearchresult", "count", kind=(str, int), where=" (esearch)")
    if not str(count).isdigit():
        raise SourceError(SOURCE, f"malformed answer (esearch): count {str(count)[:40]!r} is not a number")
    return int(count)


def warnings_of(body: dict) -> list[str]:
    """What NCBI says it could not use in the query ("phrases not found", "fields not found", its output
    messages): a search that lost a phrase may find nothing for that reason alone."""
    result = body.get("esearchresult") or {}
    said = []
    for block in ("errorlist", "warninglist"):
        found = result.get(block)
        if not isinstance(found, dict):
            continue
        for key, label in (("phrasesnotfound", "phrases not found"), ("quotedphrasesnotfound", "quoted phrases not found"),
                           ("fieldsnotfound", "fields not found"), ("phrasesignored", "phrases ignored"),
                           ("outputmessages", "NCBI says")):
            values = found.get(key)
            if isinstance(values, list) and any(str(v).strip() for v in values):
                said.append(f"{label}: " + "; ".join(str(v).strip() for v in values if str(v).strip()))
    return said


def search(query: str, since: str, until: str, contact: str | None,
           clock: http.Deadline | None = None) -> tuple[list[Record], str, list[str]]:
    """Records added to PubMed (Entrez date) from ``since`` to ``until`` (inclusive, YYYY-MM-DD), the query as
    sent, and NCBI's warnings about it."""
    clock = clock or http.Deadline(SOURCE)
    window = dict(datetype="edat", mindate=since.replace("-", "/"), maxdate=until.replace("-", "/"))
    ids: list[str] = []
    said: list[str] = []
    with _entrez(contact):
        start = 0
        while True:
            body = _call(Entrez.esearch, clock, db="pubmed", term=query, retstart=start, retmax=PAGE, **window)
            count = _count(body)
            page = http.field(SOURCE, body, "esearchresult", "idlist", kind=list, where=" (esearch)")
            said += [w for w in warnings_of(body) if w not in said]
            for pmid in page:
                if not str(pmid).isdigit():
                    raise SourceError(SOURCE, f"malformed answer (esearch): id {str(pmid)[:40]!r} is not a PMID")
            ids += [str(i) for i in page if str(i) not in ids]
            start += PAGE
            if not page or start >= count:
                break
        records = []
        for batch in range(0, len(ids), PAGE):
            chunk = ids[batch:batch + PAGE]
            body = _call(Entrez.esummary, clock, db="pubmed", id=",".join(chunk))
            result = http.field(SOURCE, body, "result", kind=dict, where=" (esummary)")
            abstracts = _abstracts(_fetch(Entrez.efetch, clock, "xml", db="pubmed", id=",".join(chunk),
                                          rettype="abstract"))
            for pmid in chunk:
                summary = result.get(pmid)
                if not isinstance(summary, dict):
                    raise SourceError(SOURCE, f"malformed answer (esummary): no summary for PMID {pmid}")
                records.append(_record(pmid, summary, abstracts.get(pmid, "")))
    return records, f"{query} AND (\"{window['mindate']}\"[EDAT] : \"{window['maxdate']}\"[EDAT])", said


def _abstracts(text: str) -> dict[str, str]:
    """PMID -> abstract from an efetch answer (PubMed XML): each AbstractText, headed by its label."""
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as error:
        raise SourceError(SOURCE, f"the answer of efetch is not valid XML ({error}): {text[:80]!r}") from None
    if root.tag != "PubmedArticleSet":
        raise SourceError(SOURCE, f"malformed answer (efetch): <{root.tag}>, expected <PubmedArticleSet>")
    found = {}
    for article in root.iter("PubmedArticle"):
        pmid = (article.findtext("MedlineCitation/PMID") or "").strip()
        parts = []
        for part in article.iterfind("MedlineCitation/Article/Abstract/AbstractText"):
            words = " ".join("".join(part.itertext()).split())
            label = part.get("Label")
            parts.append(f"{label}: {words}" if label and words else words)
        if pmid and any(parts):
            found[pmid] = " ".join(p for p in parts if p)
    return found


def _record(pmid: str, summary: dict, abstract: str = "") -> Record:
    where = f" (esummary, PMID {pmid})"
    ids = {i.get("idtype"): i.get("value") for i in summary.get("articleids", []) if isinstance(i, dict)}
    authors = [a.get("name", "") for a in summary.get("authors", []) if isinstance(a, dict)]
    year = http.text(SOURCE, summary.get("pubdate") or summary.get("epubdate"), where)[:4]
    return Record(sources=[SOURCE], title=http.text(SOURCE, summary.get("title"), where),
                  authors=author_list([http.text(SOURCE, a, where) for a in authors]),
                  journal=http.text(SOURCE, summary.get("source") or summary.get("fulljournalname"), where),
                  year=year if year.isdigit() else "", doi=http.text(SOURCE, ids.get("doi"), where), pmid=pmid,
                  abstract=abstract, abstract_source="PubMed abstract" if abstract else "")
