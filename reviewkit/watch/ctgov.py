"""ClinicalTrials.gov API v2: new registrations matching the strategy (paged with pageToken), and the current
status of each registry id the book's data holds."""

from __future__ import annotations

import re

from reviewkit.watch import http
from reviewkit.watch.http import SourceError
from reviewkit.watch.candidates import Record, norm_nct

SOURCE = "ctgov"
PAGE = 100
MAX_PAGES = 200
FIELDS = ",".join(["protocolSection.identificationModule", "protocolSection.statusModule",
                   "protocolSection.sponsorCollaboratorsModule", "protocolSection.descriptionModule", "hasResults"])


def search(http_session, query: str, since: str, until: str) -> tuple[list[Record], str, list[str]]:
    """Studies first posted from ``since`` to ``until`` (inclusive) that match ``query``."""
    term = f"({query}) AND AREA[StudyFirstPostDate]RANGE[{since},{until}]"
    records: list[Record] = []
    token = None
    for _ in range(MAX_PAGES):
        params = {"query.term": term, "pageSize": PAGE, "format": "json", "fields": FIELDS}
        if token:
            params["pageToken"] = token
        body = http.get_json(http_session, SOURCE, "studies", params=params)
        studies = http.field(SOURCE, body, "studies", kind=list, where=" (studies)")
        for study in studies:
            records.append(_record(study))
        token = body.get("nextPageToken")
        if not token:  # the last page has no nextPageToken (a page may be empty)
            return records, term, []
        if not isinstance(token, str):
            raise SourceError(SOURCE, "malformed answer (studies): nextPageToken is not text")
    raise SourceError(SOURCE, f"more than {MAX_PAGES} pages of results: narrow the query in the search strategy")


def _record(study) -> Record:
    if not isinstance(study, dict):
        raise SourceError(SOURCE, "malformed answer (studies): a study is not an object")
    ident = http.field(SOURCE, study, "protocolSection", "identificationModule", kind=dict, where=" (study)")
    nct = norm_nct(ident.get("nctId"))
    if not nct:
        raise SourceError(SOURCE, f"malformed answer (study): nctId {ident.get('nctId')!r} is not NCT + 8 digits")
    where = f" (study {nct})"
    section = study["protocolSection"]
    status, description, sponsors = (_module(section, name, where) for name in
                                      ("statusModule", "descriptionModule", "sponsorCollaboratorsModule"))
    first = http.text(SOURCE, _module(status, "studyFirstPostDateStruct", where).get("date"), where)
    sponsor = http.text(SOURCE, _module(sponsors, "leadSponsor", where).get("name"), where)
    summary = http.text(SOURCE, description.get("briefSummary"), where)
    return Record(sources=[SOURCE], title=http.text(SOURCE, ident.get("briefTitle") or ident.get("officialTitle"), where),
                  authors=sponsor, journal="ClinicalTrials.gov registration",
                  year=first[:4] if first[:4].isdigit() else "", nct_id=nct, abstract=summary,
                  abstract_source="ClinicalTrials.gov brief summary" if summary else "")


def _module(section: dict, name: str, where: str) -> dict:
    value = section.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SourceError(SOURCE, f"malformed answer{where}: {name} is not an object")
    return value


# The overall statuses of the API v2 (the enum of data/registry_status.csv): anything else is a malformed answer.
STATUSES = ("ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING", "RECRUITING",
            "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE",
            "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN")
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def status(http_session, registry_id: str) -> dict | None:
    """The registry record's overall status, last update posted and whether results are posted; None when the
    registry has no such study (recorded as "not found", and reported)."""
    body = http.get_json(http_session, SOURCE, f"studies/{registry_id}",
                         params={"format": "json", "fields": FIELDS}, allow_404=True)
    if body is None:
        return None
    where = f" (study {registry_id})"
    module = http.field(SOURCE, body, "protocolSection", "statusModule", kind=dict, where=where)
    overall = http.field(SOURCE, module, "overallStatus", kind=str, where=where)
    if overall not in STATUSES:
        raise SourceError(SOURCE, f"malformed answer{where}: overallStatus {overall[:40]!r} is not one of the API's")
    updated = http.text(SOURCE, _module(module, "lastUpdatePostDateStruct", where).get("date"), where)
    if updated and not DATE.match(updated):
        raise SourceError(SOURCE, f"malformed answer{where}: lastUpdatePostDate {updated[:40]!r} is not a date")
    results = body.get("hasResults", False)
    if not isinstance(results, bool):
        raise SourceError(SOURCE, f"malformed answer{where}: hasResults is not true or false")
    return {"overall_status": overall, "last_update_posted": updated, "results_posted": results}
