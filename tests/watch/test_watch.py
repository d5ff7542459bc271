"""`reviewkit watch` against fixture servers on 127.0.0.1 that answer in each source's documented format.
No test touches the network."""

from __future__ import annotations

import csv
import io
import socket

import pytest

import watch_server
from conftest import snapshot
from helpers import add_registry_id
from reviewkit import cli
from reviewkit.watch import europepmc, http, pubmed

TODAY, NEXT_WEEK = "2026-12-07", "2026-12-14"
SOURCES = ("pubmed", "europepmc", "ctgov", "crossref")


def rows(root, name):
    return list(csv.DictReader(io.StringIO((root / "data" / f"{name}.csv").read_text(encoding="utf-8"))))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def watch(book, monkeypatch, capsys):
    """A copy of the book, a fixture server for every source, and a runner of `reviewkit watch`."""
    scenario = watch_server.Scenario()
    server, base = watch_server.start(scenario)
    for source in SOURCES:
        monkeypatch.setenv(f"REVIEWKIT_{source.upper()}_URL", f"{base}/{source}/")
    monkeypatch.setenv("REVIEWKIT_CONTACT_EMAIL", "watch-tests@example.org")
    # With a key, Bio.Entrez spaces requests 0.1 s apart instead of 0.34 s (NCBI's limits): the runs wait less.
    monkeypatch.setenv("NCBI_API_KEY", "fixture-key")
    # Small pages, so the fixtures exercise pagination; quick retries and timeouts, so failures fail fast.
    monkeypatch.setattr(pubmed, "PAGE", 2)
    monkeypatch.setattr(europepmc, "PAGE", 2)
    monkeypatch.setattr(http, "BACKOFF", 0.01)
    monkeypatch.setattr(http, "READ_TIMEOUT", 1)
    monkeypatch.setattr(pubmed, "RETRY_SLEEP", 0.01)
    monkeypatch.setattr(pubmed, "TIMEOUT", 1)

    def run(today=TODAY, *extra):
        code = cli.main(["watch", "--today", today, *extra])
        out, err = capsys.readouterr()
        return code, out, err

    run.scenario, run.root, run.base = scenario, book, base
    yield run
    server.shutdown()


def test_first_run_appends_exactly_the_new_deduplicated_candidates(watch):
    before = rows(watch.root, "screening_log")
    code, out, err = watch()
    assert code == 0, err
    log = rows(watch.root, "screening_log")
    assert log[:len(before)] == before, "existing rows are kept as they were"
    added = {row["record_id"]: row for row in log[len(before):]}
    # Known already: PMID 40571757 and NCT04581473 (the sweep's rows), the DOI of nieto2025allogeneic (bib).
    assert set(added) == {"pmid41000001", "pmid41000002", "pmid41000003", "doi-10-1101-2026-12-01-000001",
                          "nct07000001"}
    assert added["pmid41000002"]["sources"] == "pubmed; europepmc", "found twice, one candidate"
    assert added["pmid41000001"]["doi"] == "10.1136/jitc-2026-000001"
    assert added["pmid41000001"]["authors"] == "Doe J, Roe R, Poe P, et al."
    assert added["nct07000001"]["nct_id"] == "NCT07000001"
    assert all(r["date_found"] == TODAY and not r["evidence_id"] for r in added.values()), "new: not yet decided"
    assert "new candidates for the screening log: 5" in out


def test_searches_cover_the_window_since_the_last_search_with_pagination(watch):
    assert watch()[0] == 0
    pubmed_search = [q for path, q in watch.scenario.calls("pubmed") if path == "esearch.fcgi"]
    assert [q["retstart"] for q in pubmed_search] == ["0", "2"], "two pages of ids"
    assert pubmed_search[0]["mindate"] == "2025/05/10" and pubmed_search[0]["maxdate"] == "2026/12/07"
    assert pubmed_search[0]["email"] == "watch-tests@example.org" and pubmed_search[0]["retmode"] == "json"
    cursors = [q["cursorMark"] for path, q in watch.scenario.calls("europepmc")]
    assert cursors == ["*", "AoIIQKfYxyg0MTAwMDAwMg=="]
    tokens = [q.get("pageToken") for path, q in watch.scenario.calls("ctgov") if path == "studies"]
    assert tokens == [None, "NF0g5JGBlPMu"]
    searches = {r["search_id"]: r for r in rows(watch.root, "searches")}
    assert searches[f"{TODAY}-pubmed"]["records_identified"] == "4"
    assert searches[f"{TODAY}-europepmc"]["window_start"] == "2025-05-10"
    assert "FIRST_PDATE:[2025-05-10 TO 2026-12-07]" in searches[f"{TODAY}-europepmc"]["query"]

    watch.scenario.requests.clear()
    assert watch(NEXT_WEEK)[0] == 0
    again = [q for path, q in watch.scenario.calls("pubmed") if path == "esearch.fcgi"]
    assert again[0]["mindate"] == "2026/12/07", "the next search starts where the last one ended"


