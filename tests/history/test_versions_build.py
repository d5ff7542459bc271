"""Versions end to end, in a git copy of the book: a one-cell correction shows under "Unreleased" as old → new;
`reviewkit release` moves it under the new version and updates CITATION.cff and every page; pages carry JSON-LD;
the versioned site's older version points to the newer one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import build, copy_book, partial_build
from helpers import commit_all, git, read_rows, set_cell, unrelease
from reviewkit.model import paths
from reviewkit.publish import site

pytestmark = pytest.mark.build
BIN = Path(sys.executable).parent
REVIEW_DOI = "https://doi.org/10.3872/j.issn.1007-385x.2025.09.001"
PAGES = ["chapters/glossary", "chapters/what-changed"]
NEW_REFERENCE = """
@article{doe2026armed,
  author = {Doe, Jane and Roe, Richard},
  title = {Armed T cells in a made-up trial},
  journal = {Journal of Tests},
  year = {2026},
  doi = {10.1000/test.2026.1}
}
"""


def make(root, target):
    """The README's `make` target in a copy that shares this checkout's .venv."""
    venv = root / ".venv"
    if not venv.exists():
        venv.symlink_to(Path(sys.executable).parents[1])
    return subprocess.run(["make", "-C", str(root), target], env={**os.environ, "REVIEWKIT_ROOT": str(root)},
                          capture_output=True, text=True, timeout=900)


def release(root, version, date, summary):
    result = subprocess.run([str(BIN / "reviewkit"), "release", "--version", version, "--classification",
                             "corrections-only", "--summary", summary, "--date", date], cwd=root,
                            env={**os.environ, "REVIEWKIT_ROOT": str(root)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def built(root, result):
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return root / "_build" / "html"


def soup(html_dir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((html_dir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """Version 2026.11; then a one-cell correction, built (unreleased); then version 2026.12, built again."""
    root = copy_book(tmp_path_factory.mktemp("versions") / "book")
    unrelease(root)
    partial_build(root, PAGES)
    commit_all(root, "A book of a few pages for the test")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REVIEWKIT_ROOT", str(root))
        paths.root.cache_clear()
        release(root, "2026.11", "2026-11-30", "The first version.")
        glossary = root / "data" / "glossary.csv"
        header, first = read_rows(glossary)[:2]
        old = first[header.index("expansion")]
        new = old + " (corrected)"
        set_cell(glossary, first[0], "expansion", new)
        with (root / "references.bib").open("a", encoding="utf-8") as bib:
            bib.write(NEW_REFERENCE)
        commit_all(root, "Correct one glossary cell; add a reference")
        before = {name: (built(root, build(root)) / f"{name}.html").read_text(encoding="utf-8")
                  for name in ["chapters/what-changed", "chapters/glossary"]}
        release(root, "2026.12", "2026-12-01", "Corrects the expansion of an abbreviation.")
        after = built(root, build(root))
        yield {"root": root, "before": before, "after": after, "term": first[0], "old": old, "new": new}
    paths.root.cache_clear()


def test_a_correction_shows_under_unreleased_as_old_to_new(story):
    page = BeautifulSoup(story["before"]["chapters/what-changed"], "html.parser")
    unreleased = page.find(id="unreleased-changes")
    assert "Unreleased changes since version 2026.11" in words(unreleased)
    change = next(li for li in unreleased.find_all("li") if "→" in li.get_text())
    text = words(change)
    assert f"Corrected: Expansion of {story['term']}" in text
    assert f"{story['old']} → {story['new']}" in text
    link = change.find("a")
    assert link["href"].startswith("glossary.html#row-"), "the link goes to the row in the book"
    assert link.get_text() != story["term"] and "row-" not in link.get_text(), "never a raw row id"
    glossary = BeautifulSoup(story["before"]["chapters/glossary"], "html.parser")
    assert glossary.find(id=link["href"].split("#")[1]) is not None
    assert "Unreleased changes since version 2026.11" in words(glossary.select_one(".reviewkit-edition"))
    added = next(li for li in unreleased.find_all("li") if "Reference added" in li.get_text())
    assert "Doe and Roe" in words(added) or "Doe, Roe" in words(added)
    assert "Armed T cells in a made-up trial" in words(added)
    assert added.find("a")["href"].startswith("references.html#")


def test_the_release_moves_it_under_the_version_and_updates_every_page(story):
    root, html_dir = story["root"], story["after"]
    page = soup(html_dir, "chapters/what-changed")
    assert page.find(id="unreleased-changes") is None
    version = page.find(id="version-2026-12")
    text = words(version)
    assert "Released 2026-12-01. Corrections only." in text
    assert "Corrects the expansion of an abbreviation." in text
    assert f"{story['old']} → {story['new']}" in text
    first = words(page.find(id="version-2026-11"))
    assert "Compared with the review as published" in first and "nothing to compare" not in first
    reference = next(li for li in version.find_all("li") if "Reference added" in li.get_text()).find("a")
    target = reference["href"].split("#")[1]
    assert soup(html_dir, "chapters/references").find(id=target) is not None, "the link reaches the entry"
    citation = yaml.safe_load((root / "CITATION.cff").read_text())
    assert citation["version"] == "2026.12" and str(citation["date-released"]) == "2026-12-01"
    pages = sorted((html_dir / "chapters").glob("*.html"))
    assert len(pages) >= len(PAGES)
    for path in pages:
        banner = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one(".reviewkit-edition")
        assert banner is not None and "Version 2026.12, released 2026-12-01" in words(banner), path.name


def test_a_clone_without_tags_builds_every_version_and_what_changed(story, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--no-tags", str(story["root"]), str(clone))
    assert git(clone, "tag", "--list") == ""
    html_dir = built(clone, build(clone))
    page = soup(html_dir, "chapters/what-changed")
    assert f"{story['old']} → {story['new']}" in words(page.find(id="version-2026-12"))
    assert "Compared with the review as published" in words(page.find(id="version-2026-11"))
    for name in PAGES:
        banner = soup(html_dir, name).select_one(".reviewkit-edition")
        assert "Version 2026.12, released 2026-12-01" in words(banner)
        assert "no version has been released" not in soup(html_dir, name).get_text()


def test_every_page_carries_json_ld_that_parses(story):
    html_dir = story["after"]
    datasets = []
    for path in sorted((html_dir / "chapters").glob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        items = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
        article = next(i for i in items if i["@type"] == "ScholarlyArticle")
        assert article["version"] == "2026.12" and article["datePublished"] == "2026-12-01"
        assert article["dateModified"] and article["headline"] == words(page.find("h1")).rstrip("#").strip()
        assert article["isBasedOn"]["@id"] == REVIEW_DOI
        datasets += [(path, i) for i in items if i["@type"] == "Dataset"]
    assert [p.name for p, _ in datasets] == ["data.html"], "the data page is also a Dataset"
    path, dataset = datasets[0]
    csvs = [d["contentUrl"] for d in dataset["distribution"] if d["encodingFormat"] == "text/csv"]
    assert csvs and all((path.parent / url).is_file() for url in csvs)


def test_the_older_version_points_to_the_newer(story, tmp_path):
    root = story["root"]
    worktree = tmp_path / "v2026.11"
    git(root, "worktree", "add", "--detach", str(worktree), "v2026.11")
    old_build = built(worktree, build(worktree))
    assert "Version 2026.11, released 2026-11-30" in words(soup(old_build, "chapters/glossary").select_one(
        ".reviewkit-edition"))
    out = tmp_path / "site"
    assert site.assemble(out, story["after"], {"2026.11": old_build, "2026.12": story["after"]}) == [
        "2026.12", "2026.11"]
    listing = json.loads((out / "versions.json").read_text())
    assert [v["version"] for v in listing["versions"]] == ["2026.12", "2026.11"]
    for name in PAGES:
        old_page = out / "v" / "2026.11" / f"{name}.html"
        notice = BeautifulSoup(old_page.read_text(encoding="utf-8"), "html.parser").select_one(
            ".reviewkit-newer-version")
        assert notice is not None and "A newer version of this review exists" in words(notice)
        link = notice.find("a")
        assert link.get_text() == "version 2026.12"
        assert (old_page.parent / link["href"]).resolve() == (out / "v" / "2026.12" / f"{name}.html").resolve()
        newest = (out / "v" / "2026.12" / f"{name}.html").read_text(encoding="utf-8")
        assert "reviewkit-newer-version" not in newest


def test_unreadable_history_stops_the_build_naming_commit_and_file_and_a_fix_makes_it_whole(tmp_path):
    from reviewkit.publish.release import set_citation_fields
    from reviewkit.history.versions import Version, write

    root = copy_book(tmp_path / "book")
    partial_build(root, ["chapters/what-changed"])
    glossary = root / "data" / "glossary.csv"
    good = glossary.read_bytes()
    term = read_rows(glossary)[1][0].encode()
    # A byte that is not UTF-8, in a tree tagged by hand as a version (`reviewkit release` refuses such a tree).
    glossary.write_bytes(good.replace(term, term + b"\xff", 1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REVIEWKIT_ROOT", str(root))
        paths.root.cache_clear()
        write([Version("2026.11", "2026-11-30", "corrections-only", "A version tagged by hand.")])
    paths.root.cache_clear()
    citation = root / "CITATION.cff"  # as `reviewkit release` would set it: only the history is wrong here
    citation.write_text(set_citation_fields(citation.read_text(encoding="utf-8"), "2026.11", "2026-11-30"),
                        encoding="utf-8")
    commit_all(root, "A version with a bad byte")
    bad = git(root, "rev-parse", "HEAD").strip()
    git(root, "tag", "-a", "v2026.11", "-m", "by hand")
    glossary.write_bytes(good)
    commit_all(root, "Fix the byte")  # the working tree is fine: only the version is unreadable
    made = make(root, "book")
    assert "Traceback" not in made.stderr and "Nothing was built" in made.stderr
    for result in (made, build(root)):  # `make book`, and the Sphinx extension on its own
        output = result.stdout + result.stderr
        assert result.returncode != 0
        assert bad[:10] in output and "data/glossary.csv is not UTF-8" in output and "version 2026.11" in output
        assert not (root / "_build" / "html" / "chapters").exists(), "the build stops before writing any page"

    git(root, "tag", "-f", "-a", "v2026.11", "-m", "the version, cut on the fixed commit")
    page = soup(built(root, build(root)), "chapters/what-changed")
    assert "Version 2026.11" in words(page.find(id="version-2026-11")), "the fixed history makes the page whole"
