"""`make check` rules of the screening that a table schema cannot express.

The screening log (data/screening_log.csv, one row per record):
- a record linked to an evidence row (evidence_table, evidence_id) is included, and the row exists (a table of
  the data package with a primary key, and a value of that key);
- one record, one row: no two rows share a DOI, PMID or NCT id.

The decisions (data/screening_decisions.csv, the workflow of reviewkit.screening.workflow):
- an exclusion gives a reason valid at its stage (data/exclusion_reasons.csv), `other` explained in the note;
  an inclusion gives none;
- no full-text decision before the record was included on title and abstract, and none dated before it;
- no decision dated before the record was found;
- at most two independent decisions per record and stage; a disagreement is settled by a resolution from a
  third reviewer, and a resolution settles a disagreement;
- a disagreement left unresolved is a problem (the pull request that records it resolves it).

And one warning, not a problem: an included record that has waited more than four weeks without an evidence row
(the Living mode page promises an update within four weeks of a trigger).
"""

from __future__ import annotations

import datetime as dt

from reviewkit.model import keys, paths, records, schema
from reviewkit.model.problems import Problem
from reviewkit.screening import workflow as screening
from reviewkit.watch.candidates import norm_doi, norm_nct, norm_pmid

LOG, DECISIONS, REVIEWERS, REASONS = "screening_log", "screening_decisions", "reviewers", "exclusion_reasons"


def _rows(path) -> list[tuple[int, dict]]:
    """Numbered rows (the line each starts on), cells stripped: the toolkit's one CSV reader."""
    return records.read(path)


def _table(name: str) -> tuple[str, list[tuple[int, dict]]]:
    """(file name, numbered rows) of a resource; no rows when the book has no such resource or file."""
    try:
        path = paths.data_dir() / schema.resource(name)["path"]
    except KeyError:
        return f"data/{name}.csv", []
    return paths.relative(path), (_rows(path) if path.is_file() else [])


def _keys(resource: dict) -> set[keys.Key]:
    """The primary keys present in a table (a foreign key's lookup)."""
    path = paths.data_dir() / resource["path"]
    fields = keys.key_fields(resource)
    if not fields or not path.is_file():
        return set()
    return {keys.key_of(row, fields) for _, row in _rows(path)}


def surveillance_problems() -> list[Problem]:
    """The search strategy file and the screening's own rules."""
    from reviewkit.watch.strategy import problems as strategy_problems

    return strategy_problems() + registry_id_problems() + check_screening_log()


def registry_id_problems() -> list[Problem]:
    """Each id of every registry_ids column has the format of a registry the book knows."""
    from reviewkit.model import registries

    problems = []
    for resource in schema.resources():
        if not any(f["name"] == "registry_ids" for f in resource["schema"]["fields"]):
            continue
        path = paths.data_dir() / resource["path"]
        if not path.is_file():
            continue
        for line, row in _rows(path):
            if not registries.LIST_SHAPE.match(row.get("registry_ids", "")):
                continue  # not a '; '-separated list: the schema's pattern reports it
            for registry_id in registries.split(row.get("registry_ids", "")):
                if registries.registry_of(registry_id) is None:
                    problems.append(Problem(paths.relative(path), line, "registry_ids",
                                            f"'{registry_id}' is not an id of a registry the book knows",
                                            "write it exactly as the registry does: " + registries.formats()))
    return problems


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def load() -> tuple[list[tuple[int, dict]], list[tuple[int, dict]], dict[str, screening.Status]]:
    """(log rows, decision rows, status of every record), each row with its line."""
    _, log = _table(LOG)
    _, decisions = _table(DECISIONS)
    _, reviewers = _table(REVIEWERS)
    legacy = {row["reviewer_id"] for _, row in reviewers if row.get("kind") == "single_legacy"}
    found = screening.statuses([row.get("record_id", "") for _, row in log], [row for _, row in decisions], legacy)
    return log, decisions, found


