"""`reviewkit release` and versions.yml, in throwaway git copies of the book."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import commit_all, git, read_rows, set_cell, unrelease, write_rows
from reviewkit.history import git as history, versions
from reviewkit.publish.release import ReleaseRefused, release, set_citation_fields

BIN = Path(sys.executable).parent
SUMMARY = "Corrects one figure of the glossary."


@pytest.fixture
def repo(repo):
    """A copy of the book (a git repository) as it was before its first release."""
    unrelease(repo)
    return repo


def tags(root):
    return git(root, "tag", "--list").split()


def head(root):
    return git(root, "rev-parse", "HEAD").strip()


def test_release_records_the_version_updates_citation_and_tags(repo):
    first = release("2026.11", "new-evidence", "First version:  the review\n with its audit.", date="2026-11-30")
    assert first.summary == "First version: the review with its audit."
    citation = yaml.safe_load((repo / "CITATION.cff").read_text())
    assert citation["version"] == "2026.11" and str(citation["date-released"]) == "2026-11-30"
    assert "v2026.11" in tags(repo)
    assert git(repo, "rev-parse", "v2026.11^{commit}").strip() == head(repo)
    assert git(repo, "cat-file", "-t", "v2026.11").strip() == "tag", "an annotated tag"
    assert git(repo, "status", "--porcelain") == ""

    set_cell(repo / "data" / "glossary.csv", "CRS", "expansion", "cytokine release syndrome (corrected)")
    commit_all(repo, "Correct a glossary entry")
    release("2026.12", "corrections-only", SUMMARY, date="2026-12-02")
    listed = versions.released()
    assert [v.version for v in listed] == ["2026.12", "2026.11"], "newest first"
    assert listed[0].classification_text == "Corrections only" and listed[0].summary == SUMMARY
    assert versions.lint() == []
    assert "classification is one of" in versions.path().read_text(), "the file explains itself"
    assert versions.release_commit("2026.12") == head(repo)
    assert "Corrections only" in git(repo, "tag", "-l", "--format=%(contents)", "v2026.12")


def test_the_edition_follows_head_and_uncommitted_changes(repo):
    assert versions.edition().label == "Unreleased: no version has been released yet"
    release("2026.11", "new-evidence", "First version.", date="2026-11-30")
    edition = versions.edition()
    assert edition.version.version == "2026.11" and edition.label == "Version 2026.11, released 2026-11-30"
    set_cell(repo / "data" / "glossary.csv", "CRS", "expansion", "edited")
    assert versions.edition().label == "Unreleased changes since version 2026.11 (2026-11-30)"
    assert versions.edition().version_text == "2026.11+unreleased"
    commit_all(repo, "Edit")
    assert versions.edition().version is None


def refused(repo, *args, **kwargs) -> str:
    before = (head(repo), tags(repo), (repo / "CITATION.cff").read_text())
    with pytest.raises(ReleaseRefused) as caught:
        release(*args, **kwargs)
    assert (head(repo), tags(repo), (repo / "CITATION.cff").read_text()) == before, "a refusal changes nothing"
    assert not versions.path().is_file() or versions.lint() == []
    return str(caught.value)


def test_refusals_say_why_and_change_nothing(repo):
    assert "not a calendar version" in refused(repo, "v1.0", "new-evidence", SUMMARY, date="2026-11-30")
    assert "is not a classification" in refused(repo, "2026.11", "minor", SUMMARY, date="2026-11-30")
    assert "corrections-only" in refused(repo, "2026.11", "minor", SUMMARY, date="2026-11-30")
    assert "summary is empty" in refused(repo, "2026.11", "new-evidence", "  ", date="2026-11-30")
    assert "use 2026.11" in refused(repo, "2026.12", "new-evidence", SUMMARY, date="2026-11-30")
    release("2026.11", "new-evidence", SUMMARY, date="2026-11-30")
    assert "already released" in refused(repo, "2026.11", "new-evidence", SUMMARY, date="2026-11-30")
    assert "not newer" in refused(repo, "2026.10", "new-evidence", SUMMARY, date="2026-10-30")
    git(repo, "tag", "v2026.12")
    assert "tag v2026.12 already exists" in refused(repo, "2026.12", "new-evidence", SUMMARY, date="2026-12-01")


def test_a_dirty_tree_or_failing_check_is_refused(repo):
    set_cell(repo / "data" / "glossary.csv", "CRS", "expansion", "uncommitted")
    assert "uncommitted or untracked changes" in refused(repo, "2026.11", "new-evidence", SUMMARY, date="2026-11-30")
    git(repo, "checkout", "--", "data/glossary.csv")
    (repo / "notes.txt").write_text("untracked")
    assert "uncommitted or untracked" in refused(repo, "2026.11", "new-evidence", SUMMARY, date="2026-11-30")
    (repo / "notes.txt").unlink()
    glossary = repo / "data" / "glossary.csv"
    rows = read_rows(glossary)
    rows[2][0] = rows[1][0]  # a duplicated key
    write_rows(glossary, rows)
    commit_all(repo, "A bad row")
    message = refused(repo, "2026.11", "new-evidence", SUMMARY, date="2026-11-30")
    assert "make check" in message and "data/glossary.csv" in message


def test_outside_a_git_checkout_release_is_refused(book):
    assert not (book / ".git").exists()
    message = str(pytest.raises(ReleaseRefused, release, "2026.11", "new-evidence", SUMMARY).value)
    assert "not a git checkout" in message


def test_make_release_command(repo):
    result = subprocess.run([str(BIN / "reviewkit"), "release", "--version", "2026.11", "--classification",
                             "nonsense", "--summary", SUMMARY], cwd=repo, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 1 and "refused, nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "release:" in makefile and "--classification" in makefile


def test_citation_fields_keep_the_rest_of_the_file():
    text = '# comment\ncff-version: 1.2.0\nversion: "0.1.0"\ndate-released: "2026-11-24"\ntitle: x\n'
    updated = set_citation_fields(text, "2026.12", "2026-12-01")
    assert updated.startswith("# comment\n") and 'version: "2026.12"' in updated
    assert 'date-released: "2026-12-01"' in updated and "title: x" in updated
    assert 'version: "2027.01"' in set_citation_fields("cff-version: 1.2.0\n", "2027.01", "2027-01-02")


def test_lint_reports_broken_versions_files(book):
    path = book / "versions.yml"
    path.write_text("versions:\n- version: '2026.11'\n  date: 2026-11-30\n  classification: new-evidence\n"
                    "  summary: a\n- version: '2026.12'\n  date: 2026-12-03\n  classification: big\n  summary: b\n")
    problems = versions.lint()
    assert {p.field for p in problems} == {"version", "classification"}
    assert all(p.file == "versions.yml" and p.line for p in problems)
    path.write_text("versions: [\n")
    assert versions.lint()[0].message.startswith("cannot be read")


def test_zenodo_metadata_is_valid_and_names_the_review():
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([str(BIN / "check-jsonschema"), "--schemafile",
                             str(root / "tests" / "schemas" / "zenodo-deposit-metadata.json"), ".zenodo.json"],
                            cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    metadata = json.loads((root / ".zenodo.json").read_text())
    citation = yaml.safe_load((root / "CITATION.cff").read_text())
    assert metadata["title"] == citation["title"]
    assert {"identifier": citation["references"][0]["doi"], "relation": "isDerivedFrom",
            "resource_type": "publication-article", "scheme": "doi"} in metadata["related_identifiers"]
    assert "version" not in metadata, "Zenodo takes each version from its release tag"


def test_a_clone_without_tags_knows_every_release(repo, tmp_path, monkeypatch):
    from reviewkit.model import paths
    from reviewkit.history import timeline

    release("2026.11", "new-evidence", "First version.", date="2026-11-30")
    first = head(repo)
    set_cell(repo / "data" / "glossary.csv", "CRS", "expansion", "cytokine release syndrome (corrected)")
    commit_all(repo, "Correct a glossary entry")
    release("2026.12", "changes-conclusion", SUMMARY, date="2026-12-02")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--no-tags", str(repo), str(clone))
    assert tags(clone) == [], "the clone has the history but no tags"
    for key, value in (("user.name", "Test"), ("user.email", "test@example.org"), ("commit.gpgsign", "false"),
                       ("tag.gpgsign", "false")):
        git(clone, "config", key, value)  # the release below commits in the clone
    monkeypatch.setenv("REVIEWKIT_ROOT", str(clone))
    paths.root.cache_clear()
    assert versions.release_commit("2026.11") == first and versions.release_commit("2026.12") == head(clone)
    assert versions.edition().label == "Version 2026.12, released 2026-12-02"
    assert versions.released()[0].classification_text == "New evidence that changes a conclusion"
    entries, _ = timeline.timeline()
    assert [entry.title for entry in entries] == ["Version 2026.12", "Version 2026.11"]
    assert any("cytokine release syndrome (corrected)" in change.text for change in entries[0].changes)
    set_cell(clone / "data" / "glossary.csv", "CRS", "expansion", "edited in the clone")
    commit_all(clone, "Edit")
    assert versions.edition().label == "Unreleased changes since version 2026.12 (2026-12-02)"
    assert "edited in the clone" in timeline.timeline()[0][0].changes[0].text
    # A release made in the clone works there too, and later clones of it without tags know it.
    release("2026.12.1", "corrections-only", SUMMARY, date="2026-12-03")
    again = tmp_path / "again"
    git(tmp_path, "clone", "--quiet", "--no-tags", str(clone), str(again))
    monkeypatch.setenv("REVIEWKIT_ROOT", str(again))
    paths.root.cache_clear()
    assert versions.edition().label == "Version 2026.12.1, released 2026-12-03"
    paths.root.cache_clear()
