"""One HTTP client for the JSON sources (Europe PMC, ClinicalTrials.gov, Crossref): timeouts, retries with
back-off (urllib3's Retry, honouring Retry-After on 429/503 up to MAX_WAIT), and errors that name the source.

Every wait is bounded: a connection and each read by their timeouts, a Retry-After by MAX_WAIT, and a whole
source by its Deadline (SOURCE_DEADLINE for all its requests in one run), which the body is read against in
small pieces, so a server that drips bytes cannot hold the weekly job.
"""

from __future__ import annotations

import json
import os
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_errors
from urllib3.util.retry import Retry

from reviewkit import __version__

CONNECT_TIMEOUT = 10  # seconds
READ_TIMEOUT = 30
RETRIES = 3
BACKOFF = 0.5  # urllib3 sleeps 0, 1, 2 s between consecutive failures
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_WAIT = 60  # seconds: the longest Retry-After honoured (a server asking for an hour gets a minute)
SOURCE_DEADLINE = 600  # seconds one source may take in a run, every request and retry together
DEADLINES: dict[str, float] = {}  # a source's own deadline, where it differs
MAX_BYTES = 64 * 1024 * 1024  # an answer larger than this is not a search result

# Where each source lives; REVIEWKIT_<SOURCE>_URL points a source at a mirror or a test server.
DEFAULT_URLS = {
    "pubmed": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/",
    "europepmc": "https://www.ebi.ac.uk/europepmc/webservices/rest/",
    "ctgov": "https://clinicaltrials.gov/api/v2/",
    "crossref": "https://api.crossref.org/",
}
NAMES = {"pubmed": "PubMed", "europepmc": "Europe PMC", "ctgov": "ClinicalTrials.gov", "crossref": "Crossref"}


class SourceError(Exception):
    """A source could not be searched: unreachable, an HTTP error, or an answer we cannot read."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"{NAMES.get(source, source)}: {message}")


class Deadline:
    """The time one source has left in this run."""

    def __init__(self, source: str, seconds: float | None = None):
        self.source = source
        self.seconds = DEADLINES.get(source, SOURCE_DEADLINE) if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def left(self) -> float:
        return self.ends - time.monotonic()

    def check(self, doing: str) -> None:
        if self.left() <= 0:
            raise SourceError(self.source, f"took longer than its deadline of {self.seconds:g} s in this run "
                              f"(while {doing}); the source is too slow or drips its answer. Run `make watch` "
                              "again later")

    def timeout(self, seconds: float) -> float:
        return max(0.1, min(seconds, self.left()))


class BoundedRetry(Retry):
    """urllib3's Retry with every Retry-After capped at MAX_WAIT."""

    def get_retry_after(self, response):
        value = super().get_retry_after(response)
        return None if value is None else min(value, MAX_WAIT)


def base_url(source: str) -> str:
    url = os.environ.get(f"REVIEWKIT_{source.upper()}_URL") or DEFAULT_URLS[source]
    return url if url.endswith("/") else url + "/"


def user_agent(contact: str | None) -> str:
    # Crossref and NCBI ask for a contact address in polite clients.
    return f"reviewkit/{__version__} (living review evidence surveillance{'; mailto:' + contact if contact else ''})"


def session(contact: str | None = None) -> requests.Session:
    retry = BoundedRetry(total=RETRIES, connect=RETRIES, read=RETRIES, status=RETRIES, backoff_factor=BACKOFF,
                  status_forcelist=RETRY_STATUSES, allowed_methods=("GET",), respect_retry_after_header=True,
                  raise_on_status=False)
    http = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    http.headers["User-Agent"] = user_agent(contact)
    http.headers["Accept"] = "application/json"
    http.deadlines = {}  # source -> Deadline, started by its first request
    return http


def deadline(http: requests.Session, source: str) -> Deadline:
    deadlines = http.__dict__.setdefault("deadlines", {})
    if source not in deadlines:
        deadlines[source] = Deadline(source)
    return deadlines[source]


