"""`make check` rules of the screening (log, two-stage two-reviewer decisions), on copies of the book with fixture
rows, and the PRISMA counts of a made-up weekly batch taken through both stages."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from helpers import add_registry_id, read_rows, write_rows
from reviewkit.checks.run import run_checks

LOG = "data/screening_log.csv"
DECISIONS = "data/screening_decisions.csv"
REVIEWERS = "data/reviewers.csv"


def ensure_evidence_table(root):
    """The sweep's records link to data/updates.csv (update_id); give the copy a minimal one if it has none."""
    package = json.loads((root / "data" / "datapackage.json").read_text())
    if not any(r["name"] == "updates" for r in package["resources"]):
        package["resources"].append({"name": "updates", "path": "updates.csv", "profile": "tabular-data-resource",
                                     "schema": {"fields": [{"name": "update_id", "type": "string"}],
                                                "primaryKey": ["update_id"]}})
        (root / "data" / "datapackage.json").write_text(json.dumps(package, indent=2))
        (root / "data" / "updates.csv").write_text("update_id\n" + "".join(f"U{i:02d}\n" for i in range(1, 11)))


def problems_in(*files):
    return [p for p in run_checks() if p.file in files]


def append(root, file, **cells) -> int:
    rows = read_rows(root / file)
    rows.append([cells.get(column, "") for column in rows[0]])
    write_rows(root / file, rows)
    return len(rows)


def add_record(root, record_id="pmid41000001", **cells) -> int:
    return append(root, LOG, **{"record_id": record_id, "sources": "pubmed", "date_found": "2026-11-07",
                                "title": "A candidate", **cells})


def decide(root, record_id="pmid41000001", stage="title_abstract", reviewer="ab", decision="include",
           role="independent", date="2026-11-08", **cells) -> int:
    return append(root, DECISIONS, record_id=record_id, stage=stage, reviewer=reviewer, role=role,
                  decision=decision, date=date, **cells)


@pytest.fixture
def log_book(book):
    ensure_evidence_table(book)
    for reviewer in ("ab", "cd", "ef"):
        append(book, REVIEWERS, reviewer_id=reviewer, kind="person", name=f"Reviewer {reviewer.upper()}")
    return book


def test_the_books_screening_passes(log_book):
    assert problems_in(LOG, DECISIONS) == []


def test_the_migration_kept_every_decision_of_the_old_log(book):
    """The old log held one decision per sweep record (included): each is now two migrated decisions of the
    sweep's own reviewer (one who decided alone, before two-reviewer screening), and the link to the evidence row
    stayed in the log."""
    log = read_rows(book / LOG)
    decisions = read_rows(book / DECISIONS)
    header = decisions[0]
    legacy = {row[0] for row in read_rows(book / REVIEWERS)[1:] if row[1] == "single_legacy"}
    sweep = [row for row in log[1:] if row[0].startswith("sweep2026-")]
    for row in sweep:
        mine = [dict(zip(header, d)) for d in decisions[1:] if d[0] == row[0]]
        assert {(d["stage"], d["decision"]) for d in mine} == {("title_abstract", "include"), ("full_text", "include")}
        assert len(mine) == 2 and len({d["reviewer"] for d in mine}) == 1 and mine[0]["reviewer"] in legacy
        assert all("Migrated from the screening log" in d["note"] for d in mine)


def test_two_agreeing_reviewers_at_both_stages_include_a_record(log_book):
    add_record(log_book, evidence_table="updates", evidence_id="U03")
    for stage, day in (("title_abstract", "2026-11-08"), ("full_text", "2026-11-10")):
        decide(log_book, stage=stage, reviewer="ab", date=day)
        decide(log_book, stage=stage, reviewer="cd", date=day)
    assert problems_in(LOG, DECISIONS) == []


def test_a_disagreement_resolved_by_a_third_reviewer_passes(log_book):
    add_record(log_book)
    decide(log_book, reviewer="ab", decision="include")
    decide(log_book, reviewer="cd", decision="exclude", reason="off_topic")
    decide(log_book, reviewer="ef", decision="exclude", reason="off_topic", role="resolution", date="2026-11-09")
    assert problems_in(LOG, DECISIONS) == []


