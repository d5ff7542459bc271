"""The built site (`make test` builds it first): every page's edition, JSON-LD, What changed, versions.json."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from reviewkit.model import paths
from reviewkit.history import versions
from reviewkit.model.toc import toc_files

pytestmark = pytest.mark.site

REVIEW_DOI = "https://doi.org/10.3872/j.issn.1007-385x.2025.09.001"
TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def pages(site):
    for entry in toc_files():
        yield entry, BeautifulSoup((site / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")


def edition():
    paths.root.cache_clear()
    return versions.edition()


def test_every_page_shows_its_edition(site):
    label = edition().label
    for entry, page in pages(site):
        banner = page.select_one(".reviewkit-edition")
        assert banner is not None and label in " ".join(banner.get_text(" ").split()), entry


def test_every_page_carries_a_scholarly_article_based_on_the_review(site):
    version = edition().version_text
    for entry, page in pages(site):
        items = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
        article = next(i for i in items if i["@type"] == "ScholarlyArticle")
        assert article["version"] == version and article["isBasedOn"]["@id"] == REVIEW_DOI, entry
        assert article["headline"] and article.get("dateModified"), entry
        for dataset in (i for i in items if i["@type"] == "Dataset"):
            page_dir = (site / entry).parent
            urls = [d["contentUrl"] for d in dataset["distribution"]]
            assert urls and all((page_dir / url).is_file() for url in urls), entry


def test_the_data_page_is_a_dataset_of_every_csv(site):
    page = BeautifulSoup((site / "chapters" / "data.html").read_text(encoding="utf-8"), "html.parser")
    items = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    dataset = next(i for i in items if i["@type"] == "Dataset")
    listed = {d["contentUrl"].rsplit("/", 1)[-1] for d in dataset["distribution"]}
    package = json.loads((ROOT / "data" / "datapackage.json").read_text())
    assert {r["path"] for r in package["resources"] if r.get("path")} <= listed


def test_what_changed_follows_the_versions_file(site):
    page = BeautifulSoup((site / "chapters" / "what-changed.html").read_text(encoding="utf-8"), "html.parser")
    released = versions.released()
    for version in released:
        section = page.find(id="version-" + version.version.replace(".", "-"))
        # Sphinx sets typographic quotes in prose ("review's" reads "review’s"): compare the words, not the glyphs.
        shown = " ".join(section.get_text(" ").split()).translate(TYPOGRAPHIC) if section is not None else ""
        assert section is not None and version.summary.translate(TYPOGRAPHIC) in shown
        assert version.classification_text in section.get_text()
    assert (page.find(id="unreleased-changes") is None) == (edition().version is not None)
    for link in page.select("ul.reviewkit-changes a"):
        assert not link.get_text().startswith("row-") and link["href"] != "#"


def test_versions_json_lists_the_released_versions(site):
    listing = json.loads((site / "versions.json").read_text())
    assert [v["version"] for v in listing["versions"]] == [v.version for v in versions.released()]
    assert listing["this_build"]["label"] == edition().label
