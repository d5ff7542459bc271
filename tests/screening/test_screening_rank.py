"""Prioritised screening: the ranking (TF-IDF + naive Bayes), the ASReview LAB round trip, the simulation, and
that the book's build never needs scikit-learn. On copies of the book with made-up records."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import snapshot
from helpers import read_rows, write_rows
from reviewkit import cli
from reviewkit.screening import asreview, rank

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "screening"
RELEVANT = ["Bispecific antibody armed T cells in {} cancer: a phase I trial of armed activated T cells",
            "NK cells armed with an innate cell engager in {} tumours: first-in-human results",
            "Armed T cells with a bispecific antibody after chemotherapy in {} cancer"]
IRRELEVANT = ["Statin use and cardiovascular outcomes in {} patients", "Aspirin and bleeding risk in {} care",
              "Exercise training for fatigue in {} survivors", "Dietary fibre and {} incidence: a cohort study",
              "Hypofractionated radiotherapy in {} cancer: a randomised trial"]
PLACES = ["pancreatic", "breast", "gastric", "ovarian", "lung", "prostate"]


def add_reviewers(root, *ids):
    rows = read_rows(root / "data" / "reviewers.csv")
    rows += [[i, "person", f"Reviewer {i}", ""] for i in ids]
    write_rows(root / "data" / "reviewers.csv", rows)


def add_batch(root) -> tuple[list[str], list[str]]:
    """Made-up records: (relevant ids, irrelevant ids), with abstracts."""
    log = read_rows(root / "data" / "screening_log.csv")
    abstracts = read_rows(root / "data" / "abstracts.csv")
    relevant, irrelevant = [], []
    number = 43000000
    for template_set, into in ((RELEVANT, relevant), (IRRELEVANT, irrelevant)):
        for template in template_set:
            for place in PLACES:
                number += 1
                record = f"pmid{number}"
                cells = {"record_id": record, "sources": "pubmed", "date_found": "2026-12-07",
                         "title": template.format(place), "pmid": str(number)}
                log.append([cells.get(c, "") for c in log[0]])
                abstracts.append([record, "PubMed abstract", f"{template.format(place)}. Patients were followed.",
                                  "2026-12-07"])
                into.append(record)
    write_rows(root / "data" / "screening_log.csv", log)
    abstracts[1:] = sorted(abstracts[1:])
    write_rows(root / "data" / "abstracts.csv", abstracts)
    return relevant, irrelevant


def decide(root, records, decision, reviewers=("ab", "cd")):
    rows = read_rows(root / "data" / "screening_decisions.csv")
    for record in records:
        for reviewer in reviewers:
            cells = {"record_id": record, "stage": "title_abstract", "reviewer": reviewer, "role": "independent",
                     "decision": decision, "reason": "off_topic" if decision == "exclude" else "",
                     "date": "2026-12-08"}
            rows.append([cells.get(c, "") for c in rows[0]])
    write_rows(root / "data" / "screening_decisions.csv", rows)


@pytest.fixture
def batch(book):
    add_reviewers(book, "ab", "cd", "ef")
    relevant, irrelevant = add_batch(book)
    return book, relevant, irrelevant


def run(*argv, capsys):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ranking_with_no_exclusion_yet_is_one_clear_problem(batch, capsys):
    root, _, _ = batch
    before = snapshot(root)
    code, _, err = run("screen", "rank", capsys=capsys)
    assert code == 1 and "data/screening_decisions.csv: [decision] no record has been excluded yet" in err
    assert "fix: screen a few records first" in err and snapshot(root) == before


def test_the_ranking_puts_the_relevant_records_first(batch):
    root, relevant, irrelevant = batch
    decide(root, relevant[:2], "include")
    decide(root, irrelevant[:4], "exclude")
    ranked = rank.rank()
    pending_relevant = set(relevant[2:])
    assert {item.record_id for item in ranked} == pending_relevant | set(irrelevant[4:]), "only pending records"
    top = {item.record_id for item in ranked[:len(pending_relevant)]}
    assert len(top & pending_relevant) >= 0.8 * len(pending_relevant), [i.title for i in ranked]
    assert [item.score for item in ranked] == sorted((item.score for item in ranked), reverse=True)
    assert ranked[0].priority == "high" and ranked[-1].priority == "low"


def test_asreview_round_trip_is_idempotent(batch, tmp_path, capsys):
    root, relevant, irrelevant = batch
    decide(root, relevant[:2], "include")
    decide(root, irrelevant[:4], "exclude")
    export = tmp_path / "queue.csv"
    assert run("screen", "export", str(export), capsys=capsys)[0] == 0
    rows = list(csv.DictReader(io.StringIO(export.read_text(encoding="utf-8"))))
    assert set(rows[0]) >= {"record_id", "title", "abstract", "doi"}
    assert [r["record_id"] for r in rows] == [item.record_id for item in rank.rank()], "in ranked order"
    # ASReview LAB's export: the dataset's columns plus its label column (1 relevant, 0 irrelevant, empty unseen).
    labelled = io.StringIO()
    writer = csv.DictWriter(labelled, fieldnames=[*rows[0], "included"], lineterminator="\n")
    writer.writeheader()
    truth = set(relevant)
    for number, row in enumerate(rows):
        writer.writerow({**row, "included": ("1" if row["record_id"] in truth else "0") if number < 10 else ""})
    labels = tmp_path / "asreview-export.csv"
    labels.write_text(labelled.getvalue(), encoding="utf-8")
    code, out, err = run("screen", "import", str(labels), "--reviewer", "ef", "--date", "2026-12-09", capsys=capsys)
    assert code == 0, err
    assert "decisions added for reviewer ef: 10 (0 already recorded)" in out
    decisions = list(csv.DictReader(io.StringIO((root / "data" / "screening_decisions.csv").read_text())))
    mine = {d["record_id"]: d for d in decisions if d["reviewer"] == "ef"}
    assert len(mine) == 10 and all(d["stage"] == "title_abstract" and d["role"] == "independent" for d in mine.values())
    assert all((d["decision"] == "include") == (r in truth) for r, d in mine.items())
    assert all(d["reason"] == "other" and "ASReview" in d["note"] for d in mine.values() if d["decision"] == "exclude")
    after_first = snapshot(root)
    code, out, _ = run("screen", "import", str(labels), "--reviewer", "ef", "--date", "2026-12-10", capsys=capsys)
    assert code == 0 and "decisions added for reviewer ef: 0 (10 already recorded)" in out
    assert snapshot(root) == after_first, "a second import of the same export changes nothing"


@pytest.mark.parametrize("fault, words", [
    ("unknown reviewer", "reviewer 'zz' is not in the list of reviewers"),
    ("unknown record", "record 'pmid99999999' is not in the screening log"),
    ("bad label", "label 'yes' of record"),
    ("contradiction", "already decided include on title and abstract"),
    ("no label column", "no record_id column or no label column"),
])
def test_a_bad_import_is_one_clear_problem_and_writes_nothing(batch, tmp_path, capsys, fault, words):
    root, relevant, irrelevant = batch
    decide(root, relevant[:1], "include", reviewers=("ef",))
    rows = [{"record_id": relevant[0], "title": "t", "abstract": "", "doi": "", "included": "1"}]
    reviewer = "ef"
    if fault == "unknown reviewer":
        reviewer = "zz"
    elif fault == "unknown record":
        rows.append({**rows[0], "record_id": "pmid99999999"})
    elif fault == "bad label":
        rows.append({**rows[0], "record_id": relevant[1], "included": "yes"})
    elif fault == "contradiction":
        rows[0]["included"] = "0"
    elif fault == "no label column":
        rows = [{k: v for k, v in rows[0].items() if k != "included"}]
    labels = tmp_path / "export.csv"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    labels.write_text(out.getvalue(), encoding="utf-8")
    before = snapshot(root)
    code, _, err = run("screen", "import", str(labels), "--reviewer", reviewer, capsys=capsys)
    assert code == 1 and words in err and "nothing was written" in err and "fix:" in err
    assert snapshot(root) == before


def test_an_import_names_the_line_a_label_s_row_starts_on_and_refuses_broken_csv(batch, tmp_path):
    root, relevant, _ = batch
    labels = tmp_path / "export.csv"
    labels.write_text("record_id,title,abstract,included\n"
                      f'{relevant[0]},t,"an abstract\nof two lines",1\n'
                      f"{relevant[1]},t,one line,yes\n", encoding="utf-8")
    with pytest.raises(asreview.LabelImportError) as caught:
        asreview.import_labels(labels, "ef", "2026-12-09", dry_run=True)
    assert [(p.line, p.field) for p in caught.value.problems] == [(4, "included")], caught.value.problems
    labels.write_text(f'record_id,title,included\n{relevant[0]},"never closed,1\n', encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(asreview.LabelImportError) as caught:
        asreview.import_labels(labels, "ef", "2026-12-09")
    (problem,) = caught.value.problems
    assert problem.line == 2 and "never closed" in problem.message and problem.fix
    assert snapshot(root) == before


def test_the_weekly_pull_request_lists_the_queue_ranked_with_folded_abstracts(batch):
    from reviewkit.screening.cli import markdown

    root, relevant, irrelevant = batch
    decide(root, relevant[:2], "include")
    decide(root, irrelevant[:4], "exclude")
    ranked = rank.rank()
    text = markdown(ranked)
    assert text.index(ranked[0].record_id) < text.index(ranked[-1].record_id)
    assert text.count("<details><summary>") == len(ranked) and "Patients were followed." in text
    assert "| 1 | high |" in text and "pubmed" in text and "2026-12-07" in text
    assert "screening_decisions.csv" in text, "says what the reviewer does next"


def test_the_simulation_finds_the_relevant_records_early(book, capsys):
    code, out, err = run("screen", "simulate", "--relevant", str(FIXTURES / "relevant.csv"), "--irrelevant", "60",
                         capsys=capsys)
    assert code == 0, err
    found = rank.simulate(
        [f"{r['source_citation']} {r['claim']} {r['topic']}" for r in csv.DictReader(open(FIXTURES / "relevant.csv"))],
        rank.made_up_irrelevant(60), [t for t, label in zip(*rank.training_set()[:2]) if label == 1])
    assert len(found) == 6 and found == sorted(found)
    assert rank.recall_at(found, 6, 33) >= 0.8, f"relevant records screened at {found} of 66"
    assert "recall after screening" in out and "every relevant record found after screening" in out


def test_recall_at_counts_the_relevant_found_within_n():
    assert rank.recall_at([1, 2, 10], 4, 2) == 0.5 and rank.recall_at([1, 2, 10], 4, 10) == 0.75
    assert rank.recall_at([], 0, 5) == 0.0


def test_the_build_never_imports_scikit_learn():
    code = ("import sys, reviewkit.sphinx, reviewkit.book.living_mode, reviewkit.sphinx.notice_marks, reviewkit.checks.run; "
            "sys.exit('sklearn' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    assert "sklearn" not in asreview.__dict__ and "sklearn" not in Path(asreview.__file__).read_text()