def read_bounded(source: str, read, clock: Deadline, url: str) -> bytes:
    """The whole body through ``read(n)`` (which returns what has arrived, at most n bytes), checking the
    source's deadline between pieces and refusing an answer over MAX_BYTES."""
    chunks, size = [], 0
    while True:
        clock.check(f"reading the answer from {url}")
        chunk = read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BYTES:
            raise SourceError(source, f"the answer from {url} is larger than {MAX_BYTES // 2**20} MiB")
        chunks.append(chunk)


def get_json(http: requests.Session, source: str, path: str, params: dict | None = None,
             allow_404: bool = False) -> dict | None:
    """GET base_url(source) + path as JSON (a dict). None for a 404 when ``allow_404``."""
    url = base_url(source) + path.lstrip("/")
    clock = deadline(http, source)
    clock.check(f"asking {_short(url)}")
    try:
        response = http.get(url, params=params, stream=True,
                            timeout=(clock.timeout(CONNECT_TIMEOUT), clock.timeout(READ_TIMEOUT)))
        try:
            body = read_bounded(source, lambda n: response.raw.read1(n, decode_content=True), clock,
                                _short(response.url))
        finally:
            response.close()
    except requests.exceptions.RetryError as error:
        raise SourceError(source, f"kept failing after {RETRIES} retries ({_reason(error)}) at {url}") from None
    except requests.exceptions.Timeout:
        raise SourceError(source, f"no answer within {READ_TIMEOUT} s from {url}") from None
    except requests.exceptions.ConnectionError as error:
        if "timed out" in _reason(error):  # urllib3 reports a read timeout that outlasted the retries this way
            raise SourceError(source, f"no answer within {READ_TIMEOUT} s from {url}, {RETRIES + 1} tries") from None
        raise SourceError(source, f"cannot connect to {url} ({_reason(error)})") from None
    except (requests.exceptions.RequestException, urllib3_errors.HTTPError) as error:
        if "timed out" in _reason(error):
            raise SourceError(source, f"no answer within {READ_TIMEOUT} s from {url}") from None
        raise SourceError(source, f"request to {url} failed ({_reason(error)})") from None
    if response.status_code == 404 and allow_404:
        return None
    if response.status_code >= 400:
        raise SourceError(source, f"HTTP {response.status_code} {response.reason} from {_short(response.url)}"
                          + (f" after {RETRIES} retries" if response.status_code in RETRY_STATUSES else ""))
    return parse_json(source, body.decode(response.encoding or "utf-8", errors="replace"), _short(response.url))


def parse_json(source: str, text: str, url: str) -> dict:
    try:
        body = json.loads(text)
    except ValueError as error:
        raise SourceError(source, f"the answer from {url} is not valid JSON ({error.msg}: line {error.lineno}, "
                          f"column {error.colno}): {text[:80]!r}") from None
    if not isinstance(body, dict):
        raise SourceError(source, f"the answer from {url} is JSON but not an object: {text[:80]!r}")
    return body


def _short(url: str) -> str:
    """A URL without its query string: enough to say which endpoint failed."""
    return url.split("?", 1)[0]


def _reason(error: Exception) -> str:
    reason = error.args[0] if error.args else error
    reason = getattr(reason, "reason", reason)
    return str(reason).split(": ", 1)[-1][:200]


def field(source: str, body: dict, *keys, kind=None, where: str = ""):
    """body[keys[0]][keys[1]]...; a missing key or a value of the wrong type is a malformed answer."""
    value = body
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise SourceError(source, f"malformed answer{where}: no '{'.'.join(map(str, keys))}'")
        value = value[key]
    if kind is not None and not isinstance(value, kind):
        raise SourceError(source, f"malformed answer{where}: '{'.'.join(map(str, keys))}' is "
                          f"{type(value).__name__}, expected {_names(kind)}")
    return value


def _names(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def text(source: str, value, where: str = "") -> str:
    """A text field of an answer: a string or a number (as text); empty when absent. Anything else (a list, an
    object) is a malformed answer, not something to print into a cell."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SourceError(source, f"malformed answer{where}: a text field is {type(value).__name__}")
    return str(value).strip()