INCLUDED = [(who, {"stage": stage}) for stage in ("title_abstract", "full_text") for who in ("ab", "cd")]


@pytest.mark.parametrize("steps, file, field, words", [
    # A link to evidence on a record that is not included.
    ([("record", {"evidence_table": "updates", "evidence_id": "U03"}), ("ab", {}), ("cd", {})],
     LOG, "evidence_id", "is not included (awaiting full-text screening)"),
    # Half a link, a link to a table that is not there (on an included record).
    ([("record", {"evidence_table": "updates"})] + INCLUDED, LOG, "evidence_id", "names half of its evidence row"),
    ([("record", {"evidence_id": "U01"})] + INCLUDED, LOG, "evidence_table", "names half of its evidence row"),
    ([("record", {"evidence_table": "nowhere", "evidence_id": "U01"})] + INCLUDED, LOG, "evidence_table",
     "does not declare"),
    ([("record", {"evidence_table": "updates", "evidence_id": "U99"})] + INCLUDED, LOG, "evidence_id",
     "does not have"),
    ([("record", {"pmid": "40571757"})], LOG, "pmid", "has the PMID 40571757"),
    # Exclusions and their reasons.
    ([("record", {}), ("ab", {"decision": "exclude"})], DECISIONS, "reason", "without a reason"),
    ([("record", {}), ("ab", {"decision": "exclude", "reason": "other"})], DECISIONS, "note", "without saying why"),
    ([("record", {}), ("ab", {"decision": "exclude", "reason": "not_retrieved"})], DECISIONS, "reason",
     "is not one of the title and abstract stage"),
    ([("record", {}), ("ab", {"reason": "off_topic"})], DECISIONS, "reason", "gives a reason for exclusion"),
    ([("record", {}), ("ab", {"date": "2026-11-01"})], DECISIONS, "date", "before it was found"),
    # The workflow.
    ([("record", {}), ("ab", {"stage": "full_text"})], DECISIONS, "stage", "not included on title and abstract"),
    ([("record", {}), ("ab", {}), ("cd", {}), ("ef", {"stage": "full_text", "date": "2026-11-07"})], DECISIONS,
     "date", "before it was included on title and abstract"),
    ([("record", {}), ("ab", {}), ("cd", {"decision": "exclude", "reason": "off_topic"})], DECISIONS, "decision",
     "disagree on record 'pmid41000001' at title and abstract, and nobody has resolved it"),
    ([("record", {}), ("ab", {}), ("cd", {}), ("ef", {})], DECISIONS, "role", "third independent decision"),
    ([("record", {}), ("ab", {}), ("cd", {}), ("ef", {"role": "resolution"})], DECISIONS, "role",
     "do not disagree"),
])
def test_each_rule_names_the_row_and_field(log_book, steps, file, field, words):
    lines = {}
    for who, cells in steps:
        if who == "record":
            lines[LOG] = add_record(log_book, **cells)
        else:
            lines[DECISIONS] = decide(log_book, reviewer=who, **cells)
    line = lines[file]
    problems = problems_in(LOG, DECISIONS)
    assert [(p.file, p.line, p.field) for p in problems] == [(file, line, field)], problems
    assert (words is None or words in problems[0].message) and problems[0].fix


def test_a_row_of_several_lines_is_named_by_the_line_it_starts_on(log_book):
    add_record(log_book)
    decide(log_book, reviewer="ab")
    decide(log_book, reviewer="cd", note="a note\nof two lines")
    start = len((log_book / DECISIONS).read_text(encoding="utf-8").splitlines()) + 1  # the next row's first line
    decide(log_book, reviewer="ef", note="a third\nindependent decision")
    problems = problems_in(DECISIONS)
    assert [(p.line, p.field) for p in problems] == [(start, "role")], problems


def test_the_resolver_is_a_third_reviewer(log_book):
    add_record(log_book)
    decide(log_book, reviewer="ab", decision="include")
    decide(log_book, reviewer="cd", decision="exclude", reason="off_topic")
    line = decide(log_book, reviewer="ab", role="resolution", date="2026-11-09")
    problems = problems_in(DECISIONS)
    assert [(p.line, p.field) for p in problems if p.field == "reviewer"] == [(line, "reviewer")], problems


