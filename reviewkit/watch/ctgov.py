"""ClinicalTrials.gov API v2: new registrations matching the strategy (paged with pageToken), and the current
status of each registry id the book's data holds."""

from __future__ import annotations

from . import http
from .http import SourceError
from .records import Record, norm_nct

SOURCE = "ctgov"
PAGE = 100
MAX_PAGES = 200
FIELDS = ",".join(["protocolSection.identificationModule", "protocolSection.statusModule",
                   "protocolSection.sponsorCollaboratorsModule", "hasResults"])


def search(http_session, query: str, since: str, until: str) -> tuple[list[Record], str]:
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
            return records, term
    raise SourceError(SOURCE, f"more than {MAX_PAGES} pages of results: narrow the query in the search strategy")


def _record(study) -> Record:
    if not isinstance(study, dict):
        raise SourceError(SOURCE, "malformed answer (studies): a study is not an object")
    ident = http.field(SOURCE, study, "protocolSection", "identificationModule", kind=dict, where=" (study)")
    nct = norm_nct(ident.get("nctId"))
    if not nct:
        raise SourceError(SOURCE, f"malformed answer (study): nctId {ident.get('nctId')!r} is not NCT + 8 digits")
    section = study["protocolSection"]
    status = section.get("statusModule") or {}
    first = str((status.get("studyFirstPostDateStruct") or {}).get("date") or "")
    sponsor = ((section.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}).get("name") or ""
    return Record(sources=[SOURCE], title=str(ident.get("briefTitle") or ident.get("officialTitle") or "").strip(),
                  authors=str(sponsor), journal="ClinicalTrials.gov registration",
                  year=first[:4] if first[:4].isdigit() else "", nct_id=nct)


def status(http_session, registry_id: str) -> dict:
    """The registry record's overall status, last update posted and whether results are posted."""
    body = http.get_json(http_session, SOURCE, f"studies/{registry_id}",
                         params={"format": "json", "fields": FIELDS}, allow_404=True)
    if body is None:
        raise SourceError(SOURCE, f"no study {registry_id} in the registry: correct the registry id in the data")
    where = f" (study {registry_id})"
    module = http.field(SOURCE, body, "protocolSection", "statusModule", kind=dict, where=where)
    overall = http.field(SOURCE, module, "overallStatus", kind=str, where=where)
    updated = str((module.get("lastUpdatePostDateStruct") or {}).get("date") or "")
    results = body.get("hasResults", False)
    if not isinstance(results, bool):
        raise SourceError(SOURCE, f"malformed answer{where}: hasResults is not true or false")
    return {"overall_status": overall, "last_update_posted": updated, "results_posted": results}
