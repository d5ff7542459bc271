"""The evidence diff behind "What changed", on made-up tables in temporary git repositories."""

from __future__ import annotations

import json

import pytest

from helpers import commit_all, git, git_init
from reviewkit.history import git as history, timeline, versions
from reviewkit.model import paths
from reviewkit.history.changes import RefLink, RowLink, TableLink, diff, renamed_columns
from reviewkit.history.git import HistoryError
from reviewkit.history.versions import Version, write

BIB = """@article{lum2015targeted,
  author = {Lum, Lawrence G. and Thakur, Archana and Al-Kadhimi, Zaid and others},
  title = {Targeted T-cell therapy in stage IV breast cancer},
  journal = {Clinical Cancer Research}, year = {2015}, volume = {21}, number = {10}, pages = {2305--2314},
  doi = {10.1158/1078-0432.CCR-14-2280}, reviewref = {1}
}
"""
NEW_ENTRY = """@article{roe2026new,
  author = {Roe, Jane and Doe, John},
  title = {A new trial of armed T cells},
  journal = {Journal of Examples}, year = {2026}, volume = {1}, pages = {1--9}, doi = {10.1000/xyz.1}
}
"""
STUDIES = {
    "name": "trials", "path": "trials.csv", "title": "Trials",
    "schema": {
        "fields": [
            {"name": "trial_id", "type": "string", "title": "Trial ID"},
            {"name": "provenance", "type": "string", "title": "Provenance"},
            {"name": "construct", "type": "string", "title": "Construct"},
            {"name": "indication", "type": "string", "title": "Indication"},
            {"name": "median_os", "type": "number", "title": "Median overall survival", "unit": "months"},
            {"name": "orr", "type": "number", "title": "Objective response rate", "unit": "percent"},
            {"name": "reference", "type": "string", "title": "Reference"},
        ],
        "primaryKey": ["trial_id"],
        "foreignKeys": [{"fields": ["reference"], "reference": {"resource": "references", "fields": ["key"]}}],
    },
}
TRIALS = ("trial_id,provenance,construct,indication,median_os,orr,reference\n"
          "t1,review,HER2 BATs,breast cancer,31,50,lum2015targeted\n"
          "t2,review,EGFR BATs,glioma,14,,lum2015targeted\n")


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "_config.yml").write_text("title: test\n")
    (root / "references.bib").write_text(BIB)
    write_package(root, [STUDIES])
    (root / "data" / "trials.csv").write_text(TRIALS)
    monkeypatch.setenv("REVIEWKIT_ROOT", str(root))
    paths.root.cache_clear()
    git_init(root)
    yield root
    paths.root.cache_clear()


def write_package(root, resources):
    (root / "data" / "datapackage.json").write_text(json.dumps({"name": "p", "resources": resources}, indent=1))


def release(root, version, date):
    from reviewkit.history import versions

    existing = versions.released()
    write([Version(version, date, "new-evidence", f"Summary of {version}."), *existing])
    commit_all(root, f"Release {version}")
    git(root, "tag", "-a", f"v{version}", "-m", version)


def texts(changes):
    return [c.text for c in changes]


def changes_since_last_version():
    entries, _ = timeline.timeline()
    assert entries[0].version is None
    return entries[0].changes


def test_a_changed_value_is_old_to_new_with_title_unit_and_source(project):
    release(project, "2026.11", "2026-11-30")
    (project / "data" / "trials.csv").write_text(TRIALS.replace("31,50", "32,50.5"))
    found = texts(changes_since_last_version())
    assert "Corrected: Median overall survival of HER2 BATs in breast cancer 31 → 32 months " \
           "(source: Lum et al. 2015)" in found
    assert "Corrected: Objective response rate of HER2 BATs in breast cancer 50 → 50.5% (source: Lum et al. 2015)" in found
    change = next(c for c in changes_since_last_version() if "Median" in c.text)
    assert change.category == "corrections"
    assert ("HER2 BATs in breast cancer", RowLink("trials", ("t1",))) in change.segments, "the label is the link"
    assert "t1" not in change.text, "never the raw row id"