@pytest.mark.parametrize("cells, field", [
    ({"reviewer": "zz"}, "reviewer"),  # an unknown reviewer
    ({"record_id": "pmid99999999"}, "record_id"),  # a decision about a record the log does not have
    ({"decision": "maybe"}, "decision"),
    ({"stage": "abstract"}, "stage"),
    ({"decision": "exclude", "reason": "boring"}, "reason"),
])
def test_the_schema_rejects_unknown_values(log_book, cells, field):
    add_record(log_book)
    line = decide(log_book, **cells)
    assert any(p.line == line and p.field == field for p in problems_in(DECISIONS)), problems_in(DECISIONS)


def test_an_abstract_for_a_record_the_log_lacks_is_a_problem(log_book):
    line = append(log_book, "data/abstracts.csv", record_id="pmid99999999", kind="PubMed abstract", text="x",
                  date_fetched="2026-11-07")
    assert any(p.line == line and p.field == "record_id" for p in problems_in("data/abstracts.csv"))


def test_links_to_any_table_with_a_primary_key(log_book):
    study = read_rows(log_book / "data" / "clinical_studies.csv")[1][0]
    add_record(log_book, evidence_table="clinical_studies", evidence_id=study)
    for stage in ("title_abstract", "full_text"):
        decide(log_book, stage=stage, reviewer="ab")
        decide(log_book, stage=stage, reviewer="cd")
    assert problems_in(LOG, DECISIONS) == []


def test_an_included_record_without_its_evidence_row_warns_after_four_weeks(log_book):
    from reviewkit.screening.check import overdue, warnings

    add_record(log_book)
    for stage in ("title_abstract", "full_text"):
        decide(log_book, stage=stage, reviewer="ab", date="2026-11-08")
        decide(log_book, stage=stage, reviewer="cd", date="2026-11-08")
    assert problems_in(LOG, DECISIONS) == [], "waiting for its evidence row is not an error"
    assert [w["record_id"] for w in overdue(dt.date(2026, 11, 20))] == ["pmid41000001"]
    assert warnings(dt.date(2026, 12, 6)) == [], "28 days: still within four weeks"
    late = warnings(dt.date(2026, 12, 7))
    assert len(late) == 1 and "pmid41000001" in late[0] and "29 days" in late[0]


def test_without_the_evidence_table_the_check_reports_instead_of_crashing(book):
    package = json.loads((book / "data" / "datapackage.json").read_text())
    package["resources"] = [r for r in package["resources"] if r["name"] != "updates"]
    (book / "data" / "datapackage.json").write_text(json.dumps(package, indent=2))
    problems = problems_in(LOG)
    assert problems and all(p.field == "evidence_table" and "'updates'" in p.message for p in problems)


def test_a_broken_strategy_file_fails_make_check(book):
    path = book / "surveillance" / "search-strategy.yml"
    path.write_text(path.read_text().replace("  - chapters/outlook\n", "  - chapters/no-such-chapter\n"))
    problems = [p for p in run_checks() if p.file == "surveillance/search-strategy.yml"]
    assert len(problems) == 1 and "no-such-chapter" in problems[0].message and problems[0].line