def test_second_run_adds_nothing(watch):
    assert watch()[0] == 0
    same_day = snapshot(watch.root)
    code, out, _ = watch()
    assert code == 0 and snapshot(watch.root) == same_day, "a re-run on the same day changes no byte"
    assert "new candidates for the screening log: 0" in out and "nothing changed" in out
    log = (watch.root / "data" / "screening_log.csv").read_bytes()
    assert watch(NEXT_WEEK)[0] == 0
    assert (watch.root / "data" / "screening_log.csv").read_bytes() == log, "a later run adds no known record"


def test_no_hits_anywhere_adds_no_candidate(watch):
    watch.scenario.empty()
    log = (watch.root / "data" / "screening_log.csv").read_bytes()
    code, out, _ = watch()
    assert code == 0 and "new candidates for the screening log: 0" in out
    assert (watch.root / "data" / "screening_log.csv").read_bytes() == log
    assert {r["records_identified"] for r in rows(watch.root, "searches") if r["date"] == TODAY} == {"0"}


def test_crossref_notices_reach_the_notices_table(watch):
    from reviewkit.model import bibliography

    other = next(e for e in bibliography.parse().entries if e.key != "nieto2025allogeneic" and "doi" in e.fields_dict)
    doi = str(other.fields_dict["doi"].value)
    watch.scenario.updates[doi.lower()] = watch_server.fixture("crossref_updates_retraction.json")
    code, out, _ = watch()
    assert code == 0
    notices = {r["notice_id"]: r for r in rows(watch.root, "notices")}
    correction = notices["10.1038/s41591-025-03852-y"]
    assert correction["found_by"] == "sweep; crossref" and correction["checked"] == TODAY
    assert correction["published"] == "2025-08", "the sweep's row keeps what it recorded"
    retraction = notices["10.9999/retraction.2027.001"]
    assert (retraction["reference"], retraction["kind"], retraction["published"]) == (other.key, "retraction", "2027-01")
    assert f"! {other.key}: retraction" in out


def test_registry_status_of_every_registry_id_is_refreshed(watch):
    add_registry_id(watch.root, 1, "NCT04074746")
    code, out, _ = watch()
    assert code == 0
    status = {r["registry_id"]: r for r in rows(watch.root, "registry_status")}["NCT04074746"]
    assert (status["overall_status"], status["last_update_posted"], status["results_posted"], status["checked"]) == (
        "COMPLETED", "2026-10-15", "true", TODAY)
    assert status["source"] == "ClinicalTrials.gov API v2"
    assert "registry: NCT04074746: " in out and "results_posted false -> true" in out
    watch.scenario.missing.add("NCT09999999")
    add_registry_id(watch.root, 1, "NCT09999999")
    code, out, err = watch()
    assert code == 0, err
    assert "NOT FOUND: NCT09999999 (ClinicalTrials.gov has no study with this id" in out
    coverage = {r["watched_id"]: r for r in rows(watch.root, "watch_coverage")}
    assert coverage["registry:NCT09999999"]["outcome"] == "not_found"
    assert "NCT09999999" not in {r["registry_id"] for r in rows(watch.root, "registry_status")}


MALFORMED = {
    "not json": b"<html><body>Service temporarily unavailable</body></html>",
    "truncated": b'{"esearchresult": {"count": "3", "idlist": ["41',
    "wrong shape": b'{"unexpected": []}',
}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("failure", ["http 500", "not json", "truncated", "wrong shape", "unreachable"])
def test_a_failing_source_stops_the_run_and_changes_no_file(watch, monkeypatch, source, failure):
    before = snapshot(watch.root)
    if failure == "http 500":
        watch.scenario.fail(source, "status", 500)
    elif failure == "unreachable":
        monkeypatch.setenv(f"REVIEWKIT_{source.upper()}_URL", f"http://127.0.0.1:{closed_port()}/")
    else:
        watch.scenario.fail(source, "body", MALFORMED[failure])
    code, out, err = watch()
    assert code == 1
    assert err.startswith(f"reviewkit watch: {http.NAMES[source]}: ")
    assert "Nothing was written" in err and "Traceback" not in err
    assert snapshot(watch.root) == before, "every file is as it was"
    if failure == "http 500" and source != "pubmed":
        assert len(watch.scenario.calls(source)) == http.RETRIES + 1, "retried before giving up"


def test_a_silent_source_times_out(watch, monkeypatch):
    monkeypatch.setattr(http, "READ_TIMEOUT", 0.25)  # the source never answers: any bound is exceeded
    before = snapshot(watch.root)
    watch.scenario.fail("europepmc", "silent")
    code, _, err = watch()
    assert code == 1 and "Europe PMC" in err and snapshot(watch.root) == before