def test_added_and_removed_rows_and_references(project):
    release(project, "2026.11", "2026-11-30")
    (project / "data" / "trials.csv").write_text(
        TRIALS.replace("t2,review,EGFR BATs,glioma,14,,lum2015targeted\n", "")
        + "t3,update,B7-H3 BATs,pancreatic cancer,,20,roe2026new\n")
    (project / "references.bib").write_text(BIB + NEW_ENTRY)
    changes = changes_since_last_version()
    found = texts(changes)
    assert "New trial (update): B7-H3 BATs in pancreatic cancer" not in found  # unknown table: generic noun
    assert "New row of Trials (update): B7-H3 BATs in pancreatic cancer" in found
    assert "Removed row of Trials: EGFR BATs in glioma" in found
    assert next(c for c in changes if c.text.startswith("New row")).place == RowLink("trials", ("t3",))
    added = next(c for c in changes if c.text.startswith("Reference added"))
    assert added.text == ("Reference added: Roe, Doe. A new trial of armed T cells. Journal of Examples 2026;1:1–9. "
                          "doi:10.1000/xyz.1")
    assert added.segments[1][1] == RefLink("roe2026new")
    assert [c.category for c in changes] == sorted((c.category for c in changes),
                                                   key=["evidence", "corrections", "source-checks", "references",
                                                        "structure"].index)


def test_a_new_table_is_reported_as_a_table_not_as_rows(project):
    release(project, "2026.11", "2026-11-30")
    updates = {"name": "updates", "path": "updates.csv", "title": "Updates since the review",
               "schema": {"fields": [{"name": "update_id", "type": "string"}, {"name": "claim", "type": "string"}],
                          "primaryKey": ["update_id"]}}
    write_package(project, [STUDIES, updates])
    (project / "data" / "updates.csv").write_text("update_id,claim\nU01,A first approval\nU02,A new trial\n")
    found = texts(changes_since_last_version())
    assert found == ["New table: Updates since the review (2 rows)"]
    assert changes_since_last_version()[0].segments[1][1] == TableLink("updates")
    write_package(project, [updates])
    (project / "data" / "trials.csv").unlink()
    assert "Table removed: Trials (2 rows)" in texts(changes_since_last_version())


def test_a_renamed_column_is_one_change_not_a_change_per_row(project):
    release(project, "2026.11", "2026-11-30")
    renamed = json.loads(json.dumps(STUDIES))
    renamed["schema"]["fields"][2] = {"name": "armed_with", "type": "string", "title": "Armed with"}
    write_package(project, [renamed])
    (project / "data" / "trials.csv").write_text(TRIALS.replace("construct", "armed_with"))
    found = texts(changes_since_last_version())
    assert found == ["Column renamed in Trials: Construct → Armed with"]
    old = history.at_commit(versions.release_commit("2026.11"), "v")
    assert renamed_columns(old.tables["trials"], history.in_working_tree().tables["trials"]) == {
        "construct": "armed_with"}


def test_versions_are_grouped_newest_first_each_against_the_one_before(project):
    release(project, "2026.11", "2026-11-30")
    (project / "data" / "trials.csv").write_text(TRIALS.replace("31,50", "32,50"))
    commit_all(project, "Correct t1")
    (project / "data" / "trials.csv").write_text(TRIALS.replace("31,50", "33,50"))
    commit_all(project, "Correct t1 again")  # intermediate commits are not versions: not shown
    release(project, "2026.12", "2026-12-02")
    entries, _ = timeline.timeline()
    assert [e.title for e in entries] == ["Version 2026.12", "Version 2026.11"], "HEAD is the release: nothing unreleased"
    assert texts(entries[0].changes) == [
        "Corrected: Median overall survival of HER2 BATs in breast cancer 31 → 33 months (source: Lum et al. 2015)"]
    assert entries[1].first and entries[1].changes == [], "nothing in it is newer than the review"
    assert entries[0].version.summary == "Summary of 2026.12."
    (project / "data" / "trials.csv").write_text(TRIALS.replace("31,50", "34,50"))
    entries, _ = timeline.timeline()
    assert entries[0].title == "Unreleased changes since version 2026.12"
    assert "33 → 34 months" in entries[0].changes[0].text


