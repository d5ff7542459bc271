"""A fixture server on 127.0.0.1 that answers like PubMed's E-utilities, Europe PMC, ClinicalTrials.gov API v2
and Crossref, from fixtures in their documented formats (tests/fixtures/watch). Each source can be told to
fail: an HTTP status (always, or a number of times first), a malformed body, or silence (never answers)."""

from __future__ import annotations

import json
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
        self.updated_by = {"10.1038/s41591-025-03640-8": fixture("crossref_work_nieto.json")}
        self.updates = {"10.1038/s41591-025-03640-8": fixture("crossref_updates_nieto.json")}
        self.failures: dict[str, dict] = {}  # source -> {kind, value, remaining (None: always)}
        self.requests: list[tuple[str, str, dict]] = []  # (source, path, query)

    def empty(self):
        self.pubmed_ids, self.europepmc_pages = [], [{**fixture("europepmc_page2.json"), "hitCount": 0,
                                                      "resultList": {"result": []}}]
        self.ctgov_pages = [{"studies": []}]
        self.updated_by, self.updates = {}, {}

    def fail(self, source: str, kind: str, value=None, times: int | None = None):
        """kind: 'status' (value = HTTP code), 'body' (value = bytes served as the answer), 'silent'."""
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
        try:
            answer = getattr(self, f"_{source}")(path, query) if source else None
        except KeyError:
            answer = None
        if answer is None:
            return self._send(404, {"message": "not found"})
        self._send(200, answer)

    def _fail(self, kind, value):
        if kind == "status":
            headers = {"Retry-After": "0"} if value in (429, 503) else {}
            return self._send(value, {"error": "fixture failure"}, headers)
        if kind == "body":
            return self._send(200, value)
        time.sleep(30)  # silent: longer than the client's timeout in the tests

    def _pubmed(self, path, query):
        ids = self.scenario.pubmed_ids
        if path == "esearch.fcgi":
            start, count = int(query.get("retstart", 0)), int(query.get("retmax", 20))
            page = ids[start:start + count]
            return {"header": {"type": "esearch", "version": "0.3"},
                    "esearchresult": {"count": str(len(ids)), "retmax": str(len(page)), "retstart": str(start),
                                      "idlist": page, "translationset": [], "querytranslation": query.get("term", "")}}
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
        return self.scenario.updated_by.get(doi) or {
            "status": "ok", "message-type": "work", "message-version": "1.0.0",
            "message": {"DOI": doi, "type": "journal-article", "title": ["A cited work"]}}

    def _send(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def start(scenario: Scenario) -> tuple[ThreadingHTTPServer, str]:
    handler = type("ScenarioHandler", (Handler,), {"scenario": scenario})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"