def overdue(today: dt.date | None = None) -> list[dict]:
    """Included records without an evidence row, oldest first: record_id, title, since (the day of the
    full-text inclusion), days waited, and whether that is past the four weeks promised."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    log, _, found = load()
    waiting = []
    for _, row in log:
        status = found.get(row.get("record_id", ""))
        if status is None or status.final != "included" or row.get("evidence_id"):
            continue
        since = status.stages["full_text"].date
        day = _day(since) or (_day(since + "-01") if len(since) == 7 else None)
        days = (today - day).days if day else None
        waiting.append({"record_id": row["record_id"], "title": row.get("title", ""), "since": since, "days": days,
                        "late": days is not None and days > screening.DEADLINE_DAYS})
    return sorted(waiting, key=lambda w: w["since"])


def warnings(today: dt.date | None = None) -> list[str]:
    """What `make check` warns about without failing."""
    return [f"{paths.relative(paths.data_dir() / schema.resource(LOG)['path'])}: record '{w['record_id']}' was "
            f"included on {w['since']} and has waited {w['days']} days (more than the four weeks the Living mode "
            "page promises) without an evidence row: add it and link it (evidence_table, evidence_id)"
            for w in overdue(today) if w["late"]]


def check_screening_log() -> list[Problem]:
    try:
        resource = schema.resource(LOG)
    except KeyError:
        return []  # a book without surveillance
    path = paths.data_dir() / resource["path"]
    if not path.is_file():
        return []  # reported by the package validation
    name = paths.relative(path)
    tables = {r["name"]: r for r in schema.resources() if keys.key_fields(r)}
    key_cache: dict[str, set[keys.Key]] = {}
    problems: list[Problem] = []
    seen: dict[str, tuple[str, int]] = {}
    log, decisions, found = load()

    def problem(line, field, message, fix, file=name):
        problems.append(Problem(file, line, field, message, fix))

    for line, row in log:
        record = row.get("record_id", "")
        table, evidence = row.get("evidence_table", ""), row.get("evidence_id", "")
        status = found.get(record)
        if table or evidence:
            if status is not None and status.final != "included":
                problem(line, "evidence_id", f"record '{record}' links to an evidence row but is not included "
                        f"({screening.FINAL_WORDS[status.final]})",
                        "record the decisions that include it (data/screening_decisions.csv, both stages), or "
                        "empty evidence_table and evidence_id")
            if not table or not evidence:
                problem(line, "evidence_id" if table else "evidence_table",
                        f"record '{record}' names half of its evidence row",
                        "name the table (evidence_table, e.g. updates) and the id of the row that holds its "
                        "evidence (evidence_id, e.g. U11); add that row first if it does not exist")
            elif table not in tables:
                problem(line, "evidence_table", f"record '{record}' links to table '{table}', which "
                        "data/datapackage.json does not declare (or which has no primary key)",
                        "use a table of the data package that holds evidence rows, e.g. "
                        + ", ".join(sorted(t for t in ("updates", "clinical_studies") if t in tables) or sorted(tables)[:3]))
            else:
                evidence_keys = key_cache.setdefault(table, _keys(tables[table]))
                if not keys.lookup(evidence_keys, evidence):
                    problem(line, "evidence_id", f"record '{record}' links to {table} row '{evidence}', "
                            f"which data/{tables[table]['path']} does not have",
                            f"add the evidence row to data/{tables[table]['path']} or correct evidence_id")
        for kind, value in (("DOI", norm_doi(row.get("doi"))), ("PMID", norm_pmid(row.get("pmid"))),
                            ("NCT id", norm_nct(row.get("nct_id")))):
            if not value:
                continue
            if (kind, value) in seen:
                other, other_line = seen[(kind, value)]
                problem(line, {"DOI": "doi", "PMID": "pmid", "NCT id": "nct_id"}[kind],
                        f"record '{record}' has the {kind} {value} of record '{other}' (line {other_line})",
                        "one record, one row: keep one row and list every source in its `sources`")
            else:
                seen[(kind, value)] = (record, line)
    problems += _decision_problems(log, decisions, found)
    return problems


def _decision_problems(log, decisions, found) -> list[Problem]:
    file, _ = _table(DECISIONS)
    _, reason_rows = _table(REASONS)
    _, reviewer_rows = _table(REVIEWERS)
    legacy = {row["reviewer_id"] for _, row in reviewer_rows if row.get("kind") == "single_legacy"}
    valid = {row["reason"]: set(row.get("stages", "").split("; ")) for _, row in reason_rows}
    found_on = {row.get("record_id", ""): row.get("date_found", "") for _, row in log}
    problems: list[Problem] = []

    def problem(line, field, message, fix):
        problems.append(Problem(file, line, field, message, fix))

    groups: dict[tuple[str, str], list[tuple[int, dict]]] = {}
    for line, row in decisions:
        record, stage, decision = row.get("record_id", ""), row.get("stage", ""), row.get("decision", "")
        reason, date = row.get("reason", ""), row.get("date", "")
        if record not in found_on or stage not in screening.STAGES:
            continue  # an unknown record or stage: the schema's foreign key and vocabulary report it
        groups.setdefault((record, stage), []).append((line, row))
        words = screening.STAGE_WORDS[stage]
        if decision == "exclude" and not reason:
            problem(line, "reason", f"record '{record}' is excluded on {words} without a reason",
                    "give a reason valid at this stage: " + ", ".join(sorted(r for r, s in valid.items() if stage in s)))
        elif decision == "exclude" and reason in valid and stage not in valid[reason]:
            problem(line, "reason", f"reason '{reason}' is not one of the {words} stage",
                    "use one of: " + ", ".join(sorted(r for r, s in valid.items() if stage in s))
                    + " (data/exclusion_reasons.csv lists each reason's stages)")
        elif decision == "exclude" and reason == "other" and not row.get("note"):
            problem(line, "note", f"record '{record}' is excluded for reason 'other' without saying why",
                    "say why in the note, or use a reason of the vocabulary")
        if decision == "include" and reason:
            problem(line, "reason", f"record '{record}' is included on {words} but gives a reason for exclusion",
                    "empty the reason, or set decision to exclude")
        if date and found_on[record] and date < found_on[record]:
            problem(line, "date", f"record '{record}' was decided ({date}) before it was found ({found_on[record]})",
                    "correct the date of the decision, or date_found in data/screening_log.csv")
        if stage == "full_text":
            first = found[record].stages["title_abstract"]
            if first.state != "include":
                problem(line, "stage", f"record '{record}' has a full-text decision but is not included on title "
                        f"and abstract ({screening.FINAL_WORDS[found[record].final]})",
                        "record the title/abstract decisions that include it first, or delete this row")
            elif date and first.date and date < first.date:
                problem(line, "date", f"record '{record}' was decided on its full text ({date}) before it was "
                        f"included on title and abstract ({first.date})", "correct the date of one decision")
    for (record, stage), rows in groups.items():
        words = screening.STAGE_WORDS[stage]
        independent = [(line, row) for line, row in rows if row.get("role") == "independent"]
        resolutions = [(line, row) for line, row in rows if row.get("role") == "resolution"]
        if any(row.get("reviewer") in legacy for _, row in independent):
            continue  # decided alone, before two-reviewer screening
        for line, _ in independent[2:]:
            problem(line, "role", f"record '{record}' has a third independent decision on {words}",
                    "two reviewers decide independently; a third decision settles their disagreement: set its "
                    "role to resolution")
        disagree = len({row.get("decision") for _, row in independent[:2]}) > 1
        deciders = {row.get("reviewer") for _, row in independent}
        for line, row in resolutions:
            if not disagree:
                problem(line, "role", f"record '{record}' has a resolution on {words}, but its two independent "
                        "decisions do not disagree", "a resolution settles a disagreement: set its role to "
                        "independent, or delete it")
            if row.get("reviewer") in deciders:
                problem(line, "reviewer", f"record '{record}' is resolved on {words} by '{row.get('reviewer')}', "
                        "who made one of the two decisions", "a third reviewer resolves a disagreement")
        if disagree and not resolutions:
            (first_line, first), (line, second) = independent[0], independent[1]
            problem(line, "decision", f"reviewers '{first.get('reviewer')}' (line {first_line}: {first.get('decision')}) "
                    f"and '{second.get('reviewer')}' ({second.get('decision')}) disagree on record '{record}' at "
                    f"{words}, and nobody has resolved it",
                    "a third reviewer adds a row with role resolution, the decision and (to exclude) the reason")
    return problems