def test_before_any_version_the_changes_are_those_since_the_review(project):
    (project / "data" / "trials.csv").write_text(TRIALS + "t3,update,B7-H3 BATs,pancreatic cancer,,20,roe2026new\n"
                                                 + "t4,correction,HER2 BATs,breast cancer,29,,lum2015targeted\n")
    (project / "references.bib").write_text(BIB + NEW_ENTRY)
    entries, current = timeline.timeline()
    assert [e.title for e in entries] == ["Unreleased changes since the review as published"]
    assert set(current.tables) == {"trials"}
    found = texts(entries[0].changes)
    assert "Since the review: B7-H3 BATs in pancreatic cancer (source: Roe and Doe 2026)" in found
    assert "Correction to the review: HER2 BATs in breast cancer (source: Lum et al. 2015)" in found
    assert any(t.startswith("Source the book adds: Roe, Doe. A new trial of armed T cells") for t in found)
    assert not any("EGFR" in t for t in found), "the review's own rows are the baseline, not changes"
    assert entries[0].changes[0].group == RowLink("trials", ("t3",)), "each change knows the row it concerns"


def test_the_first_version_is_compared_with_the_review_and_later_ones_with_the_version_before(project):
    (project / "data" / "trials.csv").write_text(TRIALS + "t3,update,B7-H3 BATs,pancreatic cancer,,20,roe2026new\n")
    (project / "references.bib").write_text(BIB + NEW_ENTRY)
    commit_all(project, "An update")
    release(project, "2026.11", "2026-11-30")
    entries, _ = timeline.timeline()
    assert entries[0].first and entries[0].baseline.startswith("the review as published")
    assert "Since the review: B7-H3 BATs in pancreatic cancer (source: Roe and Doe 2026)" in texts(entries[0].changes)
    (project / "data" / "trials.csv").write_text(TRIALS.replace("31,50", "32,50")
                                                 + "t3,update,B7-H3 BATs,pancreatic cancer,,20,roe2026new\n")
    commit_all(project, "A correction")
    release(project, "2026.12", "2026-12-01")
    entries, _ = timeline.timeline()
    assert not entries[0].baseline and texts(entries[0].changes) == [
        "Corrected: Median overall survival of HER2 BATs in breast cancer 31 → 32 months (source: Lum et al. 2015)"]
    assert entries[1].baseline and entries[1].changes, "the first version keeps its changes since the review"


def test_history_that_cannot_be_read_stops_with_commit_and_file_until_fixed(project):
    release(project, "2026.11", "2026-11-30")
    (project / "data" / "trials.csv").write_bytes(TRIALS.encode().replace(b"glioma", b"gli\xffoma"))
    commit_all(project, "A bad byte")
    bad = git(project, "rev-parse", "HEAD").strip()
    with pytest.raises(HistoryError) as caught:
        timeline.timeline()
    message = str(caught.value)
    assert bad[:10] in message and "data/trials.csv" in message and "not UTF-8" in message and "line 3" in message
    (project / "data" / "trials.csv").write_text(TRIALS.replace("31,50", "30,50"))
    commit_all(project, "Fix the byte")
    assert "31 → 30 months" in texts(changes_since_last_version())[0], "a later fix makes the page whole again"
    (project / "data" / "trials.csv").write_text(TRIALS + 't9,review,"unclosed,x,1,2,lum2015targeted\n')
    commit_all(project, "A broken quote")
    with pytest.raises(HistoryError, match=r"data/trials\.csv line \d+"):
        timeline.timeline()


def test_a_version_without_its_tag_is_found_in_the_history_of_versions_yml(project):
    release(project, "2026.11", "2026-11-30")
    released = git(project, "rev-parse", "HEAD").strip()
    (project / "data" / "trials.csv").write_text(TRIALS.replace("31,50", "32,50"))
    commit_all(project, "Correct t1")
    release(project, "2026.12", "2026-12-01")
    git(project, "tag", "-d", "v2026.11")
    assert versions.release_commit("2026.11") == released, "the commit that added the version's entry"
    entries, _ = timeline.timeline()
    assert "31 → 32 months" in texts(entries[0].changes)[0]
    summary = versions.path().read_text().replace("Summary of 2026.11.", "A corrected summary.")
    versions.path().write_text(summary)
    commit_all(project, "Fix a summary")  # a later edit of the entry is not the release
    assert versions.release_commit("2026.11") == released
    git(project, "tag", "-d", "v2026.12")
    assert versions.edition().version is None, "HEAD is a later commit"
    git(project, "checkout", "--quiet", "HEAD~1")
    assert versions.edition().version.version == "2026.12"


