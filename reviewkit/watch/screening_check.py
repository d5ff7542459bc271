"""`make check` rules of the screening log that a table schema cannot express.

- an included record links to an existing evidence row (evidence_table: a table of the data package that has
  a primary key; evidence_id: a value of that key);
- an excluded record gives a reason (the schema holds the vocabulary), `other` explained in the note;
- a decided record has a date, not before it was found; a pending record has no decision fields yet;
- one record, one row: no two rows share a DOI, PMID or NCT id.
"""

from __future__ import annotations

import csv
import io

from .. import paths, schema
from ..problems import Problem
from .records import norm_doi, norm_nct, norm_pmid

LOG = "screening_log"


def _rows(path) -> list[tuple[int, dict]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def _keys(resource: dict) -> set[str]:
    path = paths.data_dir() / resource["path"]
    key = resource["schema"].get("primaryKey")
    key = key[0] if isinstance(key, list) else key
    if not key or not path.is_file():
        return set()
    return {row.get(key, "") for _, row in _rows(path)}


def surveillance_problems() -> list[Problem]:
    """The search strategy file and the screening log's own rules."""
    from .strategy import problems as strategy_problems

    return strategy_problems() + check_screening_log()


def check_screening_log() -> list[Problem]:
    try:
        resource = schema.resource(LOG)
    except KeyError:
        return []  # a book without surveillance
    path = paths.data_dir() / resource["path"]
    if not path.is_file():
        return []  # reported by the package validation
    name = paths.relative(path)
    tables = {r["name"]: r for r in schema.resources() if r["schema"].get("primaryKey")}
    key_cache: dict[str, set[str]] = {}
    problems: list[Problem] = []
    seen: dict[str, tuple[str, int]] = {}

    def problem(line, field, message, fix):
        problems.append(Problem(name, line, field, message, fix))

    for line, row in _rows(path):
        record, decision = row.get("record_id", ""), row.get("decision", "")
        reason, decided = row.get("exclusion_reason", ""), row.get("date_decided", "")
        table, evidence = row.get("evidence_table", ""), row.get("evidence_id", "")
        if decision == "included":
            if not table or not evidence:
                problem(line, "evidence_id" if table else "evidence_table",
                        f"record '{record}' is included but does not link to its evidence row",
                        "name the table (evidence_table, e.g. updates) and the id of the row that holds its "
                        "evidence (evidence_id, e.g. U11); add that row first if it does not exist")
            elif table not in tables:
                problem(line, "evidence_table", f"record '{record}' links to table '{table}', which "
                        "data/datapackage.json does not declare (or which has no primary key)",
                        "use a table of the data package that holds evidence rows, e.g. "
                        + ", ".join(sorted(t for t in ("updates", "clinical_studies") if t in tables) or sorted(tables)[:3]))
            else:
                keys = key_cache.setdefault(table, _keys(tables[table]))
                if evidence not in keys:
                    problem(line, "evidence_id", f"record '{record}' links to {table} row '{evidence}', "
                            f"which data/{tables[table]['path']} does not have",
                            f"add the evidence row to data/{tables[table]['path']} or correct evidence_id")
            if reason:
                problem(line, "exclusion_reason", f"record '{record}' is included but has a reason for exclusion",
                        "empty exclusion_reason, or set decision to excluded")
        elif decision == "excluded":
            if not reason:
                problem(line, "exclusion_reason", f"record '{record}' is excluded without a reason",
                        "give a reason from the vocabulary in data/datapackage.json (e.g. off_topic, "
                        "not_primary_evidence, no_results_yet)")
            elif reason == "other" and not row.get("note"):
                problem(line, "note", f"record '{record}' is excluded for reason 'other' without saying why",
                        "say why in the note, or use a reason of the vocabulary")
            if table or evidence:
                problem(line, "evidence_id", f"record '{record}' is excluded but links to an evidence row",
                        "empty evidence_table and evidence_id, or set decision to included")
        elif decision == "pending":
            for column in ("exclusion_reason", "date_decided", "evidence_table", "evidence_id"):
                if row.get(column):
                    problem(line, column, f"record '{record}' is pending but {column} is filled in",
                            "set decision to included or excluded, or empty the cell")
        if decision in ("included", "excluded"):
            if not decided:
                problem(line, "date_decided", f"record '{record}' is {decision} without the date of the decision",
                        "write the day of the decision (YYYY-MM-DD) in date_decided")
            elif decided < row.get("date_found", ""):
                problem(line, "date_decided", f"record '{record}' was decided ({decided}) before it was found "
                        f"({row.get('date_found')})", "correct date_decided or date_found")
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
    return problems