def test_every_source_unreachable(watch, monkeypatch):
    before = snapshot(watch.root)
    for source in SOURCES:
        monkeypatch.setenv(f"REVIEWKIT_{source.upper()}_URL", f"http://127.0.0.1:{closed_port()}/")
    code, _, err = watch()
    assert code == 1 and "cannot reach" in err and snapshot(watch.root) == before


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limits_and_outages_are_retried(watch, status):
    watch.scenario.fail("europepmc", "status", status, times=1)
    watch.scenario.fail("ctgov", "status", status, times=2)
    code, _, err = watch()
    assert code == 0, err
    assert len(watch.scenario.calls("europepmc")) == 3, "one refusal, then two pages"


def test_pubmed_server_errors_are_retried_by_entrez(watch):
    watch.scenario.fail("pubmed", "status", 500, times=1)
    code, _, err = watch()
    assert code == 0, err


def test_without_a_contact_address_nothing_is_searched(watch, monkeypatch):
    monkeypatch.delenv("REVIEWKIT_CONTACT_EMAIL")
    before = snapshot(watch.root)
    code, _, err = watch()
    assert code == 1 and "REVIEWKIT_CONTACT_EMAIL" in err and not watch.scenario.requests
    assert "no contact e-mail is configured" in err
    assert "PubMed:" not in err and "again later" not in err, "a missing setting is not an outage"
    assert snapshot(watch.root) == before


def test_dry_run_writes_nothing(watch):
    before = snapshot(watch.root)
    code, out, _ = watch(TODAY, "--dry-run")
    assert code == 0 and "new candidates for the screening log: 5" in out and "dry run" in out
    assert snapshot(watch.root) == before


def test_a_broken_strategy_is_reported_with_its_line(watch):
    path = watch.root / "surveillance" / "search-strategy.yml"
    path.write_text(path.read_text().replace("start_date: 2025-05-10", "start_date: soon"))
    before = snapshot(watch.root)
    code, _, err = watch()
    assert code == 1 and "surveillance/search-strategy.yml:" in err and "start_date" in err
    assert not watch.scenario.requests and snapshot(watch.root) == before


def test_titles_lose_their_markup_and_keep_their_letters(watch):
    assert watch()[0] == 0
    log = {row["record_id"]: row for row in rows(watch.root, "screening_log")}
    # esummary escapes the tags once more (&lt;sup&gt;); the letters outside ASCII stay as they are.
    assert log["pmid41000003"]["title"] == ("EGFR-armed CD16+ T cells in vivo with chemotherapy in pancreatic "
                                            "cancer (Müller & Zhāng).")
    assert not any("<" in row["title"] or "&lt;" in row["title"] for row in log.values())


def test_abstracts_are_stored_by_record_apart_from_the_log(watch):
    assert watch()[0] == 0
    abstracts = {row["record_id"]: row for row in rows(watch.root, "abstracts")}
    assert abstracts["pmid41000001"]["kind"] == "PubMed abstract"
    assert abstracts["pmid41000001"]["text"].startswith("BACKGROUND: HER2 BATs were given")
    assert "CD16+ cells rose in vivo" in abstracts["pmid41000001"]["text"]
    assert abstracts["pmid41000002"]["kind"] == "Europe PMC abstract", "PubMed had none; Europe PMC's is kept"
    assert "<" not in abstracts["pmid41000002"]["text"] and "in vivo" in abstracts["pmid41000002"]["text"]
    assert abstracts["nct07000001"]["kind"] == "ClinicalTrials.gov brief summary"
    log_ids = {row["record_id"] for row in rows(watch.root, "screening_log")}
    assert set(abstracts) <= log_ids
    assert "HER2 BATs" not in (watch.root / "data" / "screening_log.csv").read_text(encoding="utf-8")
    assert [q for path, q in watch.scenario.calls("pubmed") if path == "efetch.fcgi"]


def test_a_long_retry_after_is_capped(watch, monkeypatch):
    monkeypatch.setattr(http, "MAX_WAIT", 0)
    watch.scenario.retry_after = "3600"
    watch.scenario.fail("europepmc", "status", 429, times=1)
    code, _, err = watch()
    assert code == 0, err
    assert len(watch.scenario.calls("europepmc")) == 3, "retried at once instead of waiting an hour"


def test_retry_after_is_capped_by_the_retry_policy():
    from urllib3 import HTTPResponse

    retry = http.session().get_adapter("https://example.org").max_retries
    assert isinstance(retry, http.BoundedRetry)
    answer = HTTPResponse(status=429, headers={"Retry-After": "3600"})
    assert retry.get_retry_after(answer) == http.MAX_WAIT
    assert retry.new(total=1).get_retry_after(answer) == http.MAX_WAIT, "every retry keeps the cap"