def test_a_tag_wins_over_the_history(project):
    release(project, "2026.11", "2026-11-30")
    commit_all(project, "A later commit")
    git(project, "tag", "-f", "-a", "v2026.11", "-m", "moved by hand")
    assert versions.release_commit("2026.11") == git(project, "rev-parse", "HEAD").strip()


def test_a_version_no_commit_released_or_a_broken_one_names_it(project):
    write([Version("2026.11", "2026-11-30", "new-evidence", "Never committed.")])
    with pytest.raises(HistoryError, match="no tag v2026.11 and no commit in its history adds"):
        timeline.timeline()
    commit_all(project, "Versions")
    assert versions.release_commit("2026.11") == git(project, "rev-parse", "HEAD").strip()
    (project / "data" / "datapackage.json").write_text("{ not json")
    commit_all(project, "Broken descriptor")
    git(project, "tag", "-a", "v2026.11", "-m", "manually tagged")
    commit = git(project, "rev-parse", "HEAD").strip()
    with pytest.raises(HistoryError) as caught:
        history.at_commit(versions.release_commit("2026.11"), "version 2026.11")
    assert commit[:10] in str(caught.value) and "data/datapackage.json line 1" in str(caught.value)


def test_outside_a_git_checkout_the_history_fails_loudly(project):
    import shutil

    shutil.rmtree(project / ".git")
    with pytest.raises(HistoryError, match="not a git checkout"):
        timeline.timeline()


def test_diff_of_identical_states_is_empty(project):
    state = history.in_working_tree()
    assert diff(state, state) == []


def test_a_long_form_figure_is_named_by_its_outcome_and_takes_the_rows_unit(project):
    results = {"name": "results", "path": "results.csv", "title": "Results",
               "schema": {"fields": [{"name": "result_id", "type": "string"}, {"name": "trial_id", "type": "string"},
                                     {"name": "outcome", "type": "string"}, {"name": "arm", "type": "string"},
                                     {"name": "value", "type": "number", "title": "Value"},
                                     {"name": "unit", "type": "string"}],
                          "primaryKey": ["result_id"],
                          "foreignKeys": [{"fields": ["trial_id"], "reference": {"resource": "trials",
                                                                                "fields": ["trial_id"]}}]}}
    write_package(project, [STUDIES, results])
    rows = "result_id,trial_id,outcome,arm,value,unit\nr1,t1,Median OS,armed cells,31,months\n"
    (project / "data" / "results.csv").write_text(rows)
    commit_all(project, "Results")
    release(project, "2026.11", "2026-11-30")
    (project / "data" / "results.csv").write_text(rows.replace(",31,", ",8e10,"))
    assert texts(changes_since_last_version()) == [
        "Corrected: Median OS of HER2 BATs in breast cancer 31 → 8 × 10¹⁰ months"]


def test_a_row_the_history_cannot_read_is_named_by_the_line_it_starts_on(project):
    # The history parses CSV with the checks' own reader (reviewkit.model.inputs), so it names the same line.
    release(project, "2026.11", "2026-11-30")
    two_lines = 't3,review,"HER2 BATs,\nsecond line",breast cancer,31,50,lum2015targeted\n'
    (project / "data" / "trials.csv").write_text(TRIALS + two_lines + two_lines.replace("t3,", "t1,"))
    commit_all(project, "A repeated key on a row of two lines")
    with pytest.raises(HistoryError) as caught:
        timeline.timeline()
    assert "data/trials.csv line 6" in str(caught.value) and "'t1'" in str(caught.value), caught.value
    (project / "data" / "trials.csv").write_text(TRIALS + two_lines + two_lines.replace(",31,50", ",31"))
    commit_all(project, "A short row of two lines")
    with pytest.raises(HistoryError, match=r"data/trials\.csv line 6 has 6 cells"):
        timeline.timeline()
