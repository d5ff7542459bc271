"""A fixture server on 127.0.0.1 that answers like PubMed's E-utilities, Europe PMC, ClinicalTrials.gov API v2
and Crossref, from fixtures in their documented formats (tests/fixtures/watch). Each source can be told to
fail: an HTTP status (always, or a number of times first; with the Retry-After it asks for), a malformed body,
silence (never answers), or a drip (an answer that arrives a few bytes at a time, never finishing soon)."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "watch"
PREFIXES = {"/pubmed/": "pubmed", "/europepmc/": "europepmc", "/ctgov/": "ctgov", "/crossref/": "crossref"}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class Scenario:
    """What each source answers. Tests change it between runs."""

    def __init__(self):
        self.pubmed_ids = ["41000001", "41000002", "41000003", "40571757"]
        self.europepmc_pages = [fixture("europepmc_page1.json"), fixture("europepmc_page2.json")]
        self.ctgov_pages = [fixture("ctgov_page1.json"), fixture("ctgov_page2.json")]
        self.studies = {"NCT04074746": fixture("ctgov_study_NCT04074746.json")}
        self.missing: set[str] = set()  # registry ids the registry does not know (404)
        self.unknown_dois: set[str] = set()  # DOIs Crossref does not know (404)
        self.updated_by = {"10.1038/s41591-025-03640-8": fixture("crossref_work_nieto.json")}
        self.updates = {"10.1038/s41591-025-03640-8": fixture("crossref_updates_nieto.json")}
        self.failures: dict[str, dict] = {}  # source -> {kind, value, remaining (None: always)}
        self.retry_after = "0"  # what a 429 or 503 asks the client to wait
        self.ncbi_warnings: dict = {}  # esearchresult.warninglist, e.g. {"phrasesnotfound": ["armd"]}
        self.requests: list[tuple[str, str, dict]] = []  # (source, path, query)

    def empty(self):
        self.pubmed_ids, self.europepmc_pages = [], [{**fixture("europepmc_page2.json"), "hitCount": 0,
                                                      "resultList": {"result": []}}]
        self.ctgov_pages = [{"studies": []}]
        self.updated_by, self.updates = {}, {}

    def fail(self, source: str, kind: str, value=None, times: int | None = None):
        """kind: 'status' (value = HTTP code), 'body' (value = bytes served as the answer), 'silent', 'drip'."""
        self.failures[source] = {"kind": kind, "value": value, "remaining": times}

    def calls(self, source: str) -> list[tuple[str, dict]]:
        return [(path, query) for s, path, query in self.requests if s == source]


class Handler(BaseHTTPRequestHandler):
    scenario: Scenario

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        source = next((s for prefix, s in PREFIXES.items() if parts.path.startswith(prefix)), None)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = unquote(parts.path[len(f"/{source}/"):]) if source else parts.path
        self.scenario.requests.append((source, path, query))
        failure = self.scenario.failures.get(source)
        if failure and failure["remaining"] != 0:
            if failure["remaining"] is not None:
                failure["remaining"] -= 1
            return self._fail(failure["kind"], failure["value"])
        if source == "pubmed" and path == "efetch.fcgi":
            return self._send(200, self._efetch(query["id"].split(",")), content_type="text/xml; charset=UTF-8")
        try:
            answer = getattr(self, f"_{source}")(path, query) if source else None
        except KeyError:
            answer = None
        if answer is None:
            return self._send(404, {"message": "not found"})
        self._send(200, answer)

    def _fail(self, kind, value):
        if kind == "status":
            headers = {"Retry-After": self.scenario.retry_after} if value in (429, 503) else {}
            return self._send(value, {"error": "fixture failure"}, headers)
        if kind == "body":
            return self._send(200, value)
        if kind == "drip":  # headers at once, then one byte every 0.2 s of a long body
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(300):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass  # the client gave up, as it should
            return None
        time.sleep(30)  # silent: longer than the client's timeout in the tests

    def _efetch(self, wanted) -> bytes:
        """PubMed XML of the wanted PMIDs, from the fixture (articles without an abstract have none)."""
        text = (FIXTURES / "pubmed_efetch.xml").read_text(encoding="utf-8")
        head, _, rest = text.partition("<PubmedArticleSet>")
        articles = re.findall(r"<PubmedArticle>.*?</PubmedArticle>", rest, flags=re.S)
        kept = [a for a in articles if re.search(r"<PMID[^>]*>(\d+)</PMID>", a).group(1) in wanted]
        return (head + "<PubmedArticleSet>\n" + "\n".join(kept) + "\n</PubmedArticleSet>\n").encode()

    def _pubmed(self, path, query):
        ids = self.scenario.pubmed_ids
        if path == "esearch.fcgi":
            start, count = int(query.get("retstart", 0)), int(query.get("retmax", 20))
            page = ids[start:start + count]
            return {"header": {"type": "esearch", "version": "0.3"},
                    "esearchresult": {"count": str(len(ids)), "retmax": str(len(page)), "retstart": str(start),
                                      "idlist": page, "translationset": [], "querytranslation": query.get("term", ""),
                                      **({"warninglist": {"phrasesignored": [], "quotedphrasesnotfound": [],
                                                          "outputmessages": [], **self.scenario.ncbi_warnings}}
                                         if self.scenario.ncbi_warnings else {})}}
        if path == "esummary.fcgi":
            wanted = query["id"].split(",")
            result = fixture("pubmed_esummary.json")["result"]
            return {"header": {"type": "esummary", "version": "0.3"},
                    "result": {"uids": wanted, **{i: result[i] for i in wanted}}}
        return None

    def _europepmc(self, path, query):
        pages = self.scenario.europepmc_pages
        cursors = ["*"] + [p.get("nextCursorMark") for p in pages]
        return pages[cursors.index(query.get("cursorMark", "*"))] if path == "search" else None

    def _ctgov(self, path, query):
        if path == "studies":
            pages = self.scenario.ctgov_pages
            tokens = [None] + [p.get("nextPageToken") for p in pages]
            return pages[tokens.index(query.get("pageToken"))]
        if path.startswith("studies/"):
            nct = path.split("/", 1)[1]
            if nct in self.scenario.missing:
                return None
            # Any other id: the fixture study, under that id (the book's data holds several registry ids).
            study = json.loads(json.dumps(self.scenario.studies.get(nct) or fixture("ctgov_page1.json")["studies"][0]))
            study["protocolSection"]["identificationModule"]["nctId"] = nct
            return study
        return None

    def _crossref(self, path, query):
        if path == "works":
            doi = query.get("filter", "").removeprefix("updates:").lower()
            listing = self.scenario.updates.get(doi)
            return json.loads(json.dumps(listing).replace("{doi}", doi)) if listing else {
                "status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                "message": {"facets": {}, "total-results": 0, "items": [], "items-per-page": 20}}
        doi = path.removeprefix("works/").lower()
        if doi in self.scenario.unknown_dois:
            return None
        return self.scenario.updated_by.get(doi) or {
            "status": "ok", "message-type": "work", "message-version": "1.0.0",
            "message": {"DOI": doi, "type": "journal-article", "title": ["A cited work"]}}

    def _send(self, status, body, headers=None, content_type="application/json;charset=UTF-8"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def start(scenario: Scenario) -> tuple[ThreadingHTTPServer, str]:
    handler = type("ScenarioHandler", (Handler,), {"scenario": scenario})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    # A short poll: shutdown() waits for the loop to look, which at the default 0.5 s is most of a case's time.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"