@pytest.mark.parametrize("source", SOURCES)
def test_a_source_that_drips_its_answer_meets_its_deadline(watch, monkeypatch, source):
    monkeypatch.setitem(http.DEADLINES, source, 1)
    before = snapshot(watch.root)
    watch.scenario.fail(source, "drip")
    code, _, err = watch()
    assert code == 1 and err.startswith(f"reviewkit watch: {http.NAMES[source]}: ")
    assert "deadline of 1 s" in err and "Traceback" not in err
    assert snapshot(watch.root) == before


def test_unknown_dois_and_unwatched_ids_are_recorded_and_reported(watch):
    from reviewkit.model import bibliography

    entry = next(e for e in bibliography.parse().entries if "doi" in e.fields_dict)
    doi = str(entry.fields_dict["doi"].value).lower()
    watch.scenario.unknown_dois.add(doi)
    add_registry_id(watch.root, 1, "ChiCTR2000012345")
    code, out, err = watch()
    assert code == 0, err
    coverage = {r["watched_id"]: r for r in rows(watch.root, "watch_coverage")}
    assert coverage[f"doi:{doi}"]["outcome"] == "not_found" and coverage[f"doi:{doi}"]["reference"] == entry.key
    assert f"NOT FOUND: {doi} (Crossref does not know this DOI" in out
    assert coverage["registry:ChiCTR2000012345"]["outcome"] == "not_watched"
    assert "Chinese Clinical Trial Registry" in coverage["registry:ChiCTR2000012345"]["note"]
    assert "not watched: ChiCTR2000012345" in out
    others = [r for key, r in coverage.items() if key.startswith("doi:") and key != f"doi:{doi}"]
    assert others and all(r["outcome"] == "checked" and r["watched_by"] == "crossref" for r in others)
    for row in rows(watch.root, "watch_coverage"):
        assert row["checked"] == TODAY


def test_ncbi_phrases_not_found_make_the_search_doubtful(watch):
    watch.scenario.ncbi_warnings = {"phrasesnotfound": ["pre-complexd"]}
    code, out, _ = watch()
    assert code == 0
    search = {r["search_id"]: r for r in rows(watch.root, "searches")}[f"{TODAY}-pubmed"]
    assert search["doubt"] == "phrases not found: pre-complexd"
    assert "DOUBT pubmed: phrases not found: pre-complexd" in out
    assert {r["doubt"] for r in rows(watch.root, "searches") if r["source"] != "pubmed"} == {""}


def test_an_empty_week_after_a_full_one_is_doubtful(watch, monkeypatch):
    from reviewkit.watch import surveillance

    monkeypatch.setattr(surveillance, "EMPTY_AFTER", 2)
    assert watch()[0] == 0
    watch.scenario.empty()
    code, out, _ = watch(NEXT_WEEK)
    assert code == 0
    searches = {r["search_id"]: r for r in rows(watch.root, "searches")}
    assert searches[f"{NEXT_WEEK}-pubmed"]["doubt"].startswith(f"0 records where the previous search ({TODAY}) returned 4")
    assert "DOUBT pubmed: 0 records" in out
    assert searches[f"{TODAY}-pubmed"]["doubt"] == "", "a full week is not doubtful"


@pytest.mark.parametrize("source, body", [
    ("pubmed", b'{"esearchresult": {"count": "many", "idlist": []}}'),
    ("pubmed", b'{"esearchresult": {"count": "1", "idlist": ["<script>"]}}'),
    ("europepmc", b'{"resultList": {"result": [{"id": "1", "source": "MED", "title": ["a", "list"]}]}}'),
    ("ctgov", b'{"studies": [{"protocolSection": {"identificationModule": {"nctId": "NCT07000009"}, '
              b'"statusModule": "recruiting"}}]}'),
    ("ctgov", b'{"studies": [], "nextPageToken": 7}'),
])
def test_every_answer_is_validated(watch, source, body):
    before = snapshot(watch.root)
    watch.scenario.fail(source, "body", body)
    code, _, err = watch()
    assert code == 1 and "malformed answer" in err and "Traceback" not in err
    assert snapshot(watch.root) == before


def test_a_report_without_any_identifier_is_reported_not_silently_dropped(watch):
    page = watch_server.fixture("europepmc_page2.json")
    page["resultList"]["result"].append({"title": "A record with <i>no</i> identifier", "source": "MED"})
    watch.scenario.europepmc_pages = [watch_server.fixture("europepmc_page1.json"), page]
    code, out, err = watch()
    assert code == 0, err
    assert "SKIPPED (no identifier to screen or de-duplicate it by): europepmc: A record with no identifier" in out
    assert "new candidates for the screening log: 5" in out, "the others are screened as before"