def test_a_weekly_batch_of_two_hundred_goes_through_both_stages(log_book):
    """200 made-up candidates, two reviewers at each stage, disagreements resolved by a third: `make check`
    passes and the PRISMA counts follow the decisions made (computed here from the plan, not by the code)."""
    from reviewkit.book import living_mode as page

    rng = random.Random(22)
    log, decisions = read_rows(log_book / LOG), read_rows(log_book / DECISIONS)
    before = page.counts(page.load())
    plan = {"ta_excluded": 0, "sought": 0, "not_retrieved": 0, "ft_excluded": 0, "included": 0, "conflicts": 0}
    reasons_ta, reasons_ft = ["off_topic", "not_primary_evidence", "wrong_population"], ["wrong_outcomes", "no_results_yet"]

    def row(record, stage, reviewer, decision, reason="", role="independent", date="2026-11-08"):
        cells = {"record_id": record, "stage": stage, "reviewer": reviewer, "role": role, "decision": decision,
                 "reason": reason, "date": date}
        decisions.append([cells.get(c, "") for c in decisions[0]])

    def stage(record, name, include_chance, reasons, date):
        wanted = rng.random() < include_chance
        reason = "" if wanted else rng.choice(reasons)
        if name == "full_text" and not wanted and rng.random() < 0.1:
            reason = "not_retrieved"
        if rng.random() < 0.1:  # a disagreement, settled by the third reviewer
            plan["conflicts"] += 1
            row(record, name, "ab", "include" if not wanted else "exclude",
                reasons[0] if wanted else "", date=date)
            row(record, name, "cd", "include" if wanted else "exclude", reason, date=date)
            row(record, name, "ef", "include" if wanted else "exclude", reason, role="resolution", date=date)
        else:
            for reviewer in ("ab", "cd"):
                row(record, name, reviewer, "include" if wanted else "exclude", reason, date=date)
        return wanted, reason

    for number in range(200):
        record = f"pmid{42000000 + number}"
        log.append([{"record_id": record, "sources": "pubmed", "date_found": "2026-11-07", "title": f"Candidate {number}",
                     "pmid": str(42000000 + number)}.get(c, "") for c in log[0]])
        kept, _ = stage(record, "title_abstract", 0.2, reasons_ta, "2026-11-08")
        if not kept:
            plan["ta_excluded"] += 1
            continue
        plan["sought"] += 1
        kept, reason = stage(record, "full_text", 0.5, reasons_ft, "2026-11-15")
        if kept:
            plan["included"] += 1
        elif reason == "not_retrieved":
            plan["not_retrieved"] += 1
        else:
            plan["ft_excluded"] += 1
    write_rows(log_book / LOG, log)
    write_rows(log_book / DECISIONS, decisions)
    assert problems_in(LOG, DECISIONS) == []
    flow = page.counts(page.load())
    assert flow.records == before.records + 200
    assert flow.screened == before.screened + 200 and flow.awaiting_screening == before.awaiting_screening
    assert sum(flow.excluded.values()) == sum(before.excluded.values()) + plan["ta_excluded"]
    assert flow.sought == before.sought + plan["sought"]
    assert flow.not_retrieved == before.not_retrieved + plan["not_retrieved"]
    assert sum(flow.reports_excluded.values()) == sum(before.reports_excluded.values()) + plan["ft_excluded"]
    assert flow.included == before.included + plan["included"]
    assert flow.assessed == before.assessed + plan["ft_excluded"] + plan["included"]
    assert flow.conflicts == 0 and plan["conflicts"] > 0
    assert flow.linked == before.linked, "the new inclusions await their evidence rows"
    text = page.flow_figure(page.load()).data
    assert f"Reports sought for retrieval: {flow.sought}" in text and f"New records included: {flow.included}" in text
    for heading in ("Screened on title and abstract", "Excluded on title and abstract", "Reports excluded", "Included"):
        assert heading in text


@pytest.mark.parametrize("registry_id, ok", [
    ("NCT09999998", True), ("ChiCTR2000012345", True), ("ChiCTR-IIR-17012345", True), ("ISRCTN12345678", True),
    ("2023-500123-45-00", True), ("2015-001234-56", True), ("U1111-1234-5678", True),
    ("NCT0407474", False), ("ChiCTR12", False), ("CTRI/2020/01/022636", False), ("isrctn12345678", False),
])
def test_each_registry_id_is_validated_by_its_registrys_format(book, registry_id, ok):

    add_registry_id(book, 1, registry_id)
    problems = [p for p in run_checks() if p.field == "registry_ids"]
    if ok:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].line == 2 and f"'{registry_id}'" in problems[0].message
        assert "ChiCTR2000012345" in problems[0].fix and "U1111-1234-5678" in problems[0].fix


def test_a_registry_cell_links_each_id_and_says_what_is_not_watched(book):
    import pandas as pd

    from reviewkit.book import tables

    cell = tables._registry_cell(pd.Series({"registry_ids": "NCT04074746; ChiCTR2000012345"}))
    # MyST (reviewkit.sphinx.data_table builds it): links, and each status in an element of its own.
    assert "[NCT04074746](<https://clinicaltrials.gov/study/NCT04074746>)" in cell
    assert ("[ChiCTR2000012345](<https://trialsearch.who.int/Trial2.aspx?TrialID=ChiCTR2000012345>) "
            "{table-registry-status}`not watched (ChiCTR publishes no") in cell
