"""One run of the evidence surveillance: search every source, watch what the book cites, then write all the
changed tables at once. Any failure before the writing leaves every file as it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reviewkit.model import bibliography, paths, schema
from reviewkit.watch import crossref, ctgov, europepmc, http, log_tables, pubmed, strategy
from reviewkit.model import registries
from reviewkit.watch.candidates import Record, new_candidates, norm_doi, norm_nct, norm_pmid

LOG, SEARCHES, NOTICES, REGISTRY = "screening_log", "searches", "notices", "registry_status"
ABSTRACTS, COVERAGE = "abstracts", "watch_coverage"
# A search that returns nothing where the previous search of the same source returned at least this many is
# reported as doubtful (a broken query looks like a quiet week).
EMPTY_AFTER = 5


class ConfigError(Exception):
    """The run is not configured (nothing was asked of any source)."""


@dataclass
class Summary:
    searches: list[dict] = field(default_factory=list)
    new_records: list[dict] = field(default_factory=list)
    removed: int = 0
    unidentified: list[str] = field(default_factory=list)  # reports with no DOI, PMID, NCT or source id: skipped
    new_notices: list[dict] = field(default_factory=list)
    status_changes: list[str] = field(default_factory=list)
    coverage: list[dict] = field(default_factory=list)  # rows of data/watch_coverage.csv, this run's
    doubts: list[str] = field(default_factory=list)  # searches whose result may not be trusted, and why
    written: list[str] = field(default_factory=list)

    @property
    def not_watched(self) -> list[dict]:
        return [row for row in self.coverage if row["outcome"] != "checked"]


def cited_dois() -> dict[str, tuple[str, str]]:
    """Normalised DOI -> (BibTeX key, DOI as written) for every entry of references.bib with a DOI."""
    found = {}
    for entry in bibliography.parse().entries:
        doi = entry.fields_dict.get("doi")
        if doi is not None and str(doi.value).strip():
            found[norm_doi(str(doi.value))] = (entry.key, str(doi.value).strip())
    return found


def known_identifiers(log_rows: list[dict]) -> set[str]:
    known = {f"doi:{doi}" for doi in cited_dois()}
    for entry in bibliography.parse().entries:
        pmid = entry.fields_dict.get("pmid")
        if pmid is not None and norm_pmid(str(pmid.value)):
            known.add(f"pmid:{norm_pmid(str(pmid.value))}")
    known |= {f"nct:{norm_nct(i)}" for i in log_tables.registry_ids() if norm_nct(i)}
    for row in log_rows:
        known |= Record(sources=[], doi=row.get("doi", ""), pmid=row.get("pmid", ""),
                        nct_id=row.get("nct_id", "")).keys()
        known.add("record:" + row.get("record_id", ""))
    return known


def window_start(search_rows: list[dict], source: str, today: str, default: str) -> str:
    """The day after which this source has not been searched: its last search before today (a re-run on
    the same day repeats that day's search)."""
    earlier = [r["date"] for r in search_rows if r.get("source") == source and r.get("date", "") < today]
    return max(earlier) if earlier else default


def run(today: dt.date, *, dry_run: bool = False) -> Summary:
    plan = strategy.load()
    contact = strategy.contact(plan)
    if not contact:
        raise ConfigError("no contact e-mail is configured, so no source was asked anything. NCBI (PubMed) and "
                          "Crossref ask every client for one: set REVIEWKIT_CONTACT_EMAIL=you@example.org in the "
                          "environment (in the weekly workflow, the repository variable of that name), or "
                          "contact_email in " + strategy.STRATEGY_FILE)
    day = today.isoformat()
    log_header, log_rows = log_tables.read(LOG)
    search_header, search_rows = log_tables.read(SEARCHES)
    summary = Summary()

    # 1. Everything from the network first.
    session = http.session(contact)
    found: list[Record] = []
    for source in strategy.SEARCH_SOURCES:
        since = window_start(search_rows, source, day, plan["start_date"].isoformat())
        query = strategy.query(plan, source)
        if source == "pubmed":
            records, sent, said = pubmed.search(query, since, day, contact, http.deadline(session, source))
        elif source == "europepmc":
            records, sent, said = europepmc.search(session, query, since, day)
        else:
            records, sent, said = ctgov.search(session, query, since, day)
        found += records
        doubt = doubts(search_rows, source, day, len(records), said)
        if doubt:
            summary.doubts.append(f"{source}: {doubt}")
        summary.searches.append({"search_id": f"{day}-{source}", "source": source, "date": day,
                                 "window_start": since, "window_end": day, "query": sent,
                                 "records_identified": str(len(records)), "doubt": doubt, "note": ""})
    dois = cited_dois()
    reported = {doi: crossref.notices(session, written) for doi, (_, written) in sorted(dois.items())}
    statuses = {}
    for registry_id in log_tables.registry_ids():
        registry = registries.registry_of(registry_id)
        if registry is not None and registry.watched_by == "ctgov":
            statuses[registry_id] = ctgov.status(session, registry_id)
    summary.coverage = coverage_rows(reported, dois, statuses, day)
    statuses = {k: v for k, v in statuses.items() if v is not None}

    # 2. Then the new state of every table, computed in memory.
    summary.unidentified = [f"{'; '.join(r.sources)}: {r.title[:80] or '(no title)'}" for r in found if not r.keys()]
    fresh, summary.removed = new_candidates(found, known_identifiers(log_rows))
    summary.new_records = [_log_row(record, day) for record in fresh]
    ids = {r["search_id"] for r in summary.searches}
    search_rows = [r for r in search_rows if r.get("search_id") not in ids] + summary.searches
    abstracts_header, abstract_rows = log_tables.read(ABSTRACTS)
    stored = {row["record_id"] for row in abstract_rows}
    new_abstracts = [{"record_id": record.record_id(), "kind": record.abstract_source, "text": record.abstract,
                      "date_fetched": day} for record in fresh if record.abstract and record.record_id() not in stored]
    texts = {
        schema.resource_path(LOG): log_tables.append(LOG, log_header, summary.new_records),
        schema.resource_path(ABSTRACTS): log_tables.serialise(abstracts_header, sorted(
            abstract_rows + new_abstracts, key=lambda row: row["record_id"])),
        schema.resource_path(COVERAGE): log_tables.serialise(log_tables.read(COVERAGE)[0], summary.coverage),
        schema.resource_path(SEARCHES): log_tables.serialise(search_header, search_rows),
        schema.resource_path(NOTICES): _notices_text(reported, dois, day, summary),
        schema.resource_path(REGISTRY): _registry_text(statuses, day, summary),
    }
    if not dry_run:
        summary.written = [paths.relative(p) for p in log_tables.write_all(texts)]
    return summary


def _log_row(record: Record, day: str) -> dict:
    doi = record.doi.strip()
    note = ""
    if doi and not bibliography.DOI_PATTERN.match(doi):
        note, doi = f"DOI as the source gave it (not a valid DOI): {doi}. ", ""
    if record.other_id and not (doi or norm_pmid(record.pmid)):
        note += f"Europe PMC id: {record.other_id}."
    return {"record_id": record.record_id(), "sources": "; ".join(record.sources), "date_found": day,
            "title": " ".join(record.title.split()) or "(no title given by the source)",
            "authors": record.authors, "journal": record.journal, "year": record.year, "doi": doi,
            "pmid": norm_pmid(record.pmid), "nct_id": norm_nct(record.nct_id), "note": note.strip()}


def doubts(search_rows: list[dict], source: str, day: str, found: int, said: list[str]) -> str:
    """Why this search's count may not be trusted ('' when nothing is doubtful): the source said it could not
    use part of the query, or it found nothing where its previous search found many."""
    reasons = list(said)
    earlier = sorted((r for r in search_rows if r.get("source") == source and r.get("date", "") < day),
                     key=lambda r: r["date"])
    previous = earlier[-1].get("records_identified", "") if earlier else ""
    if found == 0 and previous.isdigit() and int(previous) >= EMPTY_AFTER:
        reasons.append(f"0 records where the previous search ({earlier[-1]['date']}) returned {previous}: "
                       "check the query before trusting an empty week")
    return "; ".join(reasons)


def coverage_rows(reported: dict, dois: dict, statuses: dict, day: str) -> list[dict]:
    """Per cited work and registry id: checked, not found, or not watched (and why)."""
    rows = []
    for doi, (key, written) in sorted(dois.items()):
        found = reported.get(doi)
        rows.append({"watched_id": f"doi:{doi}", "reference": key, "watched_by": "crossref",
                     "outcome": "not_found" if found is None else "checked", "checked": day,
                     "note": "Crossref does not know this DOI (registered with another agency, or mistyped): "
                             "notices about the work are not watched" if found is None else ""})
    cited = set(key for key, _ in dois.values())
    for entry in bibliography.parse().entries:
        if entry.key not in cited:
            rows.append({"watched_id": f"reference:{entry.key}", "reference": entry.key, "watched_by": "",
                         "outcome": "not_watched", "checked": day,
                         "note": "no DOI in references.bib: notices about the work are not watched"})
    for registry_id in log_tables.registry_ids():
        registry = registries.registry_of(registry_id)
        if registry_id in statuses:
            found = statuses[registry_id] is not None
            rows.append({"watched_id": f"registry:{registry_id}", "reference": "", "watched_by": "ctgov",
                         "outcome": "checked" if found else "not_found", "checked": day,
                         "note": "" if found else "ClinicalTrials.gov has no study with this id: correct the "
                                                  "registry id in the data"})
        else:
            rows.append({"watched_id": f"registry:{registry_id}", "reference": "", "watched_by": "",
                         "outcome": "not_watched", "checked": day,
                         "note": (f"{registry.name}: {registry.why_not}" if registry else
                                  "not an id format of a registry the book knows")})
    return sorted(rows, key=lambda row: row["watched_id"])


def _notices_text(reported: dict, dois: dict, day: str, summary: Summary) -> str:
    header, rows = log_tables.read(NOTICES)
    by_id = {row["notice_id"]: row for row in rows}
    for doi, notices in reported.items():
        key, written = dois[doi]
        if notices is None:
            continue  # not found: recorded in data/watch_coverage.csv
        for notice in notices:
            notice_id = notice["notice_id"] if notice["notice_doi"] else f"{doi}#{notice['notice_id']}"
            row = by_id.get(notice_id)
            if row is None:
                row = {"notice_id": notice_id, "reference": key, "doi": written, "kind": notice["kind"],
                       "update_type": notice["update_type"], "notice_doi": notice["notice_doi"],
                       "published": notice["published"], "found_by": "crossref",
                       "note": "Found by a live Crossref query" + (f" ({notice['origin']} record)" if notice["origin"] else "")
                       + (f"; labelled '{notice['label']}'" if notice["label"] else "") + "."}
                rows.append(row)
                by_id[notice_id] = row
                summary.new_notices.append(row)
            elif "crossref" not in row.get("found_by", ""):
                row["found_by"] = row["found_by"] + "; crossref"
            row["checked"] = day
    return log_tables.serialise(header, rows)


def _registry_text(statuses: dict, day: str, summary: Summary) -> str:
    header, rows = log_tables.read(REGISTRY)
    by_id = {row["registry_id"]: row for row in rows}
    for registry_id, status in statuses.items():
        old = by_id.get(registry_id, {})
        new = {"registry_id": registry_id, "overall_status": status["overall_status"],
               "last_update_posted": status["last_update_posted"],
               "results_posted": "true" if status["results_posted"] else "false", "checked": day,
               "read_on": "ClinicalTrials.gov", "source": "ClinicalTrials.gov API v2", "note": ""}
        changed = [c for c in ("overall_status", "last_update_posted", "results_posted") if old.get(c) != new[c]]
        if changed:
            summary.status_changes.append(f"{registry_id}: " + ", ".join(
                f"{c} {old.get(c) or '(none)'} -> {new[c] or '(none)'}" for c in changed))
        by_id[registry_id] = new
    return log_tables.serialise(header, [by_id[k] for k in sorted(by_id)])
